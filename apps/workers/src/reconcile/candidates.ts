// What a specialist picks from on a payment review item. Each candidate carries the exact splits
// that choosing it applies (so a keystroke in the console is enough and the worker applies
// precisely what was shown), with its score and evidence.
import { type Decimal, toMoneyString, ZERO } from '@invoicer/core';
import {
  type Allocation,
  allocate,
  type BatchMatch,
  type OpenInvoice,
  type PendingMatch,
  type ReconcileDecision,
  type ReconcileSettings,
  shortPayTolerance,
} from '@invoicer/reconcile';

export interface CandidateSplit {
  invoiceId: number;
  referenceNumber: string;
  amount: string;
  /** Short pay within tolerance settled on this invoice (not written to ServiceTitan). */
  writeOff?: string;
  /** For the review screen only (never sent to ServiceTitan). */
  customerName?: string;
  balanceAfter?: string;
}

/** An unposted draft of the candidate's invoice that explains the overpayment (see pending.ts). */
export interface CandidatePending {
  invoiceId: number;
  referenceNumber: string;
  jobId: number | null;
  runId: string;
  /** The run's status: awaiting_review, approved, posting or failed. */
  status: string;
  reviewItemId: string | null;
  amount: string;
  lines: { description: string; amount: string }[];
}

export interface CandidateEvidence {
  kind: string;
  detail: string;
  weight: number;
}

export interface ReviewCandidate {
  /** invoice: one invoice; invoices: the engine's multi-invoice proposal; batch: existing payments. */
  kind: 'invoice' | 'invoices' | 'batch';
  invoiceId: number | null;
  referenceNumber: string;
  customerName: string;
  /** Open balance of the invoice(s), or the payments' gross for a batch. */
  balance: string;
  score: number;
  /** Same as score; the console shows `confidence` and `amount`. */
  confidence: number;
  amount: string;
  evidence: CandidateEvidence[];
  allocation?: { splits: CandidateSplit[]; credit?: string };
  paymentIds?: number[];
  fee?: string;
  /** The overpayment is what this invoice's pending draft adds: shown, never applied. */
  pending?: CandidatePending;
}

export function toCandidatePending(match: PendingMatch): CandidatePending {
  return {
    invoiceId: Number(match.invoiceId),
    referenceNumber: match.referenceNumber,
    jobId: match.jobId === undefined ? null : Number(match.jobId),
    runId: match.runId,
    status: match.status,
    reviewItemId: match.reviewItemId ?? null,
    amount: toMoneyString(match.amount),
    lines: match.lines.map((l) => ({ description: l.description, amount: toMoneyString(l.amount) })),
  };
}

const MAX_INVOICE_CANDIDATES = 8;
const MIN_SCORE = 0.02;

export function toSplits(allocations: Allocation[], byId: Map<string, OpenInvoice>): CandidateSplit[] {
  return allocations.map((a) => {
    const invoice = byId.get(String(a.invoiceId));
    return {
      invoiceId: Number(a.invoiceId),
      referenceNumber: invoice?.referenceNumber ?? String(a.invoiceId),
      amount: toMoneyString(a.amount),
      ...(a.writeOff ? { writeOff: toMoneyString(a.writeOff.amount) } : {}),
      ...(invoice ? { customerName: invoice.customerName } : {}),
      balanceAfter: toMoneyString(a.balanceAfter),
    };
  });
}

export function batchCandidate(batch: BatchMatch, score: number, note: string): ReviewCandidate {
  return {
    kind: 'batch',
    invoiceId: null,
    referenceNumber: `${batch.paymentIds.length} ServiceTitan payment(s)`,
    customerName: '',
    balance: toMoneyString(batch.gross),
    score,
    confidence: score,
    amount: toMoneyString(batch.gross.minus(batch.fee)),
    evidence: [{ kind: 'batch', detail: note, weight: 0 }],
    paymentIds: batch.paymentIds.map(Number),
    fee: toMoneyString(batch.fee),
  };
}

