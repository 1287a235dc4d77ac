// Per-invoice evidence and score. Each evidence item adds its weight to the log-odds that the
// invoice is the one being paid; score = logistic(PRIOR + Σ weight). The prior says roughly one
// in twenty open invoices is a plausible target before looking at anything. Weights are
// documented in the README and chosen so that a quoted invoice number plus the exact amount,
// or the customer plus the exact amount, clears the default 0.95 auto-apply bar, while an
// amount alone (0.62) or a typo'd number with the amount (0.92) does not.
import { type Decimal, fromAmountString, roundCents } from '@invoicer/core';
import { daysBetween } from '../dates.ts';
import { nameInText, nameSimilarity } from './customers.ts';
import { type PendingDraft, pendingMatch, pendingWords } from './pending.ts';
import type { ReferenceHit } from './references.ts';
import type { Candidate, Evidence, OpenInvoice, PaymentSubject, ReconcileSettings } from './types.ts';

export const PRIOR = -3;

export const WEIGHTS = {
  referenceExact: 6,
  referenceFuzzy: 2,
  exactAmount: 3,
  amountWithinTolerance: 2.5,
  preTaxAmount: 2,
  customerId: 4,
  customerIdMismatch: -4,
  customerNameStrong: 3, // similarity ≥ 0.9
  customerNameGood: 2, // ≥ 0.75
  customerNameWeak: 1, // ≥ 0.6
  dateWindow: 0.5,
  dateBeforeInvoice: -1.5,
  dateOutsideWindow: -1,
} as const;

/** Payments dated a few days before the invoice are clock or posting skew, not prepayment. */
const DATE_SKEW_DAYS = 3;

/** Log-odds that the evidence points at the right invoice. */
export function logitOf(evidence: Evidence[]): number {
  return PRIOR + evidence.reduce((total, e) => total + e.weight, 0);
}

export function scoreOf(evidence: Evidence[]): number {
  return Math.round((1 / (1 + Math.exp(-logitOf(evidence)))) * 10_000) / 10_000;
}

/** Short-pay tolerance for a balance: within either the percent or the fixed amount. */
export function tolerance(balance: Decimal, settings: ReconcileSettings): Decimal {
  const percent = roundCents(balance.times(settings.shortPayTolerancePercent).dividedBy(100));
  const fixed = fromAmountString(settings.shortPayToleranceFixed);
  return percent.greaterThan(fixed) ? percent : fixed;
}

export function referenceEvidence(hit: ReferenceHit | undefined, invoice: OpenInvoice): Evidence[] {
  if (!hit) return [];
  return hit.kind === 'exact'
    ? [
        {
          kind: 'reference',
          detail: `invoice ${invoice.referenceNumber} named as "${hit.token}"`,
          weight: WEIGHTS.referenceExact,
        },
      ]
    : [
        {
          kind: 'reference',
          detail: `"${hit.token}" is one typo away from invoice ${invoice.referenceNumber}`,
          weight: WEIGHTS.referenceFuzzy,
        },
      ];
}

export function amountEvidence(
  amount: Decimal,
  invoice: OpenInvoice,
  settings: ReconcileSettings,
): Evidence[] {
  const { balance } = invoice;
  if (amount.equals(balance))
    return [
      {
        kind: 'exact_amount',
        detail: `amount equals the balance ${balance.toFixed(2)}`,
        weight: WEIGHTS.exactAmount,
      },
    ];
  if (balance.equals(invoice.total) && invoice.salesTax.greaterThan(0) && amount.equals(invoice.subTotal)) {
    return [
      {
        kind: 'pre_tax_amount',
        detail: `amount equals the pre-tax subtotal ${invoice.subTotal.toFixed(2)}`,
        weight: WEIGHTS.preTaxAmount,
      },
    ];
  }
  const short = balance.minus(amount);
  if (short.greaterThan(0) && short.lessThanOrEqualTo(tolerance(balance, settings))) {
    return [
      {
        kind: 'amount_within_tolerance',
        detail: `${short.toFixed(2)} short of the balance ${balance.toFixed(2)}, within tolerance`,
        weight: WEIGHTS.amountWithinTolerance,
      },
    ];
  }
  return [];
}

