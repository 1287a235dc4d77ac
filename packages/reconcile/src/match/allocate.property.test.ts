// Property tests: whatever the invoices, memo and amount, money is conserved and allocations
// stay within [0, balance] and never add up to more than the payment.
import { Decimal, sum, ZERO } from '@invoicer/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { settings } from '../testing/invoices.ts';
import { allocate } from './allocate.ts';
import { reconcilePayment } from './reconcile.ts';
import type { Allocation, OpenInvoice } from './types.ts';

const cents = (max: number) => fc.integer({ min: 1, max }).map((n) => new Decimal(n).dividedBy(100));

const invoiceArb = fc.record({
  number: fc.integer({ min: 10_000, max: 10_060 }),
  customer: fc.integer({ min: 1, max: 3 }),
  day: fc.integer({ min: 1, max: 28 }),
  subTotal: cents(500_000),
  taxRate: fc.constantFrom(0, 0.0825),
  paidShare: fc.constantFrom(0, 0, 0.5),
});

type InvoiceRow = typeof invoiceArb extends fc.Arbitrary<infer T> ? T : never;

function toInvoices(rows: InvoiceRow[]): OpenInvoice[] {
  return rows.map((r, i) => {
    const tax = r.subTotal.times(r.taxRate).toDecimalPlaces(2);
    const total = r.subTotal.plus(tax);
    return {
      id: i,
      referenceNumber: String(r.number),
      customerId: r.customer,
      customerName: `Customer ${r.customer}`,
      invoiceDate: `2024-02-${String(r.day).padStart(2, '0')}`,
      total,
      subTotal: r.subTotal,
      salesTax: tax,
      balance: total.minus(total.times(r.paidShare).toDecimalPlaces(2)),
    };
  });
}

function expectConserved(
  amount: Decimal,
  allocations: Allocation[],
  credit: Decimal | undefined,
  invoices: OpenInvoice[],
) {
  const byId = new Map(invoices.map((i) => [i.id, i]));
  for (const a of allocations) {
    const balance = byId.get(a.invoiceId)?.balance ?? ZERO;
    expect(a.amount.greaterThan(0)).toBe(true);
    expect(a.amount.lessThanOrEqualTo(balance)).toBe(true);
    expect(a.balanceAfter.greaterThanOrEqualTo(0)).toBe(true);
    expect(a.writeOff?.amount.greaterThan(0) ?? true).toBe(true);
    expect(a.amount.plus(a.writeOff?.amount ?? ZERO).lessThanOrEqualTo(balance)).toBe(true);
  }
  const applied = sum(allocations.map((a) => a.amount));
  expect(applied.lessThanOrEqualTo(amount)).toBe(true);
  expect(credit?.greaterThan(0) ?? true).toBe(true);
  if (allocations.length) expect(applied.plus(credit ?? ZERO).equals(amount)).toBe(true);
}

describe('allocation properties', () => {
  it('allocate() conserves money and respects balances', () => {
    fc.assert(
      fc.property(
        cents(2_000_000),
        fc.array(invoiceArb, { maxLength: 8 }),
        fc.array(fc.option(cents(300_000)), { maxLength: 8 }),
        (amount, rows, requested) => {
          const invoices = toInvoices(rows);
          const targets = invoices.map((invoice, i) => ({ invoice, requested: requested[i] ?? undefined }));
          const result = allocate(amount, targets, () => new Decimal('5.00'));
          expectConserved(amount, result.allocations, result.credit, invoices);
          expect(result.credit ?? ZERO).toEqual(amount.minus(sum(result.allocations.map((a) => a.amount))));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reconcilePayment() never allocates more than the payment nor below zero', () => {
    const memo = fc.array(
      fc.oneof(
        fc.integer({ min: 10_000, max: 10_060 }).map((n) => `INV ${n}`),
        fc.constantFrom('thanks', '#', '150.00', 'ACH'),
      ),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(
        cents(1_000_000),
        fc.array(invoiceArb, { maxLength: 10 }),
        memo,
        fc.option(fc.integer({ min: 1, max: 3 })),
        (amount, rows, words, customerId) => {
          const invoices = toInvoices(rows);
          const decision = reconcilePayment({
            subject: {
              kind: 'st_payment',
              id: 'p',
              amount,
              date: '2024-03-01',
              customerId: customerId ?? undefined,
              texts: [words.join(' ')],
            },
            invoices,
            settings: settings(),
          });
          expectConserved(amount, decision.allocations, decision.credit, invoices);
          expect(decision.confidence).toBeGreaterThanOrEqual(0);
          expect(decision.confidence).toBeLessThanOrEqual(1);
          if (decision.action === 'auto_apply')
            expect(decision.reasons.every((r) => r === 'short_pay')).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
