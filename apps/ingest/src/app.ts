// The ingest app: receives webhooks, polls export feeds, and enqueues. Nothing else.
import path from 'node:path';
import { checkPostgres, createDb, type Db, listTenants } from '@invoicer/db';
import {
  checkRedis,
  createProducerConnection,
  type Logger,
  Metrics,
  QueueSet,
  registerHealthRoutes,
  waitReady,
} from '@invoicer/platform';
import { clientForTenant, resolveCredentialsKey, type StClient } from '@invoicer/servicetitan';
import Fastify, { type FastifyInstance } from 'fastify';
import type { IngestEnv } from './config.ts';
import { startFeedsAtNow, startPoller } from './poller.ts';
import { registerWebhookRoutes } from './webhooks.ts';

export interface IngestApp {
  url: string;
  http: FastifyInstance;
  db: Db;
  queues: QueueSet;
  metrics: Metrics;
  pollNow(): Promise<void>;
  /** Onboard a tenant: its existing jobs and payments are history, not new work. */
  startFeedsAtNow(tenantId: string): Promise<void>;
  close(): Promise<void>;
}

export async function startIngestApp(env: IngestEnv, log: Logger): Promise<IngestApp> {
  await Promise.all([checkPostgres(env.DATABASE_URL), checkRedis(env.REDIS_URL)]);
  const db = createDb(env.DATABASE_URL);
  const redis = createProducerConnection(env.REDIS_URL);
  // Producers fail fast (no offline queue), so wait until the connection is up before using it.
  await waitReady(redis);
  const queues = new QueueSet(redis, env.QUEUE_PREFIX);
  const metrics = new Metrics();
  const { key } = resolveCredentialsKey(env.CREDENTIALS_KEY, path.resolve('.data/credentials.key'));
  const clients = new Map<string, StClient>();
  const clientFor = async (tenantId: string) => {
    const cached = clients.get(tenantId);
    if (cached) return cached;
    const tenant = (await listTenants(db)).find((t) => t.id === tenantId);
    if (!tenant) throw new Error(`unknown tenant ${tenantId}`);
    const client = clientForTenant(tenant, {
      credentialsKey: key,
      redis,
      prefix: env.QUEUE_PREFIX,
      rateLimitPerSecond: env.ST_RATE_LIMIT_PER_SECOND,
    });
    clients.set(tenantId, client);
    return client;
  };
  const tenantIdFor = async (stTenantId: number) =>
    (await listTenants(db)).find((t) => Number(t.stTenantId) === stTenantId)?.id ?? null;

  const http = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  registerHealthRoutes(http, {
    postgres: async () => {
      await db.$queryRaw`SELECT 1`;
    },
    redis: async () => {
      await redis.ping();
    },
  });
  http.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.text()));
  registerWebhookRoutes(http, { db, queues, env, log, metrics, tenantIdFor });
  const poller = startPoller(db, queues, clientFor, log, env.POLL_INTERVAL_MS, env.INGEST_POLL_FEEDS);
  const url = await http.listen({ port: env.INGEST_PORT, host: env.INGEST_HOST });
  log.info(
    { url, polling: env.POLL_INTERVAL_MS > 0, webhooks: Boolean(env.WEBHOOK_SECRET) },
    'ingest started',
  );
  return {
    url,
    http,
    db,
    queues,
    metrics,
    pollNow: () => poller.pollNow(),
    startFeedsAtNow: (tenantId) => startFeedsAtNow(db, clientFor, tenantId),
    async close() {
      // Stop taking deliveries first, then let an in-flight poll finish.
      await http.close();
      await poller.stop();
      await queues.close();
      redis.disconnect();
      await db.$disconnect();
    },
  };
}
