// The payment exception page without a server: the decision first, the deposit beside its
// candidates, the allocation as a table, the difference in words computed from the amounts, a
// plain confidence with what it rests on, links to the invoice review of the same job, and none
// of the matcher's internal fields (type codes, fingerprints, raw scores, JSON).
import type { ReviewItem } from '@invoicer/db';
import { describe, expect, it } from 'vitest';
import { parseSplitAmounts } from '../../apps/console/src/review/payment-split.ts';
import { inTimeZone } from '../../apps/console/src/views/format.ts';
import { type PaymentPageModel, paymentPage } from '../../apps/console/src/views/payment.ts';

const viewer = {
  user: { id: 'u1', name: 'Pat Clerk', role: 'billing_specialist', tenants: null } as never,
  csrf: 'token',
};
const DEPOSIT = {
  kind: 'bank_line',
  date: '2026-11-30',
  amount: '450.00',
  text: 'CHECK 5521 FROM ACME PLUMBING INV 90255',
  reference: 'BR5521',
  checkNumber: '5521',
  payer: 'ACME PLUMBING',
  channel: 'check',
  typeCode: '175',
  line: 14,
  fingerprint: 'f00dfeedbeefcafe0123456789abcdef',
};
const evidence = [
  { kind: 'reference', detail: 'invoice 90255 named as "90255"', weight: 6 },
  { kind: 'customer', detail: 'payer "ACME PLUMBING" ~ "Acme Plumbing LLC" (0.93)', weight: 3 },
  { kind: 'date_window', detail: 'paid 4 days after the invoice', weight: 0.5 },
];
const single = (over: Record<string, unknown> = {}) => ({
  kind: 'invoice',
  invoiceId: 301,
  referenceNumber: '90255',
  customerName: 'Acme Plumbing LLC',
  balance: '500.00',
  score: 0.0759,
  confidence: 0.0759,
  amount: '450.00',
  evidence,
  allocation: {
    splits: [
      {
        invoiceId: 301,
        referenceNumber: '90255',
        amount: '450.00',
        customerName: 'Acme Plumbing LLC',
        balanceAfter: '50.00',
      },
    ],
  },
  ...over,
});

function item(details: Record<string, unknown>, over: Partial<ReviewItem> = {}): ReviewItem {
  return {
    id: '00000000-0000-0000-0000-0000000000aa',
    tenantId: 'acme',
    kind: 'payment',
    subjectKey: 'payment:bank_line:f00d',
    runId: null,
    status: 'open',
    reasons: ['short_pay'],
    amount: '450.00' as never,
    stJobId: null,
    businessUnitId: null,
    jobTypeId: null,
    customerName: 'Acme Plumbing LLC',
    summary: '',
    details: details as never,
    claimedBy: 'u1',
    claimExpiresAt: new Date('2026-12-04T23:38:00Z'),
    needsManager: false,
    slaDueAt: new Date('2026-12-05T17:00:00Z'),
    createdAt: new Date('2026-12-04T12:00:00Z'),
    updatedAt: new Date('2026-12-04T12:00:00Z'),
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
    ...over,
  };
}

/** The page's main content (the shared layout around it is not this page's). */
function render(details: Record<string, unknown>, over: Partial<PaymentPageModel> = {}): string {
  const page = inTimeZone('America/Chicago', () =>
    paymentPage(viewer, {
      item: item(details),
      holder: { userId: 'u1', name: 'Pat Clerk', expiresAt: new Date('2026-12-04T23:38:00Z'), mine: true },
      canWork: true,
      canAct: true,
      manager: false,
      links: new Map(),
      tolerance: { percent: 1, fixed: '5.00' },
      ...over,
    }).toString(),
  );
  return page.slice(page.indexOf('<main'), page.indexOf('</main>'));
}

/** The page's text without tags, whitespace collapsed. */
const text = (page: string) =>
  page
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')
    .replace(/ ([:.,;])/g, '$1');

