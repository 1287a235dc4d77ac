// Worker runtime: one BullMQ Worker per queue, each bound to a typed handler. Boot refuses to
// start when a queue has no handler. The processor validates the payload (invalid payloads
// are recorded and never retried), classifies errors, and reports the final failure of a job
// so the pipeline can open a review item instead of silently dropping it.
import {
  errorMessage,
  InvalidInputError,
  type PayloadOf,
  QUEUE_CATALOG,
  QUEUE_NAMES,
  type QueueName,
} from '@invoicer/core';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from './logger.ts';

export interface HandlerContext {
  job: Job;
  log: Logger;
  attempt: number;
}

export type Handler<Q extends QueueName> = (payload: PayloadOf<Q>, ctx: HandlerContext) => Promise<void>;
export type HandlerRegistry = { [Q in QueueName]: Handler<Q> };

export interface WorkerHooks {
  /** A payload failed validation: persist it for inspection (never lost). */
  onRejected(queue: QueueName, job: Job, error: InvalidInputError): Promise<void>;
  /** The job will not be retried again: mark the run failed / open a review item. */
  onFinalFailure(queue: QueueName, payload: unknown, error: unknown): Promise<void>;
  onCompleted?(queue: QueueName, durationMs: number): void;
  onFailedAttempt?(queue: QueueName, errorClass: string): void;
}

/** Errors that carry a server-requested wait (ServiceTitan 429s): handled by the rate limiter. */
export interface RetryAfterError extends Error {
  retryAfterMs: number;
}
function isRetryAfter(error: unknown): error is RetryAfterError {
  return error instanceof Error && typeof (error as Partial<RetryAfterError>).retryAfterMs === 'number';
}
/** Errors that can never succeed on retry (4xx from ServiceTitan, invalid data). */
function isPermanent(error: unknown): boolean {
  return (
    error instanceof InvalidInputError ||
    error instanceof UnrecoverableError ||
    (error instanceof Error && (error as { permanent?: boolean }).permanent === true)
  );
}

const OUTAGE_PAUSE_MS = 5000;
const OUTAGE_CODES = new Set([
  'P1001',
  'P1002',
  'P1017',
  'P2024',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
  // Raw socket errors: ServiceTitan's are wrapped (StNetworkError), so these are our own stores.
  'ECONNREFUSED',
  'ECONNRESET',
]);
const OUTAGE_MESSAGE =
  /Can't reach database server|DatabaseNotReachable|Connection terminated unexpectedly|the database system is (shutting down|starting up|in recovery mode)|terminating connection due to administrator command|Timed out fetching a new connection/i;

/**
 * Postgres is unreachable or going away (errors from pg or Prisma, or their causes): a
 * condition of the cluster, not of the job. ServiceTitan's own network errors are not this.
 */
export function isDependencyOutage(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const err = e as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
    if (typeof err.name === 'string' && err.name.startsWith('St')) return false;
    if (typeof err.code === 'string' && OUTAGE_CODES.has(err.code)) return true;
    if (typeof err.message === 'string' && OUTAGE_MESSAGE.test(err.message)) return true;
    e = err.cause ?? (err as { meta?: { driverAdapterError?: unknown } }).meta?.driverAdapterError;
  }
  return false;
}

/** BullMQ's own failure of a job whose lock lapsed too many times. */
export function isStalledFailure(error: unknown): boolean {
  return error instanceof Error && /stalled more than allowable limit/i.test(error.message);
}

export function errorClass(error: unknown): string {
  if (isDependencyOutage(error)) return 'dependency_outage';
  if (isRetryAfter(error)) return 'rate_limited';
  if (error instanceof InvalidInputError) return 'invalid_input';
  if (isPermanent(error)) return 'permanent';
  const code = (error as { code?: string } | undefined)?.code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT') return 'network';
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  return 'transient';
}

export function assertRegistryComplete(
  handlers: Partial<Record<string, unknown>>,
  queues: readonly QueueName[],
): void {
  const missing = queues.filter((q) => typeof handlers[q] !== 'function');
  if (missing.length) throw new Error(`No handler registered for queue(s): ${missing.join(', ')}`);
  const unknown = Object.keys(handlers).filter((k) => !QUEUE_NAMES.includes(k as QueueName));
  if (unknown.length) throw new Error(`Handlers registered for unknown queue(s): ${unknown.join(', ')}`);
}

export interface StartWorkersOptions {
  connection: Redis;
  prefix: string;
  handlers: HandlerRegistry;
  queues: readonly QueueName[];
  hooks: WorkerHooks;
  log: Logger;
  concurrency?: Partial<Record<QueueName, number>>;
  /** BullMQ's job lock and stall check (defaults 30 s each); tests that kill workers shorten them. */
  lock?: { durationMs: number; stalledIntervalMs: number };
}

