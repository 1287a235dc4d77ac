// The console app: review queue UI + JSON API, auth, Bull Board and /metrics. Embeddable like
// the other apps (the demo and the tests start it in-process); `main.ts` is the command line.
import path from 'node:path';
import { errorMessage } from '@invoicer/core';
import { checkPostgres, createDb, type Db, deleteExpiredSessions } from '@invoicer/db';
import {
  checkRedis,
  createProducerConnection,
  type Logger,
  Metrics,
  QueueSet,
  waitReady,
} from '@invoicer/platform';
import { resolveCredentialsKey } from '@invoicer/servicetitan';
import { TenantRuntime } from '@invoicer/tenant';
import type { FastifyInstance } from 'fastify';
import type { ConsoleEnv } from './config.ts';
import { buildConsoleServer } from './http/server.ts';
import { ConsoleMetrics } from './ops/console-metrics.ts';
import type { ConsoleServices } from './services.ts';

export interface ConsoleApp {
  url: string;
  app: FastifyInstance;
  db: Db;
  services: ConsoleServices;
  close(): Promise<void>;
}

export interface ConsoleOptions {
  /** Share a registry (e.g. with in-process workers in the demo). */
  metrics?: Metrics;
}

const SESSION_SWEEP_MS = 15 * 60_000;

export async function startConsoleApp(
  env: ConsoleEnv,
  log: Logger,
  options: ConsoleOptions = {},
): Promise<ConsoleApp> {
  await Promise.all([checkPostgres(env.DATABASE_URL), checkRedis(env.REDIS_URL)]);
  const db = createDb(env.DATABASE_URL);
  const redis = createProducerConnection(env.REDIS_URL);
  redis.on('error', (error) => log.warn({ err: errorMessage(error) }, 'redis connection error'));
  // Producer connections fail fast while connecting; wait so the first requests (the login
  // rate limit, enqueues) do not fall through.
  await waitReady(redis);
  const queues = new QueueSet(redis, env.QUEUE_PREFIX);
  const { key } = resolveCredentialsKey(env.CREDENTIALS_KEY, path.resolve('.data/credentials.key'));
  const runtime = new TenantRuntime({
    db,
    redis,
    prefix: env.QUEUE_PREFIX,
    credentialsKey: key,
    log,
    rateLimitPerSecond: env.ST_RATE_LIMIT_PER_SECOND,
  });
  const metrics = new ConsoleMetrics(options.metrics ?? new Metrics());
  const services: ConsoleServices = { env, db, redis, queues, runtime, metrics, log };
  const app = await buildConsoleServer(services);
  const url = await app.listen({ port: env.CONSOLE_PORT, host: env.CONSOLE_HOST });
  const sweep = setInterval(() => {
    deleteExpiredSessions(db).catch((error) =>
      log.warn({ err: errorMessage(error) }, 'session sweep failed'),
    );
  }, SESSION_SWEEP_MS);
  sweep.unref();
  log.info(
    { url, secureCookies: env.COOKIE_SECURE, metricsToken: Boolean(env.METRICS_TOKEN) },
    'console started',
  );
  return {
    url,
    app,
    db,
    services,
    async close() {
      clearInterval(sweep);
      await app.close();
      await queues.close();
      redis.disconnect();
      await db.$disconnect();
    },
  };
}
