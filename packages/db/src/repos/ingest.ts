// Ingest bookkeeping: export-feed cursors, webhook deliveries (deduped by event key) and
// rejected events kept for inspection.
import type { Db } from '../client.ts';

export async function getCursor(db: Db, tenantId: string, feed: string): Promise<string | null> {
  const row = await db.ingestCursor.findUnique({ where: { tenantId_feed: { tenantId, feed } } });
  return row?.token ?? null;
}

export async function setCursor(db: Db, tenantId: string, feed: string, token: string): Promise<void> {
  await db.ingestCursor.upsert({
    where: { tenantId_feed: { tenantId, feed } },
    create: { tenantId, feed, token },
    update: { token },
  });
}

export type WebhookOutcome = 'accepted' | 'duplicate' | 'rejected';

/**
 * Record a delivery. Accepted deliveries carry an event key; a second delivery with the same
 * key is stored as a duplicate (so retries from ServiceTitan are visible but processed once).
 */
export async function recordWebhook(
  db: Db,
  input: {
    tenantId: string | null;
    eventKey: string | null;
    status: 'accepted' | 'rejected';
    error?: string;
    stJobId?: number | null;
    headers: Record<string, unknown>;
    body: string;
  },
): Promise<WebhookOutcome> {
  try {
    await db.webhookEvent.create({
      data: {
        tenantId: input.tenantId,
        eventKey: input.status === 'accepted' ? input.eventKey : null,
        status: input.status,
        error: input.error ?? null,
        stJobId: input.stJobId ?? null,
        headers: input.headers as object,
        body: input.body,
      },
    });
    return input.status;
  } catch (error) {
    if ((error as { code?: string }).code !== 'P2002') throw error;
    await db.webhookEvent.create({
      data: {
        tenantId: input.tenantId,
        eventKey: null,
        status: 'duplicate',
        stJobId: input.stJobId ?? null,
        headers: input.headers as object,
        body: input.body,
      },
    });
    return 'duplicate';
  }
}

export async function recordRejected(
  db: Db,
  source: string,
  reason: string,
  payload: unknown,
): Promise<void> {
  await db.rejectedEvent.create({
    data: {
      source,
      reason: reason.slice(0, 4000),
      payload: JSON.parse(JSON.stringify(payload ?? null)) ?? {},
    },
  });
}

export async function countRejected(db: Db, source?: string): Promise<number> {
  return db.rejectedEvent.count({ where: source ? { source } : {} });
}