export function startWorkers(options: StartWorkersOptions): Worker[] {
  const { handlers, queues, hooks, log } = options;
  assertRegistryComplete(handlers, QUEUE_NAMES);
  return queues.map((queue) => {
    const worker: Worker = new Worker(
      queue,
      async (job) => {
        const started = performance.now();
        const parsed = QUEUE_CATALOG[queue].payload.safeParse(job.data);
        if (!parsed.success) {
          const error = new InvalidInputError(
            `invalid ${queue} payload`,
            parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
          );
          log.error({ queue, jobId: job.id, err: error.message }, 'rejected malformed job payload');
          await hooks.onRejected(queue, job, error);
          hooks.onFailedAttempt?.(queue, 'invalid_input');
          throw new UnrecoverableError(error.message);
        }
        const payload = parsed.data as Record<string, unknown>;
        const jobLog = log.child({ queue, jobId: job.id, tenant: payload.tenantId, runId: payload.runId });
        try {
          const handler = handlers[queue] as Handler<QueueName>;
          await handler(parsed.data as PayloadOf<QueueName>, {
            job,
            log: jobLog,
            attempt: job.attemptsMade + 1,
          });
          hooks.onCompleted?.(queue, performance.now() - started);
        } catch (error) {
          const klass = errorClass(error);
          hooks.onFailedAttempt?.(queue, klass);
          if (isDependencyOutage(error)) {
            // Postgres is away: every job would fail the same way. Pause this queue instead of
            // spending attempts, so an outage of any length costs no run a review item.
            jobLog.warn({ err: errorMessage(error) }, 'Postgres unreachable; pausing the queue');
            await worker.rateLimit(OUTAGE_PAUSE_MS);
            throw Worker.RateLimitError();
          }
          if (isRetryAfter(error)) {
            // 429: pause this queue for the requested time without spending an attempt.
            jobLog.warn({ retryAfterMs: error.retryAfterMs }, 'ServiceTitan rate limited; backing off');
            await worker.rateLimit(error.retryAfterMs);
            throw Worker.RateLimitError();
          }
          const attempts = job.opts.attempts ?? 1;
          const final = isPermanent(error) || job.attemptsMade + 1 >= attempts;
          jobLog.error(
            { err: errorMessage(error), errorClass: klass, attempt: job.attemptsMade + 1, final },
            'job failed',
          );
          if (final) {
            await hooks.onFinalFailure(queue, parsed.data, error).catch((hookError: unknown) => {
              jobLog.error({ err: errorMessage(hookError) }, 'could not record final failure');
            });
            if (isPermanent(error)) throw new UnrecoverableError(errorMessage(error));
          }
          throw error;
        }
      },
      {
        connection: options.connection,
        prefix: options.prefix,
        concurrency: options.concurrency?.[queue] ?? QUEUE_CATALOG[queue].options.concurrency,
        autorun: true,
        ...(options.lock
          ? { lockDuration: options.lock.durationMs, stalledInterval: options.lock.stalledIntervalMs }
          : {}),
      },
    );
    worker.on('error', (error) => log.error({ queue, err: errorMessage(error) }, 'worker error'));
    // A job that stalled too often (its worker died mid-job, twice) is failed by BullMQ itself:
    // the processor never saw that failure, so the final-failure path is taken here. If it
    // cannot be recorded either (Postgres away), the sweeper finds the run later.
    worker.on('failed', (job, error) => {
      if (!job || !isStalledFailure(error)) return;
      const parsed = QUEUE_CATALOG[queue].payload.safeParse(job.data);
      if (!parsed.success) return;
      log.error({ queue, jobId: job.id, err: errorMessage(error) }, 'job failed after stalling');
      hooks.onFinalFailure(queue, parsed.data, error).catch((hookError: unknown) => {
        log.error({ queue, jobId: job.id, err: errorMessage(hookError) }, 'could not record final failure');
      });
    });
    return worker;
  });
}

/** Stop taking work, let in-flight jobs finish, and force-close after `timeoutMs`. */
export async function closeWorkers(workers: Worker[], timeoutMs: number, log: Logger): Promise<void> {
  const graceful = Promise.allSettled(workers.map((w) => w.close()));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    graceful.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    // In-flight jobs are returned: their locks lapse and another worker picks them up.
    log.warn({ timeoutMs }, 'workers did not finish in time; force-closing (in-flight jobs will be retried)');
    await Promise.allSettled(workers.map((w) => w.close(true)));
  }
}
