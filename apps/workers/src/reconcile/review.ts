// A person resolved a payment review item in the console. `apply` applies the chosen candidate
// exactly as it was shown (its splits), and `split` the amounts the person typed per invoice
// (checked by the console against the candidates), idempotently: the bank line's ledger guarantees
// one ServiceTitan payment however often this runs. `no_match` / `leave_open` / `reject` close the
// subject without touching ServiceTitan.
import { fromAmountString, InvalidInputError } from '@invoicer/core';
import {
  getBankTransaction,
  getReconciliation,
  getReviewItem,
  paymentsMatchedToBank,
  type ReviewItem,
  type Tx,
} from '@invoicer/db';
import { z } from 'zod';
import { applyRemainder, createPaymentForLine, paymentTypeFor } from './apply.ts';
import { appliedOutcome } from './bank-line.ts';
import type { CandidateSplit, ReviewCandidate } from './candidates.ts';
import type { ReconcileContext } from './context.ts';
import { type InvoiceBook, loadInvoiceBook, readPayment, refreshInvoices, toOpenInvoice } from './inputs.ts';
import { withTenantLock } from './lock.ts';
import { type Outcome, parseReviewSubjectKey, persistOutcome, type SubjectRef } from './persist.ts';
import { remainderOf } from './st-payment.ts';
import { bankChannel } from './subjects.ts';

const Resolution = z.discriminatedUnion('action', [
  z.object({ action: z.literal('apply'), candidateIndex: z.number().int().min(0), by: z.string() }),
  z.object({
    action: z.literal('split'),
    splits: z
      .array(z.object({ invoiceId: z.number().int(), referenceNumber: z.string(), amount: z.string() }))
      .min(1),
    by: z.string(),
  }),
  z.object({ action: z.enum(['no_match', 'leave_open', 'reject']), by: z.string() }).loose(),
]);
type Resolution = z.infer<typeof Resolution>;
type Closing = Extract<Resolution, { action: 'no_match' | 'leave_open' | 'reject' }>;

const DONE = new Set(['applied', 'matched', 'rejected', 'no_match']);

export async function reconcileReview(ctx: ReconcileContext, itemId: string, version: string): Promise<void> {
  const { db } = ctx.services;
  const item = await getReviewItem(db, itemId).catch(() => null);
  if (!item || item.tenantId !== ctx.tenantId || item.kind !== 'payment')
    throw new InvalidInputError(`review item ${itemId} is not a payment review of tenant ${ctx.tenantId}`);
  const target = parseReviewSubjectKey(item.subjectKey);
  if (!target)
    throw new InvalidInputError(`review item ${itemId} has an unknown subject "${item.subjectKey}"`);
  const parsed = Resolution.safeParse(item.resolution);
  if (!parsed.success) {
    // A duplicate delivery after the decision was carried out: the item then holds the outcome,
    // not the person's choice, and there is nothing left to do.
    const record = await getReconciliation(db, ctx.tenantId, target.kind, target.id);
    if (record && DONE.has(record.status)) return;
    throw new InvalidInputError(`review item ${itemId} has no usable resolution`);
  }
  const resolution = parsed.data;
  const subject: SubjectRef = { tenantId: ctx.tenantId, kind: target.kind, id: target.id, version };

  await withTenantLock(db, ctx.tenantId, async (tx) => {
    const record = await getReconciliation(tx, ctx.tenantId, target.kind, target.id);
    if (record && DONE.has(record.status) && record.decidedBy === resolution.by) return;
    const amount = record?.amount.toFixed() ?? item.amount.toFixed();
    const outcome =
      resolution.action === 'apply'
        ? await applyChoice(ctx, tx, item, resolution.candidateIndex, resolution.by, amount)
        : resolution.action === 'split'
          ? await applyCandidate(ctx, tx, item, splitChoice(resolution), resolution.by, amount)
          : closed(item, resolution);
    await persistOutcome(tx, subject, outcome);
    ctx.log.info({ itemId, status: outcome.status }, 'payment review resolution carried out');
  });
}