describe('the payment exception page', () => {
  const page = render({
    subject: DEPOSIT,
    candidates: [
      single(),
      single({
        invoiceId: 302,
        referenceNumber: '90301',
        balance: '900.00',
        score: 0.02,
        confidence: 0.02,
        evidence: [],
        allocation: {
          splits: [{ invoiceId: 302, referenceNumber: '90301', amount: '450.00', balanceAfter: '450.00' }],
        },
      }),
    ],
    notes: [
      'named match, confidence 0.08',
      'rule "reference only" (auto_apply, min 0.95)',
      'invoice 90301 scores 0.02, too close to call',
    ],
    confidence: 0.0759,
    rule: 'reference only',
  });

  it('shows none of the matcher’s internal fields, scores or JSON', () => {
    for (const raw of [
      'typeCode',
      'fingerprint',
      'f00dfeedbeef',
      '0.0759',
      'score',
      'weight',
      'auto_apply',
      '{&quot;',
      '{"',
      '(0.93)',
    ])
      expect(page, raw).not.toContain(raw);
    expect(text(page)).not.toMatch(/\bline 14\b/);
  });

  it('puts the filled Decision panel before the candidates, with every action', () => {
    const decision = page.indexOf('id="decision-panel"');
    const candidates = page.indexOf('id="candidates-title"');
    expect(decision).toBeGreaterThan(-1);
    expect(decision).toBeLessThan(candidates);
    const panel = text(page.slice(decision, candidates));
    for (const action of [
      'Apply the suggested match',
      'Choose another candidate',
      'Split across invoices',
      'Mark as not ours',
      'Refund: the payer is owed this money back',
      'No match: leave open',
      'Escalate to a manager',
    ])
      expect(panel, action).toContain(action);
    expect(panel).toContain('Invoice 90255: Short by $50.00.');
    expect(panel).toContain('No write-off offered: the difference is more than 1% of the invoice or $5.00');
  });

  it('shows the deposit beside its candidates, and the difference in words', () => {
    expect(page).toMatch(
      /class="side-by-side payment-compare">\s*<div><section class="panel" id="deposit-panel"/,
    );
    const words = text(page);
    expect(words).toContain(
      'Bank deposit Amount $450.00 Received Nov 30, 2026 From ACME PLUMBING How it arrived Check or cash deposit Check number 5521 Bank reference BR5521 Bank text CHECK 5521 FROM ACME PLUMBING INV 90255',
    );
    expect(words).toContain(
      'Short by $50.00. Applies $450.00 of the $500.00 owed on invoice 90255; $50.00 stays open.',
    );
  });

  it('shows the allocation as a table: invoice, customer, applied, balance after', () => {
    const table = page.slice(
      page.indexOf('<table class="allocation">'),
      page.indexOf('</table>', page.indexOf('<table class="allocation">')),
    );
    expect(text(table)).toContain(
      'Invoice Customer Applied Balance after 90255 Acme Plumbing LLC $450.00 $50.00',
    );
  });

  it('says how sure the matcher is in words, with what it rests on', () => {
    expect(text(page)).toContain(
      'Low confidence (8%): invoice number in the payment text, same customer, paid soon after the invoice.',
    );
    expect(text(page)).toContain('the payer “ACME PLUMBING” reads as the customer “Acme Plumbing LLC”');
    // The matcher's notes with internal scores stay in the audit.
    expect(text(page)).not.toContain('too close to call');
  });

  it('numbers each candidate once', () => {
    expect(page).not.toMatch(/<ol[^>]*class="candidates"/);
    expect(text(page)).not.toMatch(/\b(\d)\.\s*\1\./);
    expect(page).toMatch(/<h3 id="candidate-1-title">Invoice 90255 · Acme Plumbing LLC/);
    expect(page).toContain('data-shortcut="candidate-1"');
    expect(page).toContain('data-shortcut="candidate-2"');
    expect(page.match(/data-shortcut="candidate-1"/g)).toHaveLength(1);
  });

  it('shows times in the shop’s zone', () => {
    expect(text(page)).toContain('until Dec 4, 2026, 5:38 PM CST');
  });
});

