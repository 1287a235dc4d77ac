// POST /webhooks/servicetitan: verify the signature, record the delivery and queue completed
// jobs. A delivery ServiceTitan retries is processed once.
//
// What is kept: a signed delivery is recorded with its body (accepted, duplicate, or rejected
// with the reason). A delivery that cannot be trusted (bad or missing signature, a NUL byte,
// webhooks not configured) keeps only a small record: when, why, from which address, its size
// and SHA-256, never the body; beyond WEBHOOK_UNSIGNED_PER_MINUTE per source it is answered 429
// and only counted. Bodies are limited to WEBHOOK_BODY_LIMIT_BYTES (413). While Postgres or
// Redis is away a signed delivery is answered 503 with Retry-After, so ServiceTitan retries it.
import { createHash } from 'node:crypto';
import type { Db } from '@invoicer/db';
import { recordRefusedDelivery, recordRejected, recordWebhook } from '@invoicer/db';
import type { Logger, Metrics, QueueSet } from '@invoicer/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { IngestEnv } from './config.ts';
import { queueCompletedJob } from './enqueue.ts';
import { isInvoicePosted, queueInvoiceSync } from './invoice-event.ts';
import { RefusalLimiter } from './refusals.ts';
import { verifySignature } from './signature.ts';

export const WEBHOOK_PATH = '/webhooks/servicetitan';

/** Seconds ServiceTitan is asked to wait before retrying a delivery we could not take. */
export const RETRY_AFTER_SECONDS = 5;

/** The assumed envelope (ServiceTitan does not publish one); unknown fields are allowed. */
export const WebhookEvent = z.looseObject({
  eventId: z.string().min(1).max(200).optional(),
  eventType: z.string().min(1).max(100),
  tenantId: z.number().int(),
  createdOn: z.string().optional(),
  data: z.looseObject({
    jobId: z.number().int().optional(),
    invoiceId: z.number().int().positive().optional(),
    id: z.number().int().optional(),
    completedOn: z.string().nullish(),
  }),
});

