// The payment screen's words, computed from the candidate's exact amounts (never from a model):
// what the difference between the deposit and the invoices is, how sure the matcher is and what
// that rests on, and the matcher's evidence and notes without internal scores or field names.
import { fromAmountString, sum, toMoneyString, ZERO } from '@invoicer/core';
import type { PaymentCandidate, PaymentSplitView, PendingView } from '../review/payment.ts';
import { money } from './format.ts';

const dec = (value: string | null | undefined) => {
  try {
    return value ? fromAmountString(value) : null;
  } catch {
    return null;
  }
};

/** "90255", "90255 and 90273", "90255, 90273 and 90301". */
export function listWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export const PENDING_STATUS: Record<string, string> = {
  awaiting_review: 'in review',
  approved: 'approved, not yet posted',
  posting: 'being posted',
  failed: 'posting failed',
};

export function pendingWords(p: PendingView): string {
  const lines = listWords(p.lines.map((l) => l.description));
  const job = p.jobId !== null ? ` for job ${p.jobId}` : '';
  const status = PENDING_STATUS[p.status] ?? 'not yet posted';
  return `${money(p.amount)}, which equals the ${lines || 'line'} added to the pending draft${job} (${status})`;
}

/** Balance left on a split's invoice, from the item or from the candidate's one balance. */
export function balanceAfter(split: PaymentSplitView, candidate: PaymentCandidate): string | null {
  if (split.balanceAfter !== null) return split.balanceAfter;
  const balance = dec(candidate.balance);
  if (candidate.splits.length !== 1 || !balance) return null;
  const left = balance.minus(dec(split.amount) ?? ZERO).minus(dec(split.writeOff) ?? ZERO);
  return toMoneyString(left.greaterThan(0) ? left : ZERO);
}

export interface Difference {
  /** One line: "Short by $50.00", "Covers invoices 90255 and 90273". */
  headline: string;
  /** What applying it does, in a sentence or two. */
  detail: string;
  tone: 'exact' | 'short' | 'over' | 'pending' | 'unknown';
}

export function differenceWords(amount: string | null, c: PaymentCandidate): Difference {
  if (c.kind === 'batch') {
    const n = c.paymentIds.length || 'several';
    const fee = dec(c.fee);
    return fee?.greaterThan(0)
      ? {
          headline: `Equals ${n} recorded payments less a ${money(c.fee)} processing fee`,
          detail: `The payments total ${money(c.balance)}; the deposit is that less the card processor's fee. Choosing this records the match and writes nothing to ServiceTitan.`,
          tone: 'exact',
        }
      : {
          headline: `Equals ${n} recorded payments exactly`,
          detail: `Choosing this records the match and writes nothing to ServiceTitan.`,
          tone: 'exact',
        };
  }
  const numbers = c.splits.map((s) => s.referenceNumber);
  const invoices = numbers.length ? listWords(numbers) : c.referenceNumber;
  const noun = numbers.length > 1 ? 'invoices' : 'invoice';
  const paid = c.splits.length ? sum(c.splits.map((s) => dec(s.amount) ?? ZERO)) : dec(c.amount);
  const writeOff = sum(c.splits.map((s) => dec(s.writeOff) ?? ZERO));
  const credit = dec(c.credit);
  const owed = dec(c.balance);
  if (c.pending && credit?.greaterThan(0)) {
    return {
      headline: `Covers ${noun} ${invoices} including the ${money(c.pending.amount)} added line pending review`,
      detail: `Overpays by ${pendingWords(c.pending)}. That line is not on the ServiceTitan invoice yet, so applying now puts ${money(paid?.toFixed(2))} on ${noun} ${invoices} and leaves ${money(c.credit)} unapplied until the draft is posted.`,
      tone: 'pending',
    };
  }
  if (credit?.greaterThan(0))
    return {
      headline: `Overpays by ${money(c.credit)}`,
      detail: `Pays ${noun} ${invoices} in full; ${money(c.credit)} is left on the customer's account for the next invoice.`,
      tone: 'over',
    };
  if (writeOff.greaterThan(0))
    return {
      headline: `Short by ${money(writeOff.toFixed(2))}, within the write-off tolerance`,
      detail: `Applies ${money(paid?.toFixed(2))} to ${noun} ${invoices} and writes off ${money(writeOff.toFixed(2))} (recorded here, not in ServiceTitan).`,
      tone: 'short',
    };
  const short = owed && paid ? owed.minus(paid) : null;
  if (short?.greaterThan(0))
    return {
      headline: `Short by ${money(short.toFixed(2))}`,
      detail: `Applies ${money(paid?.toFixed(2))} of the ${money(c.balance)} owed on ${noun} ${invoices}; ${money(short.toFixed(2))} stays open.`,
      tone: 'short',
    };
  if (paid && owed && short?.isZero())
    return numbers.length > 1
      ? {
          headline: `Covers invoices ${invoices} exactly`,
          detail: 'Each invoice is paid in full.',
          tone: 'exact',
        }
      : { headline: `Pays invoice ${invoices} in full`, detail: 'Nothing is left open.', tone: 'exact' };
  const given = dec(amount);
  if (given && paid && !given.equals(paid))
    return {
      headline: `Applies ${money(paid.toFixed(2))} of the ${money(amount)} received`,
      detail: 'The open balance was not recorded with this candidate.',
      tone: 'unknown',
    };
  return { headline: 'Amounts not recorded for this candidate', detail: '', tone: 'unknown' };
}