function closed(item: ReviewItem, resolution: Closing): Outcome {
  const rejected = resolution.action === 'reject';
  return {
    status: rejected ? 'rejected' : 'no_match',
    action: 'resolved',
    reasons: item.reasons,
    amount: item.amount.toFixed(2),
    confidence: null,
    rule: null,
    splits: [],
    credit: null,
    fee: null,
    stPaymentIds: [],
    createdPaymentId: null,
    evidence: [],
    decision: { resolution },
    decidedBy: resolution.by,
    closeReviewAs: rejected ? 'rejected' : 'resolved',
    audit: { action: 'reconcile.review_closed', data: { resolution } },
  };
}

/** What a person chose: one of the item's candidates, or their own split. */
interface Choice {
  candidate: ReviewCandidate;
  /** "candidate 2", "the split" */
  label: string;
  resolution: Record<string, unknown>;
  confidence: number | null;
}

/** A person's split as a candidate of its own (no engine score: a person decided it). */
function splitChoice(resolution: Extract<Resolution, { action: 'split' }>): Choice {
  const total = resolution.splits.reduce((s, x) => s.plus(fromAmountString(x.amount)), fromAmountString('0'));
  const candidate: ReviewCandidate = {
    kind: 'invoices',
    invoiceId: resolution.splits[0]!.invoiceId,
    referenceNumber: resolution.splits.map((s) => s.referenceNumber).join(' + '),
    customerName: '',
    balance: total.toFixed(2),
    score: 0,
    confidence: 0,
    amount: total.toFixed(2),
    evidence: [{ kind: 'human', detail: `split by ${resolution.by}`, weight: 0 }],
    allocation: { splits: resolution.splits },
  };
  return { candidate, label: 'the split', resolution, confidence: null };
}

async function applyChoice(
  ctx: ReconcileContext,
  tx: Tx,
  item: ReviewItem,
  index: number,
  by: string,
  amount: string,
): Promise<Outcome> {
  const candidate = ((item.details ?? {}) as { candidates?: ReviewCandidate[] }).candidates?.[index];
  if (!candidate) throw new InvalidInputError(`review item ${item.id} has no candidate ${index + 1}`);
  const resolution = { action: 'apply', candidateIndex: index, by };
  return applyCandidate(
    ctx,
    tx,
    item,
    { candidate, label: `candidate ${index + 1}`, resolution, confidence: candidate.score },
    by,
    amount,
  );
}