/** Whether a parsed JSON value holds a NUL character in any string (key or value). */
function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 64 || typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some((v) => hasNul(v, depth + 1));
  return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v, depth + 1));
}

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
  const limiter = new RefusalLimiter(env.WEBHOOK_UNSIGNED_PER_MINUTE);
  const signatureHeader = env.WEBHOOK_SIGNATURE_HEADER.toLowerCase();
  // The raw text is what is signed. Only JSON is taken: anything else is a 415 before any work.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const unavailable = (reply: FastifyReply, error: unknown, what: string) => {
    log.error({ err: (error as Error).message }, `${what}; asking ServiceTitan to retry`);
    metrics.webhooks.inc({ outcome: 'unavailable' });
    return reply
      .code(503)
      .header('retry-after', String(RETRY_AFTER_SECONDS))
      .send({ error: 'temporarily unavailable, retry later' });
  };

  /** Refuse a delivery that cannot be trusted: a small record (no body), then only a counter. */
  const refuse = async (
    request: FastifyRequest,
    reply: FastifyReply,
    raw: string,
    status: number,
    error: string,
  ) => {
    const source = request.ip ?? 'unknown';
    const limit = limiter.hit(source);
    if (!limit.allowed) {
      metrics.webhooks.inc({ outcome: 'rate_limited' });
      return reply
        .code(429)
        .header('retry-after', String(Math.max(1, Math.ceil(limit.retryAfterMs / 1000))))
        .send({ error: 'too many refused deliveries from this address; retry later' });
    }
    metrics.webhooks.inc({ outcome: 'rejected' });
    metrics.rejected.inc({ source: 'webhook' });
    const header = (name: string) => {
      const value = request.headers[name];
      return (Array.isArray(value) ? value[0] : value)?.slice(0, 200);
    };
    try {
      await recordRefusedDelivery(db, {
        reason: error,
        sourceIp: source,
        bodyBytes: Buffer.byteLength(raw),
        bodySha256: createHash('sha256').update(raw).digest('hex'),
        headers: Object.fromEntries(
          [
            ['content-type', header('content-type')],
            ['content-length', header('content-length')],
            ['user-agent', header('user-agent')],
            [signatureHeader, request.headers[signatureHeader] ? '(present)' : undefined],
          ].filter((e): e is [string, string] => e[1] !== undefined),
        ),
      });
    } catch (recordError) {
      // The refusal stands whether or not it could be recorded.
      log.warn({ err: (recordError as Error).message }, 'could not record a refused webhook');
    }
    log.warn({ status, error, source }, 'webhook refused');
    return reply.code(status).send({ error });
  };

  app.post(WEBHOOK_PATH, { bodyLimit: env.WEBHOOK_BODY_LIMIT_BYTES }, async (request, reply) => {
    const raw = typeof request.body === 'string' ? request.body : '';
    if (!env.WEBHOOK_SECRET)
      return refuse(
        request,
        reply,
        raw,
        503,
        'webhooks are not configured: set WEBHOOK_SECRET (polling still picks up completed jobs)',
      );
    if (raw.includes('\u0000'))
      return refuse(
        request,
        reply,
        raw,
        400,
        'body contains a NUL byte: send UTF-8 JSON without NUL characters',
      );
    const signature = request.headers[signatureHeader];
    if (
      !verifySignature(
        raw,
        Array.isArray(signature) ? signature[0] : signature,
        env.WEBHOOK_SECRET,
        env.WEBHOOK_SIGNATURE_ALGORITHM,
        env.WEBHOOK_SIGNATURE_ENCODING,
      )
    )
      return refuse(request, reply, raw, 401, `missing or invalid ${env.WEBHOOK_SIGNATURE_HEADER} signature`);

    // Signed: from the holder of the secret, kept with its body for inspection.
    const headers = { ...request.headers };
    const record = { sourceIp: request.ip ?? null, bodyBytes: Buffer.byteLength(raw) };
    const reject = async (status: number, error: string) => {
      metrics.webhooks.inc({ outcome: 'rejected' });
      metrics.rejected.inc({ source: 'webhook' });
      try {
        await recordWebhook(db, {
          tenantId: null,
          eventKey: null,
          status: 'rejected',
          error,
          headers,
          body: raw.slice(0, 100_000),
          ...record,
        });
      } catch (recordError) {
        log.warn({ err: (recordError as Error).message }, 'could not record a rejected webhook');
      }
      log.warn({ status, error }, 'webhook rejected');
      return reply.code(status).send({ error });
    };
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return reject(400, 'body is not valid JSON');
    }
    if (hasNul(json))
      return reject(400, 'body contains a NUL character (\\u0000): send text without NUL characters');
    const parsed = WebhookEvent.safeParse(json);
    if (!parsed.success) {
      return reject(
        400,
        `malformed event: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'} ${i.message}`).join('; ')}`,
      );
    }
    const event = parsed.data;
    let tenantId: string | null;
    try {
      tenantId = await deps.tenantIdFor(event.tenantId);
    } catch (error) {
      return unavailable(reply, error, 'could not look up the tenant');
    }
    if (!tenantId) return reject(404, `unknown ServiceTitan tenant ${event.tenantId}`);
    const jobId = event.data.jobId ?? event.data.id;
    const eventKey = event.eventId ?? createHash('sha256').update(raw).digest('hex');
    let outcome: Awaited<ReturnType<typeof recordWebhook>>;
    try {
      outcome = await recordWebhook(db, {
        tenantId,
        eventKey: `${tenantId}:${eventKey}`,
        status: 'accepted',
        stJobId: jobId ?? null,
        headers,
        body: raw.slice(0, 100_000),
        ...record,
      });
    } catch (error) {
      return unavailable(reply, error, 'could not record the webhook');
    }
    metrics.webhooks.inc({ outcome });
    if (isInvoicePosted(event.eventType)) {
      const invoiceId = event.data.invoiceId ?? event.data.id;
      if (!invoiceId || invoiceId <= 0)
        return reply.code(400).send({ error: 'invoice-posted event without data.invoiceId' });
      try {
        const queued = await queueInvoiceSync(db, queues, {
          tenantId,
          invoiceId,
          eventKey: `${tenantId}:${eventKey}`,
        });
        return reply
          .code(202)
          .send({ status: outcome === 'duplicate' ? 'duplicate' : 'accepted', accounting: queued });
      } catch (error) {
        return unavailable(reply, error, `could not queue the accounting sync of invoice ${invoiceId}`);
      }
    }
    if (!/job[._-]?completed/i.test(event.eventType))
      return reply.code(202).send({ status: 'ignored', eventType: event.eventType });
    if (jobId === undefined) {
      await recordRejected(db, 'webhook', 'job.completed event without a job id', json).catch(
        (error: Error) => log.warn({ err: error.message }, 'could not record a rejected event'),
      );
      return reply.code(400).send({ error: 'job.completed event without data.jobId' });
    }
    const completedOn = event.data.completedOn ? new Date(event.data.completedOn) : null;
    try {
      const result = await queueCompletedJob(db, queues, {
        tenantId,
        stJobId: jobId,
        completedOn: completedOn && !Number.isNaN(completedOn.getTime()) ? completedOn : null,
        trigger: 'webhook',
      });
      return reply.code(202).send({ status: outcome === 'duplicate' ? 'duplicate' : 'accepted', ...result });
    } catch (error) {
      // The delivery is recorded; answering 503 makes ServiceTitan retry, and the retry
      // re-enqueues a run that is still queued.
      return unavailable(reply, error, `could not queue job ${jobId}`);
    }
  });
}
