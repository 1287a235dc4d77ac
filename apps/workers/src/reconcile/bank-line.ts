// A bank credit: first, is it ServiceTitan payments already recorded (a check deposit, an ACH
// credit, a card processor's payout net of fees)? Then: is it a customer payment not yet in
// ServiceTitan? Confident answers are recorded (matched) or applied (a ServiceTitan payment with
// splits is created); anything else opens a review item with the candidates.
import { fromAmountString, InvalidInputError, toMoneyString } from '@invoicer/core';
import {
  getBankTransaction,
  getReconciliation,
  OPEN_REVIEW_STATUSES,
  type BankTransaction as StoredLine,
  type Tx,
} from '@invoicer/db';
import { findBatch, type ReconcileDecision } from '@invoicer/reconcile';
import { createPaymentForLine, paymentTypeFor, resumeBankPayment } from './apply.ts';
import { reviewCandidates } from './candidates.ts';
import type { ReconcileContext } from './context.ts';
import { decideFresh, decisionSplits, fromDecision, reviewSummary } from './decide.ts';
import { loadInvoiceBook, unreconciledPayments } from './inputs.ts';
import { withTenantLock } from './lock.ts';
import { type Outcome, persistOutcome, reviewSubjectKey, type SubjectRef } from './persist.ts';
import { bankChannel, bankSubject, lineText, paymentsForChannel } from './subjects.ts';

/** Statuses a later run must not overturn (a person's or an applied decision). */
const SETTLED = new Set(['matched', 'applied', 'rejected', 'ignored']);

export async function reconcileBankLine(
  ctx: ReconcileContext,
  fingerprint: string,
  version: string,
): Promise<void> {
  const { db } = ctx.services;
  const line = await getBankTransaction(db, ctx.tenantId, fingerprint);
  if (!line)
    throw new InvalidInputError(`bank line ${fingerprint} was never imported for tenant ${ctx.tenantId}`);
  const subject: SubjectRef = { tenantId: ctx.tenantId, kind: 'bank_line', id: fingerprint, version };
  await ctx.services.ensureFresh(ctx.tenantId);
  await withTenantLock(db, ctx.tenantId, async (tx) => {
    if (await settled(tx, subject)) return;
    const outcome = await decideLine(ctx, tx, line);
    await persistOutcome(tx, subject, outcome);
    ctx.log.info({ fingerprint, status: outcome.status, reasons: outcome.reasons }, 'bank line reconciled');
  });
}

async function settled(tx: Tx, subject: SubjectRef): Promise<boolean> {
  const record = await getReconciliation(tx, subject.tenantId, subject.kind, subject.id);
  if (!record) return false;
  if (SETTLED.has(record.status) || (record.status === 'no_match' && record.decidedBy !== 'system'))
    return true;
  // A person resolved the review item: the `review` job applies it, this one must not reopen it.
  const item = await tx.reviewItem.findUnique({
    where: { subjectKey: reviewSubjectKey(subject.kind, subject.id) },
  });
  return item !== null && !OPEN_REVIEW_STATUSES.includes(item.status as never);
}

export function lineView(line: StoredLine, channel: string): Record<string, unknown> {
  return {
    kind: 'bank_line',
    date: line.bookingDate,
    amount: toMoneyString(fromAmountString(line.amount.toFixed())),
    text: lineText(line),
    reference: line.reference,
    checkNumber: line.checkNumber,
    payer: bankSubject(line).customerName ?? null,
    channel,
    typeCode: line.typeCode,
    line: line.line,
    fingerprint: line.fingerprint,
  };
}

