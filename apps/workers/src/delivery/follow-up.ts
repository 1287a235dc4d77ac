// After a message could not be delivered (a bounce, a failed or undelivered SMS) or could not be
// sent at all: a review item for a clerk, and for a failed channel one fallback message on the
// other channel (the failed address is excluded by the channel choice).
import {
  appendAuditTx,
  getMessage,
  linkReviewItem,
  type Message,
  openReviewItem,
  planMessage,
  type ReviewKind,
  recordMessageEvent,
} from '@invoicer/db';
import type { WorkerServices } from '../services.ts';
import { enqueueAt, maskAddress } from './ledger-key.ts';

const REASON: Record<string, string> = {
  bounced: 'delivery_bounced',
  failed: 'delivery_failed',
  unknown: 'delivery_unknown',
  suppressed: 'delivery_no_contact',
};

export async function openDeliveryReview(
  services: Pick<WorkerServices, 'db' | 'runtime'>,
  row: Message,
  summary: string,
): Promise<string> {
  const settings = await services.runtime.settings(row.tenantId);
  const content = (row.content ?? {}) as { amount?: string; customerName?: string; jobId?: number };
  const reason = REASON[row.state] ?? 'delivery_failed';
  const id = await services.db.$transaction(async (tx) => {
    const { item } = await openReviewItem(tx, {
      tenantId: row.tenantId,
      // A kind of its own: the item page shows the message timeline, not the approve buttons.
      kind: 'delivery' as ReviewKind,
      subjectKey: `delivery:${row.id}`,
      runId: row.runId,
      reasons: [reason],
      amount: content.amount ?? '0.00',
      stJobId: content.jobId ?? null,
      customerName: content.customerName ?? null,
      summary,
      details: {
        messageId: row.id,
        channel: row.channel,
        recipient: row.recipient ? maskAddress(row.recipient) : null,
        purpose: row.purpose,
        step: row.step,
        error: row.lastError ?? row.reason ?? null,
      },
      slaHours: settings.policy.reviewSlaHours,
    });
    await appendAuditTx(tx, {
      tenantId: row.tenantId,
      actorType: 'system',
      actor: 'delivery',
      action: `message.${row.state}`,
      stJobId: content.jobId ?? null,
      runId: row.runId,
      reviewItemId: item.id,
      data: { messageId: row.id, channel: row.channel, purpose: row.purpose, step: row.step, reason },
    });
    return item.id;
  });
  await linkReviewItem(services.db, row.id, id);
  await recordMessageEvent(services.db, {
    messageId: row.id,
    tenantId: row.tenantId,
    kind: 'review',
    detail: { reviewItemId: id, reason },
  });
  return id;
}

/** A bounce or a failed SMS: a review item, then one fallback on the other channel. */
export async function followUpFailure(
  services: Pick<WorkerServices, 'db' | 'runtime' | 'queues'>,
  messageId: string,
) {
  const row = await getMessage(services.db, messageId);
  if (!row || row.reviewItemId || (row.state !== 'bounced' && row.state !== 'failed')) return;
  const what = row.state === 'bounced' ? 'bounced' : 'was not delivered';
  await openDeliveryReview(
    services,
    row,
    `The ${row.purpose} ${row.channel === 'sms' ? 'text' : 'email'} to ${maskAddress(row.recipient ?? '')} ${what}`,
  );
  if (row.step.endsWith('.fallback')) return;
  const { row: fallback, created } = await planMessage(services.db, {
    tenantId: row.tenantId,
    subjectKind: row.subjectKind,
    subjectId: row.subjectId,
    purpose: row.purpose,
    step: `${row.step}.fallback`,
    revision: row.revision,
    category: row.category,
    runId: row.runId,
    customerId: row.customerId === null ? null : Number(row.customerId),
  });
  if (created) await enqueueAt(services, fallback, new Date());
}
