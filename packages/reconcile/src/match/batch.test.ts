import { describe, expect, it } from 'vitest';
import { bankLine, d, invoice, settings } from '../testing/invoices.ts';
import { findBatch } from './batch.ts';
import { reconcilePayment } from './reconcile.ts';
import type { UnreconciledPayment } from './types.ts';

const payment = (id: string, amount: string, date: string, typeName: string): UnreconciledPayment => ({
  id,
  amount: d(amount),
  date,
  typeName,
});

const unreconciled = [
  payment('v1', '500.00', '2024-03-08', 'Visa'),
  payment('v2', '400.00', '2024-03-08', 'MasterCard'),
  payment('v3', '371.00', '2024-03-09', 'Credit Card'),
  payment('c1', '250.00', '2024-03-09', 'Check'),
  payment('c2', '520.00', '2024-03-10', 'Check'),
  payment('old', '89.00', '2024-02-20', 'Visa'),
];

describe('batch deposits', () => {
  it('finds the card payments behind a payout net of fees and reports the fee', () => {
    // 1271.00 gross at 2.9% + 0.30 each = 37.76 fee.
    const decision = reconcilePayment({
      subject: bankLine('1233.24', '2024-03-11', ['STRIPE PAYOUT']),
      invoices: [],
      unreconciledPayments: unreconciled,
      settings: settings(),
    });
    expect(decision.action).toBe('auto_apply');
    expect(decision.batch?.paymentIds).toEqual(['v1', 'v2', 'v3']);
    expect(decision.batch?.gross.toFixed(2)).toBe('1271.00');
    expect(decision.batch?.fee.toFixed(2)).toBe('37.76');
    expect(decision.allocations).toEqual([]);
  });

  it('matches a deposit of several checks exactly, with no fee', () => {
    const result = findBatch(d('770.00'), '2024-03-11', unreconciled);
    expect(result).toMatchObject({ status: 'resolved', match: { paymentIds: ['c2', 'c1'] } });
    if (result.status === 'resolved') expect(result.match.fee.isZero()).toBe(true);
  });

  it('never takes a fee off checks', () => {
    // 770.00 − 2.5% would be a plausible card fee, but c1 and c2 are checks.
    expect(
      findBatch(
        d('750.75'),
        '2024-03-11',
        unreconciled.filter((p) => String(p.id).startsWith('c')),
      ).status,
    ).toBe('none');
  });

  it('ignores payments outside the look-back window', () => {
    expect(findBatch(d('89.00'), '2024-03-11', unreconciled).status).toBe('none');
  });

  it('does not mix card payments and checks in one deposit', () => {
    // Visa 500.00 + check 250.00 would add up exactly, but a deposit is one channel.
    const pool = unreconciled.filter((p) => p.id === 'v1' || p.id === 'c1');
    expect(findBatch(d('750.00'), '2024-03-11', pool).status).toBe('none');
  });

  it('leaves a deposit that several sets of payments explain for review', () => {
    const twins = [
      payment('a', '100.00', '2024-03-08', 'Visa'),
      payment('b', '100.00', '2024-03-08', 'Visa'),
    ];
    const decision = reconcilePayment({
      subject: bankLine('97.00', '2024-03-10', ['PAYOUT']),
      invoices: [],
      unreconciledPayments: twins,
      settings: settings(),
    });
    expect(decision).toMatchObject({ action: 'review', reasons: ['batch_unresolved'] });
    expect(decision.batch).toBeUndefined();
  });

  it('gives up, for review, when the search budget runs out', () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      payment(`p${i}`, `${100 + i}.${String(i).padStart(2, '0')}`, '2024-03-08', 'Visa'),
    );
    const result = findBatch(d('2500.00'), '2024-03-10', many, {
      lookbackDays: 7,
      minFeeRate: 0.02,
      maxFeeRate: 0.035,
      maxFixedFeePerPayment: d('0.30'),
      feeBearingTypes: /visa/i,
      maxNodes: 1000,
    });
    expect(result.status).toBe('unresolved');
  });

  it('asks a person when a deposit is both a batch and a confident invoice match', () => {
    const invoices = [invoice(1, '555001', [3, 'Big Customer Inc'], '2024-03-01', '770.00')];
    const decision = reconcilePayment({
      subject: bankLine('770.00', '2024-03-11', ['INV 555001'], 'BIG CUSTOMER'),
      invoices,
      unreconciledPayments: unreconciled,
      settings: settings(),
    });
    expect(decision).toMatchObject({ action: 'review', reasons: ['multi_match'] });
    expect(decision.batch?.paymentIds).toEqual(['c2', 'c1']);
  });
});
