// Small helpers shared by the delivery modules.
import type { Message } from '@invoicer/db';
import type { MessageKey } from '@invoicer/messaging';
import type { WorkerServices } from '../services.ts';

/** How long a claimed send is leased before another attempt may take it over. */
export const SEND_LEASE_MS = Number(process.env.DELIVERY_SEND_LEASE_MS ?? 60_000);

export const keyOf = (row: Message): MessageKey => ({
  tenantId: row.tenantId,
  subjectKind: row.subjectKind,
  subjectId: row.subjectId,
  purpose: row.purpose,
  step: row.step,
  revision: row.revision,
});

/** "p***@example.com", "+1415***0134": enough for a clerk to recognise, not a full address. */
export function maskAddress(address: string): string {
  if (address.includes('@')) {
    const [local, domain] = address.split('@') as [string, string];
    return `${local.slice(0, 1)}***@${domain}`;
  }
  return `${address.slice(0, 5)}***${address.slice(-4)}`;
}

/** Enqueue the row's send for `at` (a BullMQ delayed job: no polling loop). */
export async function enqueueAt(
  services: Pick<WorkerServices, 'queues'>,
  row: Message,
  at: Date,
): Promise<void> {
  await services.queues.enqueue(
    'message.send',
    { tenantId: row.tenantId, messageId: row.id, notBefore: at.getTime() },
    { delay: Math.max(0, at.getTime() - Date.now()) },
  );
}
