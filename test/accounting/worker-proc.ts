// A real worker process for the accounting load test (`node --import tsx`, so SIGKILL reaches
// the process doing the work): the production handler registry and failure hooks on the
// accounting queues, against the test's database, Redis prefix and fakes. Environment:
// DATABASE_URL, REDIS_URL, QUEUE_PREFIX, CREDENTIALS_KEY_HEX, ACCOUNTING_OVERRIDES (JSON:
// limits, timeoutMs), WORKER_LOCK_MS.
import { createServer } from 'node:http';
import { createDb } from '@invoicer/db';
import {
  closeWorkers,
  createLogger,
  createWorkerConnection,
  QueueSet,
  startWorkers,
} from '@invoicer/platform';
import { TenantRuntime } from '@invoicer/tenant';
import { Redis } from 'ioredis';
import type { AccountingOverrides } from '../../apps/workers/src/accounting/context.ts';
import { handlerRegistry } from '../../apps/workers/src/app.ts';
import { failureHooks } from '../../apps/workers/src/failures.ts';
import type { WorkerServices } from '../../apps/workers/src/services.ts';

const env = process.env as Record<string, string>;
const need = (name: string) => {
  const v = env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const log = createLogger({ name: 'acct-worker', level: env.LOG_LEVEL ?? 'warn' });
const db = createDb(need('DATABASE_URL'));
const redis = new Redis(need('REDIS_URL'), { maxRetriesPerRequest: null });
const prefix = need('QUEUE_PREFIX');
const runtime = new TenantRuntime({
  db,
  redis,
  prefix,
  credentialsKey: Buffer.from(need('CREDENTIALS_KEY_HEX'), 'hex'),
  log,
  rateLimitPerSecond: 0,
  clientCheckMs: 0,
});
const queues = new QueueSet(redis, prefix);
const services: WorkerServices = { db, queues, runtime, log, ensureFresh: async () => {} };
const overrides = JSON.parse(env.ACCOUNTING_OVERRIDES ?? '{}') as AccountingOverrides;
const lockMs = Number(env.WORKER_LOCK_MS ?? 30_000);
const connection = createWorkerConnection(need('REDIS_URL'));
const workers = startWorkers({
  connection,
  prefix,
  handlers: handlerRegistry(services, overrides),
  queues: ['accounting.sync'],
  hooks: failureHooks(db, runtime, {}),
  log,
  concurrency: { 'accounting.sync': Number(env.WORKER_CONCURRENCY ?? 3) },
  lock: { durationMs: lockMs, stalledIntervalMs: Math.max(500, Math.floor(lockMs / 2)) },
});
// Ready once the workers run: the test kills only processes that are up and working.
await Promise.all(workers.map((w) => w.waitUntilReady()));
const health = createServer((_req, res) => res.writeHead(200).end('ok'));
health.listen(Number(need('WORKER_HTTP_PORT')), '127.0.0.1');
log.warn({ pid: process.pid }, 'accounting worker up');

process.once('SIGTERM', () => {
  void closeWorkers(workers, 5000, log).finally(async () => {
    connection.disconnect();
    redis.disconnect();
    await db.$disconnect();
    process.exit(0);
  });
});