describe('the difference in words', () => {
  it('covers several invoices exactly', () => {
    const page = render({
      subject: { ...DEPOSIT, amount: '700.00' },
      candidates: [
        {
          kind: 'invoices',
          invoiceId: 301,
          referenceNumber: '90255 + 90273',
          customerName: 'Acme Plumbing LLC',
          balance: '700.00',
          score: 0.97,
          confidence: 0.97,
          amount: '700.00',
          evidence: [
            { kind: 'reference', detail: 'invoices 90255, 90273 named in the remittance', weight: 6 },
            { kind: 'exact_amount', detail: 'amount equals the 2 invoices together (700.00)', weight: 3 },
          ],
          allocation: {
            splits: [
              {
                invoiceId: 301,
                referenceNumber: '90255',
                amount: '500.00',
                customerName: 'Acme Plumbing LLC',
                balanceAfter: '0.00',
              },
              {
                invoiceId: 303,
                referenceNumber: '90273',
                amount: '200.00',
                customerName: 'Acme Plumbing LLC',
                balanceAfter: '0.00',
              },
            ],
          },
        },
      ],
    });
    expect(text(page)).toContain('Covers invoices 90255 and 90273 exactly.');
    expect(text(page)).toContain('High confidence (97%): invoice number in the payment text, exact amount.');
    expect(text(page)).toContain('amount equals the 2 invoices together ($700.00)');
    expect(text(page)).toContain('90273 Acme Plumbing LLC $200.00 $0.00');
  });

  it('explains an overpayment by a pending draft’s added line, linked to its review item', () => {
    const pending = {
      invoiceId: 301,
      referenceNumber: '90255',
      jobId: 1234,
      runId: 'r1',
      status: 'awaiting_review',
      reviewItemId: '00000000-0000-0000-0000-0000000000bb',
      amount: '85.00',
      lines: [{ description: 'Permit fee', amount: '85.00' }],
    };
    const page = render(
      {
        subject: { ...DEPOSIT, amount: '585.00' },
        candidates: [
          single({
            amount: '500.00',
            allocation: {
              splits: [{ invoiceId: 301, referenceNumber: '90255', amount: '500.00', balanceAfter: '0.00' }],
              credit: '85.00',
            },
            pending,
          }),
        ],
      },
      { links: new Map([[301, { reviewItemId: pending.reviewItemId, stJobId: 1234, status: 'open' }]]) },
    );
    const words = text(page);
    expect(words).toContain('Covers invoice 90255 including the $85.00 added line pending review.');
    expect(words).toContain(
      'Overpays by $85.00, which equals the Permit fee added to the pending draft for job 1234 (in review).',
    );
    expect(words).toContain('Left unapplied $85.00');
    expect(page).toContain(`href="/items/${pending.reviewItemId}"`);
    expect(words).toContain('Invoice review for job 1234');
  });

  it('offers the write-off when the shortfall is within the tolerance', () => {
    const page = render({
      subject: { ...DEPOSIT, amount: '497.00' },
      candidates: [
        single({
          amount: '497.00',
          allocation: {
            splits: [
              {
                invoiceId: 301,
                referenceNumber: '90255',
                amount: '497.00',
                writeOff: '3.00',
                balanceAfter: '0.00',
              },
            ],
          },
        }),
      ],
    });
    expect(text(page)).toContain('Apply and write off $3.00');
    expect(text(page)).toContain('Short by $3.00, within the write-off tolerance.');
  });

  it('shows a ServiceTitan payment’s unapplied remainder and what it already pays', () => {
    const page = render({
      subject: {
        kind: 'st_payment',
        paymentId: 69000001,
        date: '2026-11-02',
        type: 'Check',
        total: '600.00',
        unapplied: '100.00',
        customer: 'Acme Plumbing LLC',
        memo: 'Check 5521 for INV 90255',
        checkNumber: '5521',
        applied: [{ invoiceId: 300, referenceNumber: '90200', amount: '500.00' }],
      },
      candidates: [],
    });
    const words = text(page);
    expect(words).toContain(
      'ServiceTitan payment Unapplied $100.00 Payment total $600.00 Paid on Nov 2, 2026',
    );
    expect(words).toContain('Already applied in ServiceTitan Invoice Amount 90200 $500.00');
    expect(words).toContain('No candidate invoices were found.');
  });

  it('reads older and hand-written shapes without dumping them', () => {
    const page = render({
      payment: { reference: 'CHK 1001', amount: '154.06' },
      candidates: [{ invoiceId: 9, evidence: ['plain string', { rule: 'x' }], extra: { a: 1 } }, null],
    });
    expect(text(page)).toContain('Invoice 9');
    expect(text(page)).toContain('plain string');
    expect(text(page)).toContain('Candidate 2');
    expect(page).not.toContain('extra');
  });
});

describe('split amounts', () => {
  it('reads the form’s per-invoice fields and the API’s list, skipping empty ones', () => {
    expect(
      parseSplitAmounts({ action: 'split', split_301: '200', split_302: '', split_303: '50.5' }),
    ).toEqual([
      { invoiceId: 301, amount: '200.00' },
      { invoiceId: 303, amount: '50.50' },
    ]);
    expect(parseSplitAmounts({ action: 'split', splits: [{ invoiceId: 301, amount: 12.5 }] })).toEqual([
      { invoiceId: 301, amount: '12.50' },
    ]);
  });

  it('refuses amounts that are not money, and an empty split', () => {
    expect(() => parseSplitAmounts({ split_301: '-5' })).toThrow(/dollar amount/);
    expect(() => parseSplitAmounts({ split_301: '1e3' })).toThrow(/dollar amount/);
    expect(() => parseSplitAmounts({ split_301: '0' })).toThrow(/at least one invoice/);
    expect(() => parseSplitAmounts({})).toThrow(/at least one invoice/);
  });
});
