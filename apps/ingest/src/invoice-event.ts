// ServiceTitan's "invoice posted" event (CloudEvents tn.acc.invoice-posted, or any event type
// naming invoice-posted): the invoice is cleared now, so its accounting sync is queued at once
// instead of waiting for the next poll of the mirror (which stays as the fallback). Only for a
// tenant whose books take invoices; the job id carries the delivery, so a retried delivery
// queues nothing new, and the sync itself is idempotent whatever queued it.
import { createHash } from 'node:crypto';
import type { Db } from '@invoicer/db';
import type { QueueSet } from '@invoicer/platform';

export const isInvoicePosted = (eventType: string) => /invoice[._-]?posted/i.test(eventType);

export async function queueInvoiceSync(
  db: Db,
  queues: QueueSet,
  input: { tenantId: string; invoiceId: number; eventKey: string },
): Promise<'queued' | 'not_syncing'> {
  const connection = await db.accountingConnection.findUnique({
    where: { tenantId: input.tenantId },
    select: { mode: true },
  });
  if (connection?.mode !== 'invoices') return 'not_syncing';
  const version = `evt-${createHash('sha256').update(input.eventKey).digest('hex').slice(0, 16)}`;
  await queues.enqueue('accounting.sync', { tenantId: input.tenantId, invoiceId: input.invoiceId, version });
  return 'queued';
}
