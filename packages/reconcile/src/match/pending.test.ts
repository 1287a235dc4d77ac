import { describe, expect, it } from 'vitest';
import { ACME, bankLine, SAMPLE_BOOK as book, d, settings, stPayment } from '../testing/invoices.ts';
import { type PendingDraft, pendingMatch } from './pending.ts';
import { reconcilePayment } from './reconcile.ts';

/** Invoice 1 (102345, Acme, 500.00): its draft adds an 85.00 permit and a 20.00 disposal fee. */
const draft = (overrides: Partial<PendingDraft> = {}): PendingDraft => ({
  invoiceId: 1,
  jobId: 1234,
  runId: 'run-1',
  status: 'awaiting_review',
  reviewItemId: 'item-1',
  increase: d('113.40'),
  addedLines: [
    { description: 'Permit fee', amount: d('85.00') },
    { description: 'Disposal fee', amount: d('20.00') },
  ],
  ...overrides,
});

describe('pendingMatch', () => {
  const [first] = book;
  it.each([
    ['one added line', '85.00', ['Permit fee']],
    ['all added lines before tax', '105.00', ['Permit fee', 'Disposal fee']],
    ['the whole increase with tax', '113.40', ['Permit fee', 'Disposal fee']],
  ])('explains an extra equal to %s', (_, extra, lines) => {
    const match = pendingMatch(d(extra), [first!], [draft()]);
    expect(match?.lines.map((l) => l.description)).toEqual(lines);
    expect(match).toMatchObject({ invoiceId: 1, referenceNumber: '102345', jobId: 1234, runId: 'run-1' });
  });

  it('explains nothing that is not exactly an addition, or for another invoice', () => {
    expect(pendingMatch(d('85.01'), [first!], [draft()])).toBeUndefined();
    expect(pendingMatch(d('0'), [first!], [draft()])).toBeUndefined();
    expect(pendingMatch(d('85.00'), [first!], [draft({ invoiceId: 2 })])).toBeUndefined();
    expect(
      pendingMatch(d('85.00'), [first!], [draft({ addedLines: [], increase: d('85.00') })]),
    ).toBeUndefined();
  });
});

describe('a deposit that overpays by a pending draft’s added line', () => {
  it('finds the invoice, names the draft, and goes to review without applying the extra', () => {
    const decision = reconcilePayment({
      subject: bankLine('585.00', '2024-03-12', ['DEPOSIT'], 'ACME PLUMBING LLC'),
      invoices: book,
      settings: settings(),
      pendingDrafts: [draft()],
    });
    expect(decision.action).toBe('review');
    expect(decision.reasons).toContain('over_pay');
    expect(decision.allocations.map((a) => [a.invoiceId, a.amount.toFixed(2)])).toEqual([[1, '500.00']]);
    expect(decision.credit?.toFixed(2)).toBe('85.00');
    expect(decision.pendingDraft).toMatchObject({ invoiceId: 1, jobId: 1234, reviewItemId: 'item-1' });
    expect(decision.pendingDraft?.lines.map((l) => l.description)).toEqual(['Permit fee']);
    expect(decision.candidates[0]?.evidence.map((e) => e.kind)).toContain('pending_draft_amount');
    expect(decision.notes.join(' ')).toMatch(/Permit fee .*pending draft for job 1234/);
  });

  it('never auto-applies, even with the invoice number quoted', () => {
    const decision = reconcilePayment({
      subject: bankLine('585.00', '2024-03-12', ['INV 102345'], 'ACME PLUMBING LLC'),
      invoices: book,
      settings: settings(),
      pendingDrafts: [draft()],
    });
    expect(decision.action).toBe('review');
    expect(decision.pendingDraft?.referenceNumber).toBe('102345');
  });

  it('works for a ServiceTitan payment of the same customer', () => {
    const decision = reconcilePayment({
      subject: stPayment('605.00', '2024-03-12', { customerId: ACME[0] }),
      invoices: book,
      settings: settings(),
      pendingDrafts: [draft()],
    });
    expect(decision.action).toBe('review');
    expect(decision.pendingDraft?.lines).toHaveLength(2);
  });

  it('without the draft the same deposit is a plain overpayment with no draft named', () => {
    const decision = reconcilePayment({
      subject: bankLine('585.00', '2024-03-12', ['INV 102345'], 'ACME PLUMBING LLC'),
      invoices: book,
      settings: settings(),
    });
    expect(decision.reasons).toContain('over_pay');
    expect(decision.pendingDraft).toBeUndefined();
  });
});
