// The worker process: one BullMQ Worker per configured queue, a typed handler for every queue
// in the catalogue (boot fails if one is missing), health and metrics over HTTP, and a bounded
// graceful shutdown. Embeddable (the demo and tests start it in-process).
import path from 'node:path';
import type { QueueName } from '@invoicer/core';
import { checkPostgres, createDb, type Db } from '@invoicer/db';
import {
  checkRedis,
  closeWorkers,
  createProducerConnection,
  createWorkerConnection,
  errorClass,
  type HandlerRegistry,
  type Logger,
  Metrics,
  QueueSet,
  registerHealthRoutes,
  startWorkers,
  waitReady,
} from '@invoicer/platform';
import { resolveCredentialsKey } from '@invoicer/servicetitan';
import { TenantRuntime } from '@invoicer/tenant';
import type { Worker } from 'bullmq';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AccountingOverrides } from './accounting/context.ts';
import { startAccountingSchedule } from './accounting/schedule.ts';
import { startCollectionsSchedule } from './collections/schedule.ts';
import type { WorkerEnv } from './config.ts';
import { handOverAfterPost, isPosted } from './documents/handover.ts';
// Light: Chromium is launched on the first invoice.pdf job.
import { closeWorkerPdfRenderer, workerPdfRenderer } from './documents/renderer.ts';
import { evidence } from './evidence/stage.ts';
import { failureHooks } from './failures.ts';
import { freshnessChecker } from './freshness.ts';
import { recheckPaymentsAfterPost } from './reconcile/after-post.ts';
import type { WorkerServices } from './services.ts';
import { detect } from './stages/detect.ts';
import { draft } from './stages/draft.ts';
import { extract } from './stages/extract.ts';
import { post } from './stages/post.ts';
import { price } from './stages/price.ts';
import { route } from './stages/route.ts';
import { startSweeper } from './sweeper.ts';

// The invoice pipeline's stages are imported up front. The other queues' handlers (books,
// collections, delivery, PDFs, bank reconciliation) are imported on their first job: with
// their libraries (mail, PDF, accounting clients) they add tens of MB to every worker
// process, and most processes never get such a job (import() caches the module after that).
export function handlerRegistry(
  services: WorkerServices,
  /** Books client overrides (tests: shorter limits and timeouts). */
  accounting: AccountingOverrides = {},
): HandlerRegistry {
  return {
    'invoice.extract': (p) => extract(services, p),
    'invoice.detect': (p) => detect(services, p),
    'invoice.price': (p) => price(services, p),
    'invoice.draft': (p) => draft(services, p),
    'invoice.evidence': (p) => evidence(services, p),
    'invoice.route': (p) => route(services, p),
    'invoice.post': async (p, ctx) => {
      await post(services, p, `job-${ctx.job.id}`);
      if (!(await isPosted(services, p))) return;
      await handOverAfterPost(services, p);
      await recheckPaymentsAfterPost(services, p);
    },
    'invoice.pdf': async (p) => {
      await (await import('./stages/pdf.ts')).pdf(services, p, workerPdfRenderer());
    },
    'payment.reconcile': async (p) => (await import('./stages/reconcile.ts')).reconcile(services, p),
    'invoice.deliver': async (p) => {
      await (await import('./stages/deliver.ts')).deliver(services, p);
    },
    'message.send': async (p) => {
      await (await import('./stages/deliver.ts')).sendMessageJob(services, p);
    },
    'collections.evaluate': async (p) => {
      await (await import('./collections/evaluate.ts')).evaluateCollections(services, p);
    },
    'collections.act': async (p) => {
      await (await import('./collections/act.ts')).act(services, p);
    },
    'plan.suggest': async (p) => {
      await (await import('./collections/suggest.ts')).suggestPlan(services, p);
    },
    'accounting.sync': async (p, ctx) => {
      await (await import('./accounting/sync.ts')).syncInvoiceJob(services, p, ctx.attempt, accounting);
    },
    'accounting.journal': async (p) => {
      await (await import('./accounting/journal.ts')).postJournal(services, p, accounting);
    },
    'accounting.reconcile': async (p) => {
      await (await import('./accounting/reconcile.ts')).reconcileBooks(services, p, accounting);
    },
  };
}

export interface WorkerApp {
  services: WorkerServices;
  metrics: Metrics;
  workers: Worker[];
  http: FastifyInstance | null;
  close(): Promise<void>;
}