export function customerEvidence(subject: PaymentSubject, invoice: OpenInvoice): Evidence[] {
  if (subject.customerId !== undefined) {
    return String(subject.customerId) === String(invoice.customerId)
      ? [{ kind: 'customer', detail: `customer ${invoice.customerId} matches`, weight: WEIGHTS.customerId }]
      : [
          {
            kind: 'customer_mismatch',
            detail: `payment is for customer ${subject.customerId}, invoice for ${invoice.customerId}`,
            weight: WEIGHTS.customerIdMismatch,
          },
        ];
  }
  const byName = subject.customerName ? nameSimilarity(subject.customerName, invoice.customerName) : 0;
  const inText = nameInText(invoice.customerName, subject.texts);
  const similarity = Math.max(byName, inText);
  const detail = `payer "${subject.customerName ?? 'in text'}" ~ "${invoice.customerName}" (${similarity.toFixed(2)})`;
  if (similarity >= 0.9) return [{ kind: 'customer', detail, weight: WEIGHTS.customerNameStrong }];
  if (similarity >= 0.75) return [{ kind: 'customer', detail, weight: WEIGHTS.customerNameGood }];
  if (similarity >= 0.6) return [{ kind: 'customer', detail, weight: WEIGHTS.customerNameWeak }];
  return [];
}

export function dateEvidence(date: string, invoice: OpenInvoice, windowDays: number): Evidence[] {
  const days = daysBetween(invoice.invoiceDate, date);
  if (days < -DATE_SKEW_DAYS)
    return [
      {
        kind: 'date_before_invoice',
        detail: `paid ${-days} days before the invoice date`,
        weight: WEIGHTS.dateBeforeInvoice,
      },
    ];
  if (days > windowDays)
    return [
      {
        kind: 'date_outside_window',
        detail: `paid ${days} days after the invoice, outside ${windowDays}`,
        weight: WEIGHTS.dateOutsideWindow,
      },
    ];
  return [
    {
      kind: 'date_window',
      detail: `paid ${Math.max(days, 0)} days after the invoice`,
      weight: WEIGHTS.dateWindow,
    },
  ];
}

/**
 * The amount is the balance plus exactly what the invoice's pending (unposted) draft adds: as
 * strong as an exact amount for finding the invoice, but the extra is never applied to it.
 */
export function pendingEvidence(
  amount: Decimal,
  invoice: OpenInvoice,
  drafts: readonly PendingDraft[],
): Evidence[] {
  const match = pendingMatch(amount.minus(invoice.balance), [invoice], drafts);
  if (!match) return [];
  return [
    {
      kind: 'pending_draft_amount',
      detail: `amount equals the balance ${invoice.balance.toFixed(2)} plus ${pendingWords(match)}`,
      weight: WEIGHTS.exactAmount,
    },
  ];
}

export function scoreInvoice(
  subject: PaymentSubject,
  invoice: OpenInvoice,
  hit: ReferenceHit | undefined,
  settings: ReconcileSettings,
  pending: readonly PendingDraft[] = [],
): Candidate {
  const amount = amountEvidence(subject.amount, invoice, settings);
  const evidence = [
    ...referenceEvidence(hit, invoice),
    ...(amount.length ? amount : pendingEvidence(subject.amount, invoice, pending)),
    ...customerEvidence(subject, invoice),
    ...dateEvidence(subject.date, invoice, settings.dateWindowDays),
  ];
  return {
    invoiceId: invoice.id,
    referenceNumber: invoice.referenceNumber,
    customerId: invoice.customerId,
    score: scoreOf(evidence),
    evidence,
  };
}
