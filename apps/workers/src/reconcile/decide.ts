// Deciding with fresh data, and turning a decision into an Outcome to record. The engine runs on
// the mirror first; the invoices it would pay (and its closest rivals) are then read from
// ServiceTitan and it decides again, until the decision rests only on fresh invoices.
import { formatUsd, REASON_LABELS, type ReasonCode, toMoneyString } from '@invoicer/core';
import { type ReconcileDecision, type ReconcileInput, reconcilePayment } from '@invoicer/reconcile';
import type { StClient } from '@invoicer/servicetitan';
import { type CandidateSplit, type ReviewCandidate, toSplits } from './candidates.ts';
import { type InvoiceBook, refreshInvoices } from './inputs.ts';
import type { Outcome } from './persist.ts';

const RIVALS_TO_REFRESH = 5;
const MAX_ROUNDS = 3;

export async function decideFresh(
  client: StClient,
  book: InvoiceBook,
  input: Omit<ReconcileInput, 'invoices'>,
): Promise<ReconcileDecision> {
  const refreshed = new Set<number>();
  const decideNow = () =>
    reconcilePayment({ ...input, invoices: book.open(), pendingDrafts: book.pendingDrafts() });
  let decision = decideNow();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const wanted = [
      ...decision.allocations.map((a) => Number(a.invoiceId)),
      ...decision.candidates.slice(0, RIVALS_TO_REFRESH).map((c) => Number(c.invoiceId)),
    ].filter((id) => !refreshed.has(id));
    if (wanted.length === 0) break;
    await refreshInvoices(client, book, wanted);
    for (const id of wanted) refreshed.add(id);
    decision = decideNow();
  }
  return decision;
}

/** The splits a decision would apply. */
export function decisionSplits(decision: ReconcileDecision, book: InvoiceBook): CandidateSplit[] {
  return toSplits(decision.allocations, new Map(book.open().map((i) => [String(i.id), i])));
}

/** Fields every outcome of an engine decision shares. */
export function fromDecision(
  decision: ReconcileDecision,
  amount: string,
  splits: CandidateSplit[],
): Pick<
  Outcome,
  'reasons' | 'amount' | 'confidence' | 'rule' | 'splits' | 'credit' | 'fee' | 'evidence' | 'decision'
> {
  return {
    reasons: decision.reasons,
    amount,
    confidence: decision.confidence,
    rule: decision.rule ?? null,
    splits,
    credit: decision.credit ? toMoneyString(decision.credit) : null,
    fee: decision.batch ? toMoneyString(decision.batch.fee) : null,
    evidence: decision.evidence,
    decision: decision as unknown as Record<string, unknown>,
  };
}

export function reasonText(reasons: string[]): string {
  return reasons.map((r) => REASON_LABELS[r as ReasonCode] ?? r).join(', ');
}

export function reviewSummary(
  what: string,
  amount: string,
  reasons: string[],
  candidates: ReviewCandidate[],
): string {
  const best = candidates[0];
  const pending = candidates.find((c) => c.pending)?.pending;
  const lead = pending
    ? `covers invoice ${pending.referenceNumber} including the ${formatUsd(pending.amount)} added line pending review`
    : best
      ? best.kind === 'batch'
        ? `best guess: ${best.referenceNumber}`
        : `best guess: invoice ${best.referenceNumber} (${Math.round(best.score * 100)}%)`
      : 'no candidate';
  return `${formatUsd(amount)} ${what}: ${reasonText(reasons) || 'needs a decision'}; ${lead}`;
}