export function reviewCandidates(
  amount: Decimal,
  decision: ReconcileDecision,
  open: OpenInvoice[],
  settings: ReconcileSettings,
  batches: BatchMatch[] = [],
): ReviewCandidate[] {
  const byId = new Map(open.map((i) => [String(i.id), i]));
  const out: ReviewCandidate[] = [];
  const pending = decision.pendingDraft ? { pending: toCandidatePending(decision.pendingDraft) } : {};
  if (decision.allocations.length > 1) {
    const invoices = decision.allocations.flatMap((a) => byId.get(String(a.invoiceId)) ?? []);
    out.push({
      kind: 'invoices',
      invoiceId: Number(decision.allocations[0]!.invoiceId),
      referenceNumber: invoices.map((i) => i.referenceNumber).join(' + '),
      customerName: [...new Set(invoices.map((i) => i.customerName))].join(' / '),
      balance: toMoneyString(invoices.reduce((s, i) => s.plus(i.balance), ZERO)),
      score: decision.confidence,
      confidence: decision.confidence,
      amount: toMoneyString(decision.allocations.reduce((s, a) => s.plus(a.amount), ZERO)),
      evidence: decision.evidence,
      allocation: {
        splits: toSplits(decision.allocations, byId),
        ...(decision.credit ? { credit: toMoneyString(decision.credit) } : {}),
      },
      ...pending,
    });
  }
  const oneCustomer = singleCustomerProposal(amount, decision, byId, settings);
  if (oneCustomer) {
    // When it accounts for the money exactly it is the better guess: show it first.
    if (oneCustomer.exact) out.unshift(oneCustomer.candidate);
    else out.push(oneCustomer.candidate);
  }
  const seenBatches = new Set<string>();
  for (const batch of [...(decision.batch ? [decision.batch] : []), ...batches]) {
    const key = batch.paymentIds.map(String).sort().join(',');
    if (seenBatches.has(key)) continue;
    seenBatches.add(key);
    const note = `deposit = payments ${batch.paymentIds.join(', ')} totalling ${toMoneyString(batch.gross)} less fee ${toMoneyString(batch.fee)}`;
    out.push(batchCandidate(batch, batch === decision.batch ? decision.confidence : 0.5, note));
  }
  const single = decision.allocations.length === 1 ? decision.allocations[0] : undefined;
  decision.candidates.slice(0, MAX_INVOICE_CANDIDATES).forEach((c, index) => {
    const invoice = byId.get(String(c.invoiceId));
    if (!invoice || (index >= 3 && c.score < MIN_SCORE)) return;
    const proposed = single !== undefined && String(single.invoiceId) === String(c.invoiceId);
    const result = proposed
      ? { allocations: [single], credit: decision.credit }
      : allocate(amount, [{ invoice }], (balance) => shortPayTolerance(balance, settings));
    out.push({
      kind: 'invoice',
      invoiceId: Number(invoice.id),
      referenceNumber: invoice.referenceNumber,
      customerName: invoice.customerName,
      balance: toMoneyString(invoice.balance),
      score: c.score,
      confidence: c.score,
      amount: toMoneyString(result.allocations[0]?.amount ?? ZERO),
      evidence: c.evidence,
      allocation: {
        splits: toSplits(result.allocations, byId),
        ...(result.credit ? { credit: toMoneyString(result.credit) } : {}),
      },
      ...(proposed ? pending : {}),
    });
  });
  return out;
}

/**
 * A multi-invoice proposal that spans customers usually holds a typo'd number that happens to be
 * another customer's invoice. The same proposal kept to the customer most of the named invoices
 * belong to is offered as its own candidate.
 */
function singleCustomerProposal(
  amount: Decimal,
  decision: ReconcileDecision,
  byId: Map<string, OpenInvoice>,
  settings: ReconcileSettings,
): { candidate: ReviewCandidate; exact: boolean } | null {
  if (decision.allocations.length < 2) return null;
  const invoices = decision.allocations.flatMap((a) => byId.get(String(a.invoiceId)) ?? []);
  const counts = new Map<string, number>();
  for (const i of invoices) counts.set(String(i.customerId), (counts.get(String(i.customerId)) ?? 0) + 1);
  if (counts.size < 2) return null;
  const [dominant] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
  const mine = invoices.filter((i) => String(i.customerId) === dominant);
  if (mine.length === 0) return null;
  const result = allocate(
    amount,
    mine.map((invoice) => ({ invoice })),
    (balance) => shortPayTolerance(balance, settings),
  );
  const credit = result.credit ? toMoneyString(result.credit) : undefined;
  return {
    exact: !result.credit && !result.shortBeyondTolerance,
    candidate: {
      kind: 'invoices',
      invoiceId: Number(mine[0]!.id),
      referenceNumber: mine.map((i) => i.referenceNumber).join(' + '),
      customerName: mine[0]!.customerName,
      balance: toMoneyString(mine.reduce((s, i) => s.plus(i.balance), ZERO)),
      score: decision.confidence,
      confidence: decision.confidence,
      amount: toMoneyString(result.allocations.reduce((s, a) => s.plus(a.amount), ZERO)),
      evidence: [
        ...decision.evidence.filter((e) => e.kind !== 'customer' && e.kind !== 'customer_mismatch'),
        {
          kind: 'customer',
          detail: `only ${mine[0]!.customerName}'s invoices among those named (${mine.length} of ${invoices.length})`,
          weight: 0,
        },
      ],
      allocation: { splits: toSplits(result.allocations, byId), ...(credit ? { credit } : {}) },
    },
  };
}
