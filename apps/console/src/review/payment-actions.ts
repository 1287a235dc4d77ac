// Payment review items: apply one of the candidate invoices or split the money across them
// (then payment.reconcile does the applying), leave the payment open, or reject the item (not
// ours, refund). Same claim/audit/enqueue order as the invoice actions.
import { errorMessage, fromAmountString, sum, toMoneyString } from '@invoicer/core';
import { lockClaimedItem } from '@invoicer/db';
import { auditUser } from '../audit/record.ts';
import { isManager } from '../auth/roles.ts';
import type { SessionUser } from '../auth/session.ts';
import { HttpError } from '../http/errors.ts';
import type { ConsoleServices } from '../services.ts';
import { type ActionResult, claimTtl, itemRefs, snapshot } from './decision.ts';
import { paymentCandidates, paymentSubject, splitTargets } from './payment.ts';
import type { PaymentSplitRequest } from './payment-split.ts';

export type PaymentDecision =
  | { action: 'apply'; candidateIndex: number }
  | { action: 'split'; splits: PaymentSplitRequest[] }
  | { action: 'leave_open'; note: string }
  | { action: 'reject'; reason: string };

/**
 * A split the worker may apply: only invoices among the candidates, together at most the money
 * received. What each invoice owes is checked by the worker against ServiceTitan right before
 * applying (the balance shown may be stale, e.g. once a pending draft is posted).
 */
function checkedSplits(details: unknown, amount: string, wanted: PaymentSplitRequest[]) {
  const targets = new Map(splitTargets(paymentCandidates(details)).map((t) => [t.invoiceId, t]));
  const splits = wanted.map((w) => {
    const target = targets.get(w.invoiceId);
    if (!target) throw new HttpError(400, `Invoice ${w.invoiceId} is not among this payment's candidates.`);
    return { invoiceId: w.invoiceId, referenceNumber: target.referenceNumber, amount: w.amount };
  });
  const total = sum(splits.map((s) => fromAmountString(s.amount)));
  if (total.greaterThan(fromAmountString(amount)))
    throw new HttpError(
      400,
      `The split adds up to ${toMoneyString(total)}, more than the ${amount} received.`,
    );
  return splits;
}

export async function resolvePayment(
  services: ConsoleServices,
  user: SessionUser,
  itemId: string,
  decision: PaymentDecision,
): Promise<ActionResult> {
  const outcome = await services.db.$transaction(async (tx) => {
    const item = await lockClaimedItem(tx, itemId, user.id, claimTtl(services));
    if (item.kind !== 'payment') throw new HttpError(400, 'This is an invoice item, not a payment.');
    if (item.needsManager && !isManager(user.role))
      throw new HttpError(403, 'A billing manager must resolve this payment.');
    const candidates = paymentCandidates(item.details);
    let resolution: Record<string, unknown>;
    let status: 'approved' | 'resolved' | 'rejected';
    if (decision.action === 'apply') {
      if (!candidates[decision.candidateIndex])
        throw new HttpError(400, `There is no candidate ${decision.candidateIndex + 1} on this payment.`);
      resolution = { action: 'apply', candidateIndex: decision.candidateIndex, by: user.id };
      status = 'approved';
    } else if (decision.action === 'split') {
      const amount = paymentSubject(item.details).amount ?? item.amount.toFixed(2);
      resolution = {
        action: 'split',
        splits: checkedSplits(item.details, amount, decision.splits),
        by: user.id,
      };
      status = 'approved';
    } else if (decision.action === 'leave_open') {
      resolution = { action: 'leave_open', note: decision.note, by: user.id };
      status = 'resolved';
    } else {
      resolution = { action: 'reject', reason: decision.reason, by: user.id };
      status = 'rejected';
    }
    const resolvedAt = new Date();
    const after = await tx.reviewItem.update({
      where: { id: item.id },
      data: {
        status,
        resolution: resolution as object,
        resolvedAt,
        resolvedBy: user.id,
        claimedBy: null,
        claimExpiresAt: null,
      },
    });
    await auditUser(tx, user, {
      ...itemRefs(item),
      action: `payment.${decision.action}`,
      data: {
        resolution,
        candidate: decision.action === 'apply' ? candidates[decision.candidateIndex] : null,
        before: snapshot(item),
        after: snapshot(after),
      },
    });
    return { tenantId: item.tenantId, status, version: String(resolvedAt.getTime()) };
  });
  services.metrics.actions.inc({ action: `payment_${decision.action}` });
  // Every decision goes to the reconcile worker: apply writes the payment, leave_open and
  // reject close the reconciliation record so it stops counting as undecided.
  try {
    await services.queues.enqueue('payment.reconcile', {
      tenantId: outcome.tenantId,
      subject: 'review',
      subjectId: itemId,
      version: outcome.version,
    });
    return { itemId, status: outcome.status };
  } catch (error) {
    services.log.error({ itemId, err: errorMessage(error) }, 'payment decision saved, enqueue failed');
    return {
      itemId,
      status: outcome.status,
      warning:
        'Saved, but the reconcile queue is unreachable; the decision is carried out once it is re-enqueued.',
    };
  }
}
