// Drafts our pipeline has prepared for an invoice but not yet posted (in review, approved and
// waiting, or failed mid-post). A customer who was quoted the final bill pays the invoice plus
// the lines the draft adds, so a deposit that overpays an invoice by exactly what its pending
// draft adds is explained by that draft. Money is never applied to an unposted draft: the engine
// only names the draft, and the decision goes to a person.
import { type Decimal, sum } from '@invoicer/core';
import type { EntityId, OpenInvoice } from './types.ts';

export interface PendingLine {
  description: string;
  /** The line's total as the draft prices it (before tax). */
  amount: Decimal;
}

export interface PendingDraft {
  /** The ServiceTitan invoice the draft will update when posted. */
  invoiceId: EntityId;
  jobId?: EntityId;
  runId: string;
  /** The run's status: awaiting_review, approved, posting, failed. */
  status: string;
  /** The open invoice review item of the same job, when there is one. */
  reviewItemId?: string;
  /** Draft total − the invoice's total in ServiceTitan now: what posting the draft adds. */
  increase: Decimal;
  /** Lines our pipeline added that ServiceTitan does not have yet. */
  addedLines: PendingLine[];
}

/** Why an amount beyond an invoice's balance is the pending draft's addition. */
export interface PendingMatch {
  invoiceId: EntityId;
  referenceNumber: string;
  jobId?: EntityId;
  runId: string;
  status: string;
  reviewItemId?: string;
  /** The overpayment the draft explains. */
  amount: Decimal;
  /** The added lines it equals (every added line when it equals the draft's whole increase). */
  lines: PendingLine[];
}

/**
 * The pending draft of one of `invoices` whose addition equals `extra` exactly: its whole
 * increase (tax included), all its added lines, or one added line. Undefined when none does.
 */
export function pendingMatch(
  extra: Decimal,
  invoices: OpenInvoice[],
  drafts: readonly PendingDraft[],
): PendingMatch | undefined {
  if (extra.lessThanOrEqualTo(0)) return undefined;
  for (const invoice of invoices) {
    for (const draft of drafts) {
      if (String(draft.invoiceId) !== String(invoice.id)) continue;
      const lines = explainingLines(extra, draft);
      if (lines)
        return {
          invoiceId: invoice.id,
          referenceNumber: invoice.referenceNumber,
          jobId: draft.jobId,
          runId: draft.runId,
          status: draft.status,
          reviewItemId: draft.reviewItemId,
          amount: extra,
          lines,
        };
    }
  }
  return undefined;
}

function explainingLines(extra: Decimal, draft: PendingDraft): PendingLine[] | undefined {
  const added = draft.addedLines.filter((l) => l.amount.greaterThan(0));
  if (added.length && extra.equals(draft.increase)) return added;
  if (added.length > 1 && extra.equals(sum(added.map((l) => l.amount)))) return added;
  const one = added.find((l) => l.amount.equals(extra));
  return one ? [one] : undefined;
}

/** "$85.00 Permit fee" style words for evidence (the console formats amounts itself). */
export function pendingWords(match: PendingMatch): string {
  const what = match.lines.map((l) => l.description || 'added line').join(' and ');
  const job = match.jobId !== undefined ? ` for job ${match.jobId}` : '';
  return `the ${what} (${match.amount.toFixed(2)}) added to the pending draft${job}, not yet posted`;
}