export async function startWorkerApp(
  env: WorkerEnv,
  log: Logger,
  options: { http?: boolean; metrics?: Metrics } = {},
): Promise<WorkerApp> {
  await Promise.all([checkPostgres(env.DATABASE_URL), checkRedis(env.REDIS_URL)]);
  const db: Db = createDb(env.DATABASE_URL, { poolSize: Math.max(10, env.WORKER_CONCURRENCY * 3) });
  const workerConnection = createWorkerConnection(env.REDIS_URL);
  const producerConnection = createProducerConnection(env.REDIS_URL);
  await waitReady(producerConnection);
  const queues = new QueueSet(producerConnection, env.QUEUE_PREFIX);
  const metrics = options.metrics ?? new Metrics();
  const { key } = resolveCredentialsKey(env.CREDENTIALS_KEY, path.resolve('.data/credentials.key'));
  const runtime = new TenantRuntime({
    db,
    redis: producerConnection,
    prefix: env.QUEUE_PREFIX,
    credentialsKey: key,
    log,
    rateLimitPerSecond: env.ST_RATE_LIMIT_PER_SECOND,
    historyPeriodMs: env.HISTORY_PERIOD_HOURS * 3600_000,
    historyModelBudgetJobs: env.HISTORY_MODEL_BUDGET_JOBS,
    onStCall: (tenant, info) => {
      metrics.stCalls.inc({ tenant, endpoint: info.endpoint, status: String(info.status) });
      if (info.status === 429) metrics.st429.inc({ tenant });
    },
  });
  const services: WorkerServices = {
    db,
    queues,
    runtime,
    log,
    ensureFresh: freshnessChecker(db, runtime, log, env.SYNC_INTERVAL_MS),
  };
  const hooks = failureHooks(db, runtime, {
    onCompleted: (queue, ms) => metrics.stageDuration.observe({ queue }, ms / 1000),
    onFailedAttempt: (queue, klass) => metrics.failures.inc({ queue, class: klass }),
  });
  const workers = startWorkers({
    connection: workerConnection,
    prefix: env.QUEUE_PREFIX,
    handlers: handlerRegistry(services),
    queues: env.WORKER_QUEUES as QueueName[],
    log,
    concurrency: Object.fromEntries(env.WORKER_QUEUES.map((q) => [q, env.WORKER_CONCURRENCY])),
    hooks,
  });
  const stopSweeper = startSweeper(services, hooks, log, {
    intervalMs: env.SWEEP_INTERVAL_MS,
    maxRedrives: env.SWEEP_MAX_REDRIVES,
    boundScale: env.SWEEP_BOUND_SCALE,
  });

  const stopAccounting = env.WORKER_QUEUES.includes('accounting.reconcile')
    ? startAccountingSchedule(services, log, env.ACCOUNTING_INTERVAL_MS)
    : () => {};
  const stopCollections = env.WORKER_QUEUES.includes('collections.evaluate')
    ? startCollectionsSchedule(services, log, env.COLLECTIONS_INTERVAL_MS)
    : () => {};

  let http: FastifyInstance | null = null;
  if (options.http !== false) {
    http = Fastify({ logger: false });
    registerHealthRoutes(http, {
      postgres: async () => {
        await db.$queryRaw`SELECT 1`;
      },
      redis: async () => {
        await producerConnection.ping();
      },
    });
    http.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.text()));
    await http.listen({ port: env.WORKER_HTTP_PORT, host: '127.0.0.1' });
  }
  log.info({ queues: env.WORKER_QUEUES, concurrency: env.WORKER_CONCURRENCY }, 'workers started');
  if (env.WORKER_QUEUES.includes('message.send'))
    void import('./delivery/requeue.ts')
      .then(({ requeueMessages }) => requeueMessages(services, log))
      .catch((error: Error) => log.warn({ err: error.message }, 'could not queue ledger messages again'));

  return {
    services,
    metrics,
    workers,
    http,
    async close() {
      stopSweeper();
      stopAccounting();
      stopCollections();
      await closeWorkers(workers, env.SHUTDOWN_TIMEOUT_MS, log);
      await closeWorkerPdfRenderer();
      await http?.close();
      await queues.close();
      workerConnection.disconnect();
      producerConnection.disconnect();
      await db.$disconnect();
    },
  };
}

export { errorClass };
