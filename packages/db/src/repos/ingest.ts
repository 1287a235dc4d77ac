// Ingest bookkeeping: export-feed cursors, webhook deliveries (deduped by event key, pruned
// after their retention), rejected events kept for inspection, and the re-opening of a run that
// failed because its "job completed" came before the job was completed.

import type { Db, Tx } from '../client.ts';
import type { PipelineRun } from '../generated/prisma/client.ts';
import { appendAuditTx } from './audit.ts';
import { invoiceSubjectKey, OPEN_REVIEW_STATUSES } from './review.ts';
import { type IngestedRun, type RunTrigger, transitionRun } from './runs.ts';

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
 * Record a signed delivery. Accepted deliveries carry an event key; a second delivery with the
 * same key is stored as a duplicate (so retries from ServiceTitan are visible but processed
 * once). Only deliveries that passed the signature come here with their body.
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
    sourceIp?: string | null;
    bodyBytes?: number | null;
    bodySha256?: string | null;
  },
): Promise<WebhookOutcome> {
  const common = {
    tenantId: input.tenantId,
    stJobId: input.stJobId ?? null,
    headers: input.headers as object,
    body: input.body,
    sourceIp: input.sourceIp ?? null,
    bodyBytes: input.bodyBytes ?? null,
    bodySha256: input.bodySha256 ?? null,
  };
  try {
    await db.webhookEvent.create({
      data: {
        ...common,
        eventKey: input.status === 'accepted' ? input.eventKey : null,
        status: input.status,
        error: input.error ?? null,
      },
    });
    return input.status;
  } catch (error) {
    if ((error as { code?: string }).code !== 'P2002') throw error;
    await db.webhookEvent.create({ data: { ...common, eventKey: null, status: 'duplicate' } });
    return 'duplicate';
  }
}

/**
 * Record a delivery refused before it could be trusted (bad or missing signature, NUL bytes,
 * webhooks not configured): when, why, from where, how big and its SHA-256, never the body.
 */
export async function recordRefusedDelivery(
  db: Db,
  input: {
    reason: string;
    sourceIp: string | null;
    bodyBytes: number;
    bodySha256: string;
    headers: Record<string, string>;
  },
): Promise<void> {
  await db.webhookEvent.create({
    data: {
      tenantId: null,
      eventKey: null,
      status: 'rejected',
      error: input.reason.slice(0, 500),
      headers: input.headers,
      body: null,
      sourceIp: input.sourceIp?.slice(0, 100) ?? null,
      bodyBytes: input.bodyBytes,
      bodySha256: input.bodySha256,
    },
  });
}

/**
 * Delete deliveries older than their retention (rejected ones usually go sooner), in batches so
 * a large backlog never holds a long lock. Returns how many were deleted.
 */
export async function pruneWebhookEvents(
  db: Db,
  cutoffs: { accepted: Date; rejected: Date },
  batchSize = 5000,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const n = await db.$executeRaw`
      DELETE FROM webhook_events WHERE id IN (
        SELECT id FROM webhook_events
         WHERE received_at < ${cutoffs.accepted}
            OR (status = 'rejected' AND received_at < ${cutoffs.rejected})
         LIMIT ${batchSize})`;
    deleted += n;
    if (n < batchSize) return deleted;
  }
}

/**
 * Whether a failed run failed only because its job was not completed yet when extract read it
 * (an early "job completed"): then a later completion can re-open it.
 */
export function failedBeforeCompletion(run: Pick<PipelineRun, 'status' | 'stage' | 'error'>): boolean {
  if (run.status !== 'failed' || run.stage !== 'extract') return false;
  const error = (run.error ?? {}) as { queue?: unknown; message?: unknown; code?: unknown };
  if (error.queue !== 'invoice.extract') return false;
  if (error.code === 'job_not_completed') return true;
  // Runs failed before the code was recorded.
  return typeof error.message === 'string' && /^job \d+ is \w+, not Completed$/.test(error.message);
}

/**
 * Re-open a run that failed because its job was not completed yet, now that a completion event
 * or poll shows it Completed: the run is re-driven from extract (compare-and-set on `failed`, so
 * of two concurrent completions one re-opens it), its stale stage_failed review item is
 * resolved if nobody has acted on it, and the audit log says why. Returns false (and changes
 * nothing) when the run is not such a run, or a person already resolved its review item.
 * The caller enqueues the extract step again.
 */
export async function reopenRunOnCompletion(
  db: Db,
  run: IngestedRun,
  input: { completedOn: Date | null; trigger: RunTrigger },
): Promise<boolean> {
  if (!failedBeforeCompletion(run)) return false;
  return db.$transaction(async (tx: Tx) => {
    const item = await tx.reviewItem.findUnique({ where: { subjectKey: invoiceSubjectKey(run.id) } });
    // Someone decided what to do about the failed run (billed it by hand, dismissed it): leave it.
    if (item && !(OPEN_REVIEW_STATUSES as string[]).includes(item.status)) return false;
    try {
      await transitionRun(tx, run, 'redriven', {
        stage: 'extract',
        error: null,
        ...(input.completedOn ? { jobCompletedOn: input.completedOn } : {}),
      });
    } catch (error) {
      // Another completion re-opened it first (or another writer moved it): nothing to do.
      if ((error as Error).name === 'RunMovedError') return false;
      throw error;
    }
    if (item)
      await tx.reviewItem.update({
        where: { id: item.id },
        data: {
          status: 'resolved',
          resolvedAt: new Date(),
          resolvedBy: 'system/ingest',
          resolution: { action: 'superseded', reason: 'the job was completed later; the run was re-opened' },
          claimedBy: null,
          claimExpiresAt: null,
        },
      });
    await appendAuditTx(tx, {
      tenantId: run.tenantId,
      actorType: 'system',
      actor: 'ingest',
      action: 'run.reopened',
      stJobId: Number(run.stJobId),
      runId: run.id,
      reviewItemId: item?.id ?? null,
      data: {
        trigger: input.trigger,
        previousError: run.error,
        reason: 'job completed after an early job.completed failed the run',
      },
    });
    return true;
  });
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
