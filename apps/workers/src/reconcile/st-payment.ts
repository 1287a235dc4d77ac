// A payment recorded in ServiceTitan. Fully applied (its applications add up to its total and
// nothing is unapplied): recorded as matched. With an unapplied remainder: the remainder is
// matched to open invoices and, when the engine is confident, applied by rewriting the
// payment's splits (PATCH /payments/{id}); otherwise a review item.
import { fromAmountString, InvalidInputError, sum, toMoneyString, ZERO } from '@invoicer/core';
import { getReconciliation, mirrorRecords, OPEN_REVIEW_STATUSES, type Tx } from '@invoicer/db';
import { type Payment, parseStDate } from '@invoicer/servicetitan';
import { applyRemainder } from './apply.ts';
import { appliedOutcome } from './bank-line.ts';
import { type CandidateSplit, reviewCandidates } from './candidates.ts';
import type { ReconcileContext } from './context.ts';
import { decideFresh, decisionSplits, fromDecision, reviewSummary } from './decide.ts';
import { loadInvoiceBook, readPayment } from './inputs.ts';
import { withTenantLock } from './lock.ts';
import { type Outcome, persistOutcome, reviewSubjectKey, type SubjectRef } from './persist.ts';
import { stPaymentSubject } from './subjects.ts';

export async function reconcileStPayment(
  ctx: ReconcileContext,
  subjectId: string,
  version: string,
): Promise<void> {
  const paymentId = Number(subjectId);
  if (!/^\d+$/.test(subjectId) || !Number.isSafeInteger(paymentId))
    throw new InvalidInputError(`"${subjectId}" is not a ServiceTitan payment id`);
  const subject: SubjectRef = { tenantId: ctx.tenantId, kind: 'st_payment', id: subjectId, version };
  const { db } = ctx.services;
  await ctx.services.ensureFresh(ctx.tenantId);
  await withTenantLock(db, ctx.tenantId, async (tx) => {
    const record = await getReconciliation(tx, ctx.tenantId, 'st_payment', subjectId);
    if (record && record.version === version && record.status !== 'review') return;
    if (record?.status === 'review') {
      const item = await tx.reviewItem.findUnique({
        where: { subjectKey: reviewSubjectKey('st_payment', subjectId) },
      });
      if (item && !OPEN_REVIEW_STATUSES.includes(item.status as never)) return;
    }
    const payment = await loadPayment(ctx, paymentId, version);
    if (!payment)
      throw new InvalidInputError(`payment ${paymentId} is not in ServiceTitan for tenant ${ctx.tenantId}`);
    // Our own splits changed the payment: it is the same decision, already recorded as applied.
    if (record?.status === 'applied' && fromAmountString(remainderOf(payment)).isZero()) return;
    const outcome = await decidePayment(ctx, tx, payment);
    await persistOutcome(tx, subject, outcome);
    ctx.log.info({ paymentId, status: outcome.status, reasons: outcome.reasons }, 'payment reconciled');
  });
}

/** The mirror's copy when it is the version the job is about, else a fresh read (one call). */
async function loadPayment(ctx: ReconcileContext, id: number, version: string): Promise<Payment | null> {
  const [mirrored] = await mirrorRecords<Payment>(ctx.services.db, ctx.tenantId, 'accounting/payments', [id]);
  const mirroredVersion = mirrored ? String(parseStDate(mirrored.modifiedOn)?.getTime() ?? 0) : null;
  if (mirrored && mirroredVersion === version) return mirrored;
  return readPayment(await ctx.client(), id);
}

export function appliedSplits(payment: Payment): CandidateSplit[] {
  return (payment.appliedTo ?? []).map((a) => ({
    invoiceId: a.appliedTo,
    referenceNumber: a.appliedToReferenceNumber ?? String(a.appliedTo),
    amount: toMoneyString(fromAmountString(a.appliedAmount)),
  }));
}

