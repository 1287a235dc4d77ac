// A payment.reconcile job that will not be retried again must not fail silently: its subject
// gets a payment review item with reason apply_failed (for a `review` job, the person's item is
// reopened), and the failure is audited. Called from the worker's final-failure hook.
import { errorMessage, fromAmountString, type PayloadOf, toMoneyString } from '@invoicer/core';
import { appendAuditTx, type Db, getBankTransaction, getReviewItem, openReviewItem } from '@invoicer/db';
import type { TenantRuntime } from '@invoicer/tenant';
import { reviewSubjectKey } from './persist.ts';

export async function recordReconcileFailure(
  db: Db,
  runtime: TenantRuntime,
  payload: PayloadOf<'payment.reconcile'>,
  error: unknown,
): Promise<void> {
  const message = errorMessage(error).slice(0, 2000);
  const settings = await runtime.settings(payload.tenantId);
  let subjectKey: string;
  let amount = '0.00';
  let customerName: string | null = null;
  if (payload.subject === 'review') {
    const item = await getReviewItem(db, payload.subjectId).catch(() => null);
    if (!item) return;
    subjectKey = item.subjectKey;
    amount = item.amount.toFixed(2);
    customerName = item.customerName;
  } else {
    subjectKey = reviewSubjectKey(payload.subject, payload.subjectId);
    if (payload.subject === 'bank_line') {
      const line = await getBankTransaction(db, payload.tenantId, payload.subjectId);
      if (!line) return; // never imported: nothing a person could act on
      amount = toMoneyString(fromAmountString(line.amount.toFixed()));
    }
  }
  await db.$transaction(async (tx) => {
    const existing = await tx.reviewItem.findUnique({ where: { subjectKey } });
    const { item } = await openReviewItem(tx, {
      tenantId: payload.tenantId,
      kind: 'payment',
      subjectKey,
      reasons: [...new Set([...(existing?.reasons ?? []), 'apply_failed'])],
      amount,
      customerName: existing?.customerName ?? customerName,
      summary: `Reconciliation failed: ${message.slice(0, 200)}`,
      details: {
        ...((existing?.details as object | null) ?? {}),
        failure: { subject: payload.subject, error: message },
      },
      slaHours: settings.policy.reviewSlaHours,
    });
    await appendAuditTx(tx, {
      tenantId: payload.tenantId,
      actorType: 'system',
      actor: 'worker',
      action: 'reconcile.failed',
      reviewItemId: item.id,
      data: {
        subject: payload.subject,
        subjectId: payload.subjectId,
        version: payload.version,
        error: message,
      },
    });
  });
}