const SUPPORT: Record<string, string> = {
  reference: 'invoice number in the payment text',
  exact_amount: 'exact amount',
  amount_within_tolerance: 'amount within the short-pay tolerance',
  pre_tax_amount: 'amount equals the pre-tax subtotal',
  pending_draft_amount: 'amount equals the invoice plus a line pending review',
  customer: 'same customer',
  date_window: 'paid soon after the invoice',
  batch: 'recorded payments add up to the deposit',
};
const AGAINST: Record<string, string> = {
  customer_mismatch: 'a different customer',
  date_before_invoice: 'paid before the invoice date',
  date_outside_window: 'paid long after the invoice',
};

export interface ConfidenceWords {
  label: string;
  percent: string | null;
  for: string[];
  against: string[];
}

export function confidenceWords(c: PaymentCandidate): ConfidenceWords {
  const score = c.confidence;
  const label =
    score === null
      ? 'Confidence not recorded'
      : score >= 0.95
        ? 'High confidence'
        : score >= 0.75
          ? 'Good confidence'
          : score >= 0.5
            ? 'Fair confidence'
            : 'Low confidence';
  const kinds = [...new Set(c.evidence.map((e) => e.kind))];
  return {
    label,
    percent: score === null ? null : `${Math.round(Math.min(Math.max(score, 0), 1) * 100)}%`,
    for: kinds.flatMap((k) => SUPPORT[k] ?? []),
    against: kinds.flatMap((k) => AGAINST[k] ?? []),
  };
}

const AMOUNT = /(?<![$\d.,])\d{1,3}(?:,?\d{3})*\.\d{2}(?![\d%])/g;

/** The matcher's sentence with amounts as money and name-similarity scores left out. */
export function evidenceText(detail: string): string {
  return detail
    .replace(/\s*\((?:0|1)\.\d+\)/g, '')
    .replace(/^customer (\d+) matches$/, 'same customer')
    .replace(/^payer "(.*)" ~ "(.*)"$/, 'the payer “$1” reads as the customer “$2”')
    .replace(/payment is for customer \d+, invoice for \d+/, 'the payment is from a different customer')
    .replace(AMOUNT, (m) => money(m.replaceAll(',', '')));
}

/** Notes that carry internal scores or rule settings are for engineers (the audit has them). */
const INTERNAL_NOTE = /\bconfidence \d|\brule\b|\bscores? \d|\bmin \d|\bauto_apply\b/;

export function noteTexts(notes: string[]): string[] {
  return notes.filter((n) => !INTERNAL_NOTE.test(n)).map(evidenceText);
}
