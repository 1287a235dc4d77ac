// POST /webhooks/servicetitan: verify the signature, record every delivery (accepted,
// duplicate or rejected, with its body), and queue completed jobs. Bad input gets a clear 4xx
// and is kept for inspection; a delivery ServiceTitan retries is processed once.
import { createHash } from 'node:crypto';
import type { Db } from '@invoicer/db';
import { recordRejected, recordWebhook } from '@invoicer/db';
import type { Logger, Metrics, QueueSet } from '@invoicer/platform';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { IngestEnv } from './config.ts';
import { queueCompletedJob } from './enqueue.ts';
import { verifySignature } from './signature.ts';

/** The assumed envelope (ServiceTitan does not publish one); unknown fields are allowed. */
export const WebhookEvent = z.looseObject({
  eventId: z.string().min(1).max(200).optional(),
  eventType: z.string().min(1).max(100),
  tenantId: z.number().int(),
  createdOn: z.string().optional(),
  data: z.looseObject({
    jobId: z.number().int().optional(),
    id: z.number().int().optional(),
    completedOn: z.string().nullish(),
  }),
});

export function registerWebhookRoutes(
  app: FastifyInstance,
  deps: {
    db: Db;
    queues: QueueSet;
    env: IngestEnv;
    log: Logger;
    metrics: Metrics;
    tenantIdFor: (stTenantId: number) => Promise<string | null>;
  },
) {
  const { db, queues, env, log, metrics } = deps;
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.post('/webhooks/servicetitan', async (request, reply) => {
    const raw = typeof request.body === 'string' ? request.body : '';
    const headers = { ...request.headers };
    const reject = async (status: number, error: string) => {
      metrics.webhooks.inc({ outcome: 'rejected' });
      metrics.rejected.inc({ source: 'webhook' });
      await recordWebhook(db, {
        tenantId: null,
        eventKey: null,
        status: 'rejected',
        error,
        headers,
        body: raw.slice(0, 100_000),
      });
      log.warn({ status, error }, 'webhook rejected');
      return reply.code(status).send({ error });
    };
    if (!env.WEBHOOK_SECRET)
      return reject(
        503,
        'webhooks are not configured: set WEBHOOK_SECRET (polling still picks up completed jobs)',
      );
    const signature = request.headers[env.WEBHOOK_SIGNATURE_HEADER.toLowerCase()];
    if (
      !verifySignature(
        raw,
        Array.isArray(signature) ? signature[0] : signature,
        env.WEBHOOK_SECRET,
        env.WEBHOOK_SIGNATURE_ALGORITHM,
        env.WEBHOOK_SIGNATURE_ENCODING,
      )
    ) {
      return reject(401, `missing or invalid ${env.WEBHOOK_SIGNATURE_HEADER} signature`);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return reject(400, 'body is not valid JSON');
    }
    const parsed = WebhookEvent.safeParse(json);
    if (!parsed.success) {
      return reject(
        400,
        `malformed event: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'} ${i.message}`).join('; ')}`,
      );
    }
    const event = parsed.data;
    const tenantId = await deps.tenantIdFor(event.tenantId);
    if (!tenantId) return reject(404, `unknown ServiceTitan tenant ${event.tenantId}`);
    const jobId = event.data.jobId ?? event.data.id;
    const eventKey = event.eventId ?? createHash('sha256').update(raw).digest('hex');
    const outcome = await recordWebhook(db, {
      tenantId,
      eventKey: `${tenantId}:${eventKey}`,
      status: 'accepted',
      stJobId: jobId ?? null,
      headers,
      body: raw.slice(0, 100_000),
    });
    metrics.webhooks.inc({ outcome });
    if (!/job[._-]?completed/i.test(event.eventType))
      return reply.code(202).send({ status: 'ignored', eventType: event.eventType });
    if (jobId === undefined) {
      await recordRejected(db, 'webhook', 'job.completed event without a job id', json);
      return reply.code(400).send({ error: 'job.completed event without data.jobId' });
    }
    try {
      const result = await queueCompletedJob(db, queues, {
        tenantId,
        stJobId: jobId,
        completedOn: event.data.completedOn ? new Date(event.data.completedOn) : null,
        trigger: 'webhook',
      });
      return reply.code(202).send({ status: outcome === 'duplicate' ? 'duplicate' : 'accepted', ...result });
    } catch (error) {
      // The delivery is recorded; answering 503 makes ServiceTitan retry, and the retry
      // re-enqueues a run that is still queued.
      log.error(
        { err: (error as Error).message, jobId },
        'could not queue the job; asking ServiceTitan to retry',
      );
      return reply.code(503).send({ error: 'queue unavailable, retry later' });
    }
  });
}