async function applyCandidate(
  ctx: ReconcileContext,
  tx: Tx,
  item: ReviewItem,
  choice: Choice,
  by: string,
  amount: string,
): Promise<Outcome> {
  const details = (item.details ?? {}) as {
    candidates?: ReviewCandidate[];
    subject?: Record<string, unknown>;
  };
  const { candidate, label } = choice;
  const target = parseReviewSubjectKey(item.subjectKey)!;
  const common = {
    reasons: [] as string[],
    amount: fromAmountString(amount).toFixed(2),
    confidence: choice.confidence,
    rule: `chosen by ${by}`,
    credit: candidate.allocation?.credit ?? null,
    fee: candidate.fee ?? null,
    evidence: candidate.evidence,
    decision: { resolution: choice.resolution, candidate },
    decidedBy: by,
    stPaymentIds: [] as number[],
    createdPaymentId: null,
  };
  // The choice cannot be carried out as shown: back to the queue with the reason.
  const reopen = (problem: string): Outcome => ({
    ...common,
    splits: candidate.allocation?.splits ?? [],
    status: 'review',
    action: 'review',
    reasons: ['apply_failed'],
    review: {
      summary: `Could not apply ${label}: ${problem}`,
      customerName: item.customerName,
      candidates: details.candidates ?? [],
      subject: details.subject ?? {},
      notes: [problem],
      slaHours: ctx.settings.policy.reviewSlaHours,
    },
    audit: { action: 'reconcile.review_apply_failed', data: { problem, resolution: choice.resolution } },
  });

  if (candidate.kind === 'batch') {
    const ids = candidate.paymentIds ?? [];
    const claimed = await paymentsMatchedToBank(tx, ctx.tenantId);
    const taken = ids.filter((id) => claimed.has(id));
    if (target.kind !== 'bank_line' || ids.length === 0)
      return reopen('a batch only explains a bank deposit');
    if (taken.length) return reopen(`payment(s) ${taken.join(', ')} already explain another deposit`);
    return {
      ...common,
      splits: [],
      status: 'matched',
      action: 'resolved',
      stPaymentIds: ids,
      closeReviewAs: 'resolved',
      audit: { action: 'reconcile.matched', data: { resolution: choice.resolution } },
    };
  }

  const splits = candidate.allocation?.splits ?? [];
  if (splits.length === 0) return reopen('the candidate carries nothing to apply');
  const total = splits.reduce((s, x) => s.plus(fromAmountString(x.amount)), fromAmountString('0'));
  if (total.greaterThan(fromAmountString(amount)))
    return reopen(`the splits add up to ${total.toFixed(2)}, more than the ${common.amount} received`);
  const client = await ctx.client();
  const book = await loadInvoiceBook(tx, ctx.tenantId);
  await refreshInvoices(
    client,
    book,
    splits.map((s) => s.invoiceId),
  );
  const stale = staleSplits(book, splits);
  if (stale) return reopen(stale);

  if (target.kind === 'bank_line') {
    const line = await getBankTransaction(tx, ctx.tenantId, target.id);
    if (!line) throw new InvalidInputError(`bank line ${target.id} is gone`);
    const channel = bankChannel(line);
    const typeId = await paymentTypeFor(client, channel);
    if (typeId === null) return reopen('the tenant has no payment type to record this payment with');
    const written = await createPaymentForLine(ctx.services.db, client, line, splits, typeId);
    if (written.problem)
      return {
        ...reopen(written.problem),
        stPaymentIds: [written.paymentId],
        createdPaymentId: written.paymentId,
      };
    return appliedOutcome(written, { ...common, reasons: item.reasons }, 'reconcile.review_applied');
  }
  const payment = await readPayment(client, Number(target.id));
  if (!payment) return reopen(`payment ${target.id} is no longer in ServiceTitan`);
  const remainder = fromAmountString(remainderOf(payment));
  const wanted = splits.reduce((s, x) => s.plus(fromAmountString(x.amount)), fromAmountString('0'));
  if (remainder.lessThan(wanted))
    return reopen(`payment ${payment.id} has only ${remainder.toFixed(2)} unapplied now`);
  const result = await applyRemainder(ctx.services.db, client, ctx.tenantId, payment, splits);
  if (!result.applied) return reopen(result.problem ?? 'not applied');
  return appliedOutcome(
    { paymentId: payment.id, created: false, recovered: result.recovered, problem: null, splits },
    { ...common, reasons: item.reasons, stPaymentIds: [payment.id] },
    'reconcile.review_applied',
  );
}

/** Why a split can no longer be applied as shown (an invoice paid or changed since), or null. */
function staleSplits(book: InvoiceBook, splits: CandidateSplit[]): string | null {
  for (const split of splits) {
    const record = book.records.get(split.invoiceId);
    const open = record ? toOpenInvoice(record, book.writeOffs.get(split.invoiceId)) : null;
    if (!open) return `invoice ${split.referenceNumber} is no longer open`;
    if (open.balance.lessThan(fromAmountString(split.amount)))
      return `invoice ${split.referenceNumber} now owes ${open.balance.toFixed(2)}, less than ${split.amount}`;
  }
  return null;
}