/** What is left to apply: ServiceTitan's unappliedAmount, or total − applications when absent. */
export function remainderOf(payment: Payment): string {
  const total = fromAmountString(payment.total);
  const applied = sum((payment.appliedTo ?? []).map((a) => fromAmountString(a.appliedAmount)));
  const remainder =
    payment.unappliedAmount === null || payment.unappliedAmount === undefined
      ? total.minus(applied)
      : fromAmountString(payment.unappliedAmount);
  return toMoneyString(remainder.greaterThan(0) ? remainder : ZERO);
}

export function paymentView(payment: Payment, remainder: string): Record<string, unknown> {
  return {
    kind: 'st_payment',
    paymentId: payment.id,
    date: (payment.date ?? '').slice(0, 10),
    type: payment.type ?? null,
    total: payment.total,
    unapplied: remainder,
    customer: payment.customer?.name ?? null,
    memo: payment.memo ?? null,
    checkNumber: payment.checkNumber ?? null,
    applied: appliedSplits(payment),
  };
}

async function decidePayment(ctx: ReconcileContext, tx: Tx, payment: Payment): Promise<Outcome> {
  const base = { stPaymentIds: [payment.id], createdPaymentId: null, decidedBy: 'system', fee: null };
  const total = toMoneyString(fromAmountString(payment.total));
  if (payment.active === false) {
    return {
      ...base,
      status: 'ignored',
      action: 'ignored',
      reasons: [],
      amount: total,
      confidence: null,
      rule: null,
      splits: [],
      credit: null,
      evidence: [],
      decision: { note: 'payment is inactive (voided)' },
      closeReviewAs: 'resolved',
      audit: { action: 'reconcile.ignored' },
    };
  }
  const remainder = remainderOf(payment);
  if (fromAmountString(remainder).isZero()) {
    return {
      ...base,
      status: 'matched',
      action: 'auto_apply',
      reasons: [],
      amount: total,
      confidence: 1,
      rule: 'applied in ServiceTitan',
      splits: appliedSplits(payment),
      credit: null,
      evidence: [],
      decision: { note: 'fully applied in ServiceTitan' },
      closeReviewAs: 'resolved',
      audit: { action: 'reconcile.matched' },
    };
  }
  const client = await ctx.client();
  const book = await loadInvoiceBook(tx, ctx.tenantId);
  const subject = stPaymentSubject(payment, remainder);
  const decision = await decideFresh(client, book, { subject, settings: ctx.settings.reconcile });
  const splits = decisionSplits(decision, book);
  const common = { ...base, ...fromDecision(decision, remainder, splits), fee: null };
  const candidates = reviewCandidates(subject.amount, decision, book.open(), ctx.settings.reconcile);
  const shadow = ctx.settings.policy.mode === 'shadow';
  const review = (reasons: string[], notes: string[] = []): Outcome => ({
    ...common,
    status: shadow ? 'shadow' : 'review',
    action: shadow ? 'shadow' : 'review',
    reasons,
    review: shadow
      ? undefined
      : {
          summary: reviewSummary(`unapplied on payment ${payment.id}`, remainder, reasons, candidates),
          customerName: payment.customer?.name ?? null,
          candidates,
          subject: paymentView(payment, remainder),
          notes: [...decision.notes, ...notes],
          slaHours: ctx.settings.policy.reviewSlaHours,
        },
    audit: { action: shadow ? 'reconcile.shadow' : 'reconcile.review_opened' },
  });
  if (decision.action !== 'auto_apply') return review(decision.reasons);
  if (shadow) return { ...review([]), audit: { action: 'reconcile.shadow', data: { wouldApply: splits } } };
  const result = await applyRemainder(ctx.services.db, client, ctx.tenantId, payment, splits);
  if (!result.applied) return review(['apply_failed'], [result.problem ?? 'not applied']);
  return appliedOutcome(
    { paymentId: payment.id, created: false, recovered: result.recovered, problem: null, splits },
    common,
    'reconcile.applied',
  );
}