async function decideLine(ctx: ReconcileContext, tx: Tx, line: StoredLine): Promise<Outcome> {
  const amount = fromAmountString(line.amount.toFixed());
  const amountText = toMoneyString(amount);
  const base = { stPaymentIds: [] as number[], createdPaymentId: null, decidedBy: 'system' };
  if (amount.lessThanOrEqualTo(0)) {
    return {
      ...base,
      status: 'ignored',
      action: 'ignored',
      reasons: [],
      amount: amountText,
      confidence: null,
      rule: null,
      splits: [],
      credit: null,
      fee: null,
      evidence: [],
      decision: { note: 'a debit: only money in is reconciled' },
      audit: { action: 'reconcile.ignored' },
    };
  }
  const client = await ctx.client();
  // An earlier attempt may have created the payment already (crash before it was recorded).
  const resumed = await resumeBankPayment(ctx.services.db, client, line);
  if (resumed)
    return appliedOutcome(
      resumed,
      {
        ...base,
        reasons: [],
        amount: amountText,
        confidence: null,
        rule: null,
        credit: null,
        fee: null,
        evidence: [],
        decision: { resumed: true },
      },
      'reconcile.applied',
    );

  const channel = bankChannel(line);
  const book = await loadInvoiceBook(tx, ctx.tenantId);
  const { payments } = await unreconciledPayments(tx, ctx.tenantId, line.bookingDate);
  const eligible = paymentsForChannel(channel, payments);
  const subject = bankSubject(line);
  const decision = await decideFresh(client, book, {
    subject,
    unreconciledPayments: eligible,
    settings: ctx.settings.reconcile,
  });
  const splits = decisionSplits(decision, book);
  const common = { ...base, ...fromDecision(decision, amountText, splits) };
  const shadow = ctx.settings.policy.mode === 'shadow';

  if (decision.action === 'auto_apply' && decision.batch) {
    const { batch } = decision;
    return {
      ...common,
      status: 'matched',
      action: 'auto_apply',
      stPaymentIds: batch.paymentIds.map(Number),
      closeReviewAs: 'resolved',
      audit: { action: 'reconcile.matched', data: { channel, gross: toMoneyString(batch.gross) } },
    };
  }
  const candidates = reviewCandidates(
    amount,
    decision,
    book.open(),
    ctx.settings.reconcile,
    batchAlternatives(decision, line, eligible),
  );
  const review = (reasons: string[], notes: string[] = []): Outcome => ({
    ...common,
    status: shadow ? 'shadow' : 'review',
    action: shadow ? 'shadow' : 'review',
    reasons,
    review: shadow
      ? undefined
      : {
          summary: reviewSummary(`bank credit on ${line.bookingDate}`, amountText, reasons, candidates),
          customerName: subject.customerName ?? candidates.find((c) => c.customerName)?.customerName ?? null,
          candidates,
          subject: lineView(line, channel),
          notes: [...decision.notes, ...notes],
          slaHours: ctx.settings.policy.reviewSlaHours,
        },
    audit: { action: shadow ? 'reconcile.shadow' : 'reconcile.review_opened', data: { channel } },
  });
  if (decision.action !== 'auto_apply') return review(decision.reasons);
  if (shadow) return { ...review([]), audit: { action: 'reconcile.shadow', data: { wouldApply: splits } } };

  const typeId = await paymentTypeFor(client, channel);
  if (typeId === null)
    return review(['apply_failed'], ['the tenant has no payment type to record this payment with']);
  const written = await createPaymentForLine(ctx.services.db, client, line, splits, typeId);
  return appliedOutcome(written, common, 'reconcile.applied', review);
}

/** Other sets of payments that add up to the deposit, for the specialist to choose from. */
function batchAlternatives(
  decision: ReconcileDecision,
  line: StoredLine,
  eligible: Parameters<typeof findBatch>[2],
) {
  if (!decision.reasons.includes('batch_unresolved')) return [];
  const found = findBatch(fromAmountString(line.amount.toFixed()), line.bookingDate, eligible);
  return found.status === 'unresolved' ? found.matches : [];
}

export interface Written {
  paymentId: number;
  /** False when the payment existed before (its splits were applied, not the payment created). */
  created?: boolean;
  recovered: boolean;
  problem: string | null;
  splits: Outcome['splits'];
}

/**
 * The outcome of a write: applied, or (when ServiceTitan shows something other than what was
 * meant) a review item with apply_failed; a payment is never rewritten blindly.
 */
export function appliedOutcome(
  written: Written,
  common: Omit<Outcome, 'status' | 'action' | 'audit' | 'splits'>,
  auditAction: string,
  review?: (reasons: string[], notes?: string[]) => Outcome,
): Outcome {
  const linked = {
    stPaymentIds: [written.paymentId],
    createdPaymentId: written.created === false ? null : written.paymentId,
  };
  if (written.problem && review) return { ...review(['apply_failed'], [written.problem]), ...linked };
  return {
    ...common,
    ...linked,
    splits: written.splits,
    status: 'applied',
    action: common.decidedBy === 'system' ? 'auto_apply' : 'resolved',
    closeReviewAs: 'posted',
    audit: {
      action: auditAction,
      data: {
        recovered: written.recovered,
        paymentId: written.paymentId,
        decidedBy: common.decidedBy,
      },
    },
  };
}
