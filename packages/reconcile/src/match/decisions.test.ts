import { describe, expect, it } from 'vitest';
import { parseBai2 } from '../formats/bai2/bai2.ts';
import { ACME, bankLine, SAMPLE_BOOK as book, invoice, settings, stPayment } from '../testing/invoices.ts';
import { bankFile, HAS_BANK_DATA } from '../testing/shared-data.ts';
import { reconcilePayment } from './reconcile.ts';
import { subjectFromBankTransaction } from './subjects.ts';
import type { ReconcileDecision } from './types.ts';

const applied = (decision: ReconcileDecision) =>
  decision.allocations.map((a) => [a.invoiceId, a.amount.toFixed(2), a.balanceAfter.toFixed(2)]);

describe('matching on references', () => {
  it('auto-applies a quoted invoice number with the exact amount', () => {
    const decision = reconcilePayment({
      subject: bankLine('500.00', '2024-03-12', ['ACH CREDIT', 'INV#102345']),
      invoices: book,
      settings: settings(),
    });
    expect(decision).toMatchObject({ action: 'auto_apply', reasons: [], rule: 'reference and amount' });
    expect(applied(decision)).toEqual([[1, '500.00', '0.00']]);
    expect(decision.confidence).toBeGreaterThanOrEqual(0.95);
    expect(decision.candidates[0]?.evidence.map((e) => e.kind)).toEqual([
      'reference',
      'exact_amount',
      'date_window',
    ]);
  });

  it.each(['Invoice No. 102345', 'INV-102345', '#102345', 'inv102345', 'ref 0102345'])(
    'reads "%s" as invoice 102345',
    (memo) => {
      const decision = reconcilePayment({
        subject: bankLine('500.00', '2024-03-12', [memo]),
        invoices: book,
        settings: settings(),
      });
      expect(decision.candidates[0]?.evidence[0]).toMatchObject({ kind: 'reference', weight: 6 });
      expect(decision.action).toBe('auto_apply');
    },
  );

  it.each([
    ['transposed digits', '103245'],
    ['a missing digit', '10235'],
  ])('tolerates %s but never auto-applies on the typo and amount alone', (_, typo) => {
    const decision = reconcilePayment({
      subject: bankLine('500.00', '2024-03-12', [`PMT INV ${typo}`]),
      invoices: book,
      settings: settings(),
    });
    const top = decision.candidates[0];
    expect(top?.invoiceId).toBe(1);
    expect(top?.evidence[0]).toMatchObject({ kind: 'reference', weight: 2 });
    expect(top?.evidence[0]?.detail).toMatch(/one typo away from invoice 102345/);
    expect(decision.action).toBe('review');
    expect(decision.reasons).toEqual(['no_match']);
  });

  it('auto-applies a typo when the payer name backs it up', () => {
    const decision = reconcilePayment({
      subject: bankLine('500.00', '2024-03-12', ['PMT INV 103245'], 'ACME PLUMBING'),
      invoices: book,
      settings: settings(),
    });
    expect(decision.action).toBe('auto_apply');
    expect(applied(decision)).toEqual([[1, '500.00', '0.00']]);
  });

  it('does not treat a money amount in the memo as an invoice number', () => {
    const decision = reconcilePayment({
      subject: bankLine('75.50', '2024-03-12', ['paid $102,345.00 total']),
      invoices: book,
      settings: settings(),
    });
    expect(decision.candidates.every((c) => c.evidence.every((e) => e.kind !== 'reference'))).toBe(true);
  });

  it('matches the OBI invoice reference of a real BAI2 wire', { skip: !HAS_BANK_DATA }, () => {
    const tx = parseBai2(bankFile('bai2', 'venturehacks', 'eod.bai2')).statements[0]?.transactions[0];
    if (!tx) throw new Error('no transaction');
    const invoices = [...book, invoice(42, '123456', [12, 'Options Link'], '2010-08-01', '83259.82')];
    const decision = reconcilePayment({
      subject: subjectFromBankTransaction(tx),
      invoices,
      settings: settings(),
    });
    expect(decision.action).toBe('auto_apply');
    expect(applied(decision)).toEqual([[42, '83259.82', '0.00']]);
  });
});

describe('ambiguity and rules', () => {
  const twins = [
    invoice(20, '200001', ACME, '2024-03-01', '250.00'),
    invoice(21, '200002', ACME, '2024-03-02', '250.00'),
  ];

  it('never auto-applies when two invoices fit equally well', () => {
    const decision = reconcilePayment({
      subject: stPayment('250.00', '2024-03-12', { customerId: 7 }),
      invoices: twins,
      settings: settings(),
    });
    expect(decision.action).toBe('review');
    expect(decision.reasons).toContain('multi_match');
    expect(decision.candidates.map((c) => c.score)).toEqual([
      decision.candidates[0]?.score,
      decision.candidates[0]?.score,
    ]);
  });

  it('lets a quoted number break the tie', () => {
    const decision = reconcilePayment({
      subject: stPayment('250.00', '2024-03-12', { customerId: 7, memo: '200002' }),
      invoices: twins,
      settings: settings(),
    });
    expect(decision.action).toBe('auto_apply');
    expect(applied(decision)).toEqual([[21, '250.00', '0.00']]);
  });

  it('says no_match when nothing fits', () => {
    const decision = reconcilePayment({
      subject: bankLine('12.34', '2024-03-12', ['DEPOSIT']),
      invoices: book,
      settings: settings(),
    });
    expect(decision).toMatchObject({ action: 'review', reasons: ['no_match'], allocations: [] });
  });

  it('suggests, never applies, an amount-only match', () => {
    const decision = reconcilePayment({
      subject: bankLine('2000.00', '2024-03-12', ['DEPOSIT']),
      invoices: book,
      settings: settings(),
    });
    expect(decision).toMatchObject({ action: 'review', rule: 'amount in window', reasons: ['no_match'] });
    expect(applied(decision)).toEqual([[5, '2000.00', '0.00']]);
  });

  it('ignores debits', () => {
    expect(
      reconcilePayment({
        subject: bankLine('-500.00', '2024-03-12', ['102345']),
        invoices: book,
        settings: settings(),
      }).action,
    ).toBe('review');
  });

  it('uses the first matching rule, even when a later one would auto-apply', () => {
    const rules = [
      {
        name: 'customer first',
        requires: ['customer' as const],
        action: 'suggest' as const,
        minConfidence: 0.5,
      },
      {
        name: 'reference and amount',
        requires: ['reference' as const, 'exact_amount' as const],
        action: 'auto_apply' as const,
        minConfidence: 0.9,
      },
    ];
    const decision = reconcilePayment({
      subject: stPayment('500.00', '2024-03-12', { customerId: 7, memo: '102345' }),
      invoices: book,
      settings: settings({ rules }),
    });
    expect(decision).toMatchObject({ action: 'review', rule: 'customer first' });
  });

  it('respects the tenant auto-apply confidence', () => {
    const decision = reconcilePayment({
      subject: stPayment('500.00', '2024-03-12', { customerId: 7 }),
      invoices: book,
      settings: settings({ autoApplyConfidence: 0.999 }),
    });
    expect(decision.confidence).toBeLessThan(0.999);
    expect(decision.action).toBe('review');
  });
});
