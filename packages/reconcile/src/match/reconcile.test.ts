import { describe, expect, it } from 'vitest';
import { bankLine, SAMPLE_BOOK as book, d, settings, stPayment } from '../testing/invoices.ts';
import { reconcilePayment } from './reconcile.ts';
import type { ReconcileDecision } from './types.ts';

const applied = (decision: ReconcileDecision) =>
  decision.allocations.map((a) => [a.invoiceId, a.amount.toFixed(2), a.balanceAfter.toFixed(2)]);

describe('allocation', () => {
  it('pays invoices named in the remittance, in order, with the amounts written', () => {
    const decision = reconcilePayment({
      subject: bankLine('225.50', '2024-03-12', ['INV 102346 150.00; INV 102347 75.50']),
      invoices: book,
      settings: settings(),
    });
    expect(decision.action).toBe('auto_apply');
    expect(applied(decision)).toEqual([
      [2, '150.00', '0.00'],
      [3, '75.50', '0.00'],
    ]);
    expect(decision.evidence.map((e) => e.kind)).toEqual(['reference', 'exact_amount', 'date_window']);
  });

  it('pays named invoices first even when an older one is open', () => {
    const decision = reconcilePayment({
      subject: stPayment('225.50', '2024-03-12', { customerId: 7, memo: 'for 102347 and 102346' }),
      invoices: book,
      settings: settings(),
    });
    expect(applied(decision).map((a) => a[0])).toEqual([3, 2]);
    expect(decision.allocations.some((a) => a.invoiceId === 1)).toBe(false);
  });

  it('spreads a payment over the customer’s invoices oldest first', () => {
    const decision = reconcilePayment({
      subject: stPayment('650.00', '2024-03-12', { customerId: 7 }),
      invoices: book,
      settings: settings(),
    });
    expect(decision).toMatchObject({ action: 'auto_apply', rule: 'customer and amount' });
    expect(applied(decision)).toEqual([
      [1, '500.00', '0.00'],
      [2, '150.00', '0.00'],
    ]);
  });

  it('leaves a balance when several payments pay one invoice', () => {
    const first = reconcilePayment({
      subject: stPayment('200.00', '2024-03-12', { customerId: 9, memo: 'Invoice 102401 amount 200.00' }),
      invoices: book,
      settings: settings(),
    });
    expect(first.action).toBe('auto_apply');
    expect(applied(first)).toEqual([[5, '200.00', '1800.00']]);
    const after = book.map((i) => (i.id === 5 ? { ...i, balance: d('1800.00') } : i));
    const second = reconcilePayment({
      subject: stPayment('1800.00', '2024-03-20', { customerId: 9 }),
      invoices: after,
      settings: settings(),
    });
    expect(second.action).toBe('auto_apply');
    expect(applied(second)).toEqual([[5, '1800.00', '0.00']]);
  });

  it('sends an unexplained partial payment to review with the balance left open', () => {
    const decision = reconcilePayment({
      subject: stPayment('1200.00', '2024-03-12', { customerId: 9, memo: '102401' }),
      invoices: book,
      settings: settings(),
    });
    expect(decision).toMatchObject({ action: 'review', reasons: ['short_pay'] });
    expect(applied(decision)).toEqual([[5, '1200.00', '800.00']]);
  });

  it('notes an overpayment as credit for the next invoice and asks for review', () => {
    const decision = reconcilePayment({
      subject: stPayment('550.00', '2024-03-12', { customerId: 9, memo: 'INV 102401' }),
      invoices: book.slice(4).map((i) => ({ ...i, balance: d('500.00') })),
      settings: settings(),
    });
    expect(decision).toMatchObject({ action: 'review', reasons: ['over_pay'] });
    expect(applied(decision)).toEqual([[5, '500.00', '0.00']]);
    expect(decision.credit?.toFixed(2)).toBe('50.00');
  });

  it('writes off a short pay within the fixed tolerance and auto-applies', () => {
    const decision = reconcilePayment({
      subject: stPayment('496.00', '2024-03-12', { customerId: 7 }),
      invoices: book,
      settings: settings(),
    });
    expect(decision).toMatchObject({ action: 'auto_apply', reasons: ['short_pay'] });
    expect(decision.allocations[0]?.invoiceId).toBe(1);
    expect(decision.allocations[0]?.amount.toFixed(2)).toBe('496.00');
    expect(decision.allocations[0]?.writeOff).toEqual({
      amount: d('4.00'),
      reason: 'short_pay_within_tolerance',
    });
    expect(decision.allocations[0]?.balanceAfter.toFixed(2)).toBe('0.00');
  });

  it('treats the tolerance as within either the percent or the fixed amount', () => {
    // 1% of 2000.00 is 20.00, more than the fixed 5.00: a 15.00 short pay is written off.
    const within = reconcilePayment({
      subject: stPayment('1985.00', '2024-03-12', { customerId: 9 }),
      invoices: book,
      settings: settings(),
    });
    expect(within.allocations[0]?.writeOff?.amount.toFixed(2)).toBe('15.00');
    expect(within.action).toBe('auto_apply');
    const beyond = reconcilePayment({
      subject: stPayment('1975.00', '2024-03-12', { customerId: 9 }),
      invoices: book,
      settings: settings(),
    });
    expect(beyond.allocations[0]?.writeOff).toBeUndefined();
    expect(beyond).toMatchObject({ action: 'review', reasons: ['short_pay'] });
    // With 0% the fixed amount still applies.
    const fixedOnly = reconcilePayment({
      subject: stPayment('496.00', '2024-03-12', { customerId: 7 }),
      invoices: book,
      settings: settings({ shortPayTolerancePercent: 0 }),
    });
    expect(fixedOnly.allocations[0]?.writeOff?.amount.toFixed(2)).toBe('4.00');
  });

  it('flags a payment of the pre-tax subtotal', () => {
    const decision = reconcilePayment({
      subject: bankLine('100.00', '2024-03-09', ['INVOICE 102400'], 'SMITH JOHN'),
      invoices: book,
      settings: settings(),
    });
    expect(decision).toMatchObject({ action: 'review', reasons: ['pre_tax_payment'] });
    expect(decision.evidence.map((e) => e.kind)).toContain('pre_tax_amount');
    expect(applied(decision)).toEqual([[4, '100.00', '8.25']]);
  });
});
