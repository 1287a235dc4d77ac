import { fromAmountString, sum } from '@invoicer/core';
import type { Invoice, Payment } from '@invoicer/servicetitan';
import { describe, expect, it } from 'vitest';
import { emptyMappings } from './documents.ts';
import { adjustment, buildJournal, journalsByDay, journalTag, journalTotals } from './journal.ts';

const invoice = (id: number, items: [string, string][], tax: string): Invoice => {
  const sub = sum(items.map(([, t]) => fromAmountString(t)));
  return {
    id,
    syncStatus: 'Posted',
    invoiceDate: '2026-03-02T00:00:00Z',
    businessUnit: { id: 7, name: 'Plumbing' },
    salesTaxCode: { id: 3, name: 'County' },
    subTotal: sub.toFixed(2),
    salesTax: tax,
    total: sub.plus(tax).toFixed(2),
    items: items.map(([type, total], n) => ({ id: n + 1, type, total, quantity: '1', price: total })),
  } as unknown as Invoice;
};

const mappings = () => {
  const m = emptyMappings();
  for (const [k, id] of [
    ['receivable', '610'],
    ['revenue:Service', '210'],
    ['revenue:Material', '220'],
    ['revenue:Discount', '260'],
    ['tax:zone:3', '820'],
    ['deposit:Check', '615'],
    ['unapplied', '835'],
  ])
    m.ledger.set(k!, { externalId: id!, externalName: null });
  return m;
};

describe('buildJournal', () => {
  const invoices = [
    invoice(
      1,
      [
        ['Service', '200.00'],
        ['Material', '55.55'],
        ['Discount', '-20.00'],
      ],
      '3.47',
    ),
    invoice(2, [['Service', '99.99']], '0.00'),
  ];
  const payments = [
    {
      id: 9,
      type: 'Check',
      total: '300.00',
      date: '2026-03-02',
      appliedTo: [{ appliedTo: 1, appliedAmount: '239.02' }],
    },
  ] as unknown as Payment[];
  const slot = journalsByDay(invoices, payments, new Map(invoices.map((i) => [i.id, i]))).get(
    '2026-03-02:7',
  )!;

  it('balances to the cent: receivable = revenue + tax; deposits = applied + unapplied', () => {
    const built = buildJournal(slot.unit, slot.invoices, slot.portions, mappings());
    const lines = Object.fromEntries(built.journal!.lines.map((l) => [l.role, l.amount]));
    expect(lines).toEqual({
      'ar.invoiced': '339.01',
      'revenue:Service': '-299.99',
      'revenue:Material': '-55.55',
      'revenue:Discount': '20.00',
      'tax:zone:3': '-3.47',
      'deposit:Check': '300.00',
      'ar.paid': '-239.02',
      unapplied: '-60.98',
    });
    expect(journalTotals(built.journal!.lines)).toEqual({ debits: '659.01', credits: '659.01' });
    expect(built.journal).toMatchObject({ invoiced: '339.01', received: '300.00', invoiceIds: [1, 2] });
  });

  it('names the accounts still to map instead of guessing', () => {
    const m = mappings();
    m.ledger.delete('unapplied');
    const built = buildJournal(slot.unit, slot.invoices, slot.portions, m);
    expect(built.missing).toEqual([{ kind: 'ledger', stKey: 'unapplied', stName: 'Customer Deposits' }]);
  });

  it('refuses an invoice whose lines do not add up to its subtotal', () => {
    const bad = { ...invoices[1]!, subTotal: '100.00', total: '100.00' } as Invoice;
    expect(() => buildJournal(slot.unit, [bad], [], mappings())).toThrow(/lines add up to 99.99/);
  });
});

describe('adjustment', () => {
  const line = (role: string, amount: string) => ({ role, accountId: role, amount, description: role });
  it('posts only the differences, and they balance', () => {
    const posted = [[line('ar', '100.00'), line('rev', '-100.00')]];
    const target = [line('ar', '112.50'), line('rev', '-105.00'), line('tax', '-7.50')];
    expect(adjustment(target, posted).map((l) => `${l.role} ${l.amount}`)).toEqual([
      'ar 12.50',
      'rev -5.00',
      'tax -7.50',
    ]);
    expect(adjustment(target, [...posted, adjustment(target, posted)])).toEqual([]);
  });
  it('reverses a day whose content is gone', () => {
    const posted = [[line('ar', '50.00'), line('rev', '-50.00')]];
    expect(adjustment([], posted).map((l) => l.amount)).toEqual(['-50.00', '50.00']);
  });
});

it('journalTag fits QuickBooks DocNumber (21) and tells revisions apart', () => {
  expect(journalTag({ day: '2026-03-02', businessUnit: '7' }, 1)).toBe('J20260302-7-1');
  const long = journalTag({ day: '2026-03-02', businessUnit: '123456789012345' }, 12);
  expect(long.length).toBeLessThanOrEqual(21);
  expect(long).not.toBe(journalTag({ day: '2026-03-02', businessUnit: '123456789012345' }, 1));
});
