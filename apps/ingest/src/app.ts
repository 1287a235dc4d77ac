// The ingest app: receives webhooks, polls export feeds, and enqueues. Nothing else.
//
// Two listeners: the public one (INGEST_HOST:INGEST_PORT) serves the webhook route and
// /healthz, /readyz; /metrics is only on INGEST_METRICS_HOST:INGEST_METRICS_PORT (loopback by
// default). Error bodies never carry a stack, a file path or a driver message. Every timer
// (the poller, the webhook pruner) survives Postgres and Redis outages, logging and backing off.
import path from 'node:path';
import { assistantProviderFor } from '@invoicer/assistant';
import {
  checkPostgres,
  createDb,
  type Db,
  getTenant,
  getTenantSettings,
  listTenants,
  pruneWebhookEvents,
} from '@invoicer/db';
import {
  checkRedis,
  createProducerConnection,
  type Logger,
  logRequests,
  Metrics,
  QueueSet,
  registerHealthRoutes,
  waitReady,
} from '@invoicer/platform';
import { clientForTenant, resolveCredentialsKey, type StClient } from '@invoicer/servicetitan';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { IngestEnv } from './config.ts';
import { type Loop, startLoop } from './loop.ts';
import { startFeedsAtNow, startPoller } from './poller.ts';
import { registerPortalRoutes } from './portal/routes.ts';
import { registerSmsRoutes } from './sms.ts';
import { cachedTenantLookup } from './tenant-lookup.ts';
import { registerUnsubscribeRoutes } from './unsubscribe.ts';
import { RETRY_AFTER_SECONDS, registerWebhookRoutes, WEBHOOK_PATH } from './webhooks.ts';

export interface IngestApp {
  url: string;
  /** Where /metrics is served (loopback by default), never the public webhook port. */
  metricsUrl: string;
  http: FastifyInstance;
  db: Db;
  queues: QueueSet;
  metrics: Metrics;
  pollNow(): Promise<void>;
  /** Delete webhook deliveries past their retention now; returns how many. */
  pruneWebhooksNow(): Promise<number>;
  /** Onboard a tenant: its existing jobs and payments are history, not new work. */
  startFeedsAtNow(tenantId: string): Promise<void>;
  close(): Promise<void>;
}

/** The message a 4xx raised by Fastify itself may show: fixed text, nothing echoed back. */
function publicMessage(status: number): string {
  if (status === 413) return 'request body too large';
  if (status === 415) return 'unsupported content type: send application/json';
  if (status === 404) return 'not found';
  if (status === 405) return 'method not allowed';
  return 'bad request';
}

/** Answer errors without internals: fixed messages, 500/503 logged with the details. */
function installErrorHandlers(http: FastifyInstance, log: Logger) {
  http.setErrorHandler((error: FastifyError, request, reply) => {
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500;
    if (status < 500) return reply.code(status).send({ error: publicMessage(status) });
    log.error({ err: error.message, stack: error.stack, route: request.routeOptions.url }, 'request failed');
    // A webhook we could not take is retried by ServiceTitan when told so.
    if (request.routeOptions.url === WEBHOOK_PATH)
      return reply
        .code(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({ error: 'temporarily unavailable, retry later' });
    return reply.code(500).send({ error: 'internal error' });
  });
  http.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not found' }));
}

export async function startIngestApp(env: IngestEnv, log: Logger): Promise<IngestApp> {
  await Promise.all([checkPostgres(env.DATABASE_URL), checkRedis(env.REDIS_URL)]);
  const db = createDb(env.DATABASE_URL);
  const redis = createProducerConnection(env.REDIS_URL);
  // ioredis reconnects by itself; without a listener its errors are printed, not logged.
  redis.on('error', (error: Error) => log.warn({ err: error.message }, 'redis connection error'));
  // Producers fail fast (no offline queue), so wait until the connection is up before using it.
  await waitReady(redis);
  const queues = new QueueSet(redis, env.QUEUE_PREFIX);
  // An 'error' event with no listener would end the process.
  for (const [name, queue] of queues.queues)
    queue.on('error', (error: Error) => log.warn({ queue: name, err: error.message }, 'queue error'));
  const metrics = new Metrics();
  const { key } = resolveCredentialsKey(env.CREDENTIALS_KEY, path.resolve('.data/credentials.key'));

  // One client per tenant, rebuilt when the tenant's row changes (rotated credentials, a new
  // host), so `tenant:add` reaches a running ingest at its next poll without a restart.
  const clients = new Map<string, { fingerprint: string; client: StClient }>();
  const clientFor = async (tenantId: string) => {
    const tenant = await getTenant(db, tenantId);
    if (!tenant) throw new Error(`unknown tenant ${tenantId}`);
    const fingerprint = [tenant.stTenantId, tenant.apiBaseUrl, tenant.authUrl, tenant.credentialsSealed].join(
      '\n',
    );
    const cached = clients.get(tenantId);
    if (cached?.fingerprint === fingerprint) return cached.client;
    const client = clientForTenant(tenant, {
      credentialsKey: key,
      redis,
      prefix: env.QUEUE_PREFIX,
      rateLimitPerSecond: env.ST_RATE_LIMIT_PER_SECOND,
    });
    if (cached) log.info({ tenant: tenantId }, 'tenant credentials or hosts changed; using them from now on');
    clients.set(tenantId, { fingerprint, client });
    return client;
  };
  const tenantIdFor = cachedTenantLookup(() => listTenants(db));

  const readiness = {
    postgres: async () => {
      await db.$queryRaw`SELECT 1`;
    },
    redis: async () => {
      await redis.ping();
    },
  };
  // On the public port /readyz says which dependency is down, not the driver's message (Prisma's
  // names source files); the loopback ops port gives the details.
  const opaque = (check: () => Promise<void>) => async () => {
    await check().catch(() => {
      throw new Error('not reachable');
    });
  };
  // maxParamLength: customer invoice links (/portal/:token) are longer than the default 100.
  const http = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    trustProxy: env.INGEST_TRUST_PROXY,
    routerOptions: { maxParamLength: 300 },
  });
  installErrorHandlers(http, log);
  // Method, route, status and duration of every delivery and probe; never its body or headers.
  logRequests(http, log);
  registerHealthRoutes(http, { postgres: opaque(readiness.postgres), redis: opaque(readiness.redis) });
  registerWebhookRoutes(http, { db, queues, env, log, metrics, tenantIdFor });
  registerSmsRoutes(http, { db, queues, log, clientFor });
  registerUnsubscribeRoutes(http, { db, log });
  if (env.PORTAL_LINK_SECRET)
    registerPortalRoutes(http, {
      db,
      redis,
      prefix: env.QUEUE_PREFIX,
      log,
      config: {
        secret: env.PORTAL_LINK_SECRET,
        asksPerLinkPerHour: env.PORTAL_ASKS_PER_LINK_PER_HOUR,
        asksPerIpPerHour: env.PORTAL_ASKS_PER_IP_PER_HOUR,
        viewsPerIpPerMinute: env.PORTAL_VIEWS_PER_IP_PER_MINUTE,
      },
      providerFor: async (tenantId) => assistantProviderFor((await getTenantSettings(db, tenantId)).ai),
    });

  const ops = Fastify({ logger: false });
  installErrorHandlers(ops, log);
  logRequests(ops, log);
  registerHealthRoutes(ops, readiness);
  ops.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.text()));

  const poller = startPoller(db, queues, clientFor, log, env.POLL_INTERVAL_MS, env.INGEST_POLL_FEEDS);
  const prune = async () => {
    const day = 86_400_000;
    const now = Date.now();
    const deleted = await pruneWebhookEvents(db, {
      accepted: new Date(now - env.WEBHOOK_RETENTION_DAYS * day),
      rejected: new Date(now - env.WEBHOOK_REJECTED_RETENTION_DAYS * day),
    });
    if (deleted) log.info({ deleted }, 'pruned old webhook deliveries');
    return deleted;
  };
  const pruner: Loop = startLoop({
    name: 'webhook pruner',
    intervalMs: env.WEBHOOK_PRUNE_INTERVAL_MS,
    log,
    // Soon after start (a restart must not postpone pruning by a whole period), then every period.
    firstDelayMs: Math.min(env.WEBHOOK_PRUNE_INTERVAL_MS, 60_000),
    run: async () => {
      await prune();
    },
  });

  let url: string;
  let metricsUrl: string;
  try {
    url = await http.listen({ port: env.INGEST_PORT, host: env.INGEST_HOST });
    metricsUrl = await ops.listen({
      port: env.INGEST_METRICS_PORT ?? (env.INGEST_PORT === 0 ? 0 : 4021),
      host: env.INGEST_METRICS_HOST,
    });
  } catch (error) {
    await Promise.allSettled([http.close(), ops.close(), poller.stop(), pruner.stop(), queues.close()]);
    redis.disconnect();
    await db.$disconnect();
    throw error;
  }
  log.info(
    { url, metricsUrl, polling: env.POLL_INTERVAL_MS > 0, webhooks: Boolean(env.WEBHOOK_SECRET) },
    'ingest started',
  );
  return {
    url,
    metricsUrl,
    http,
    db,
    queues,
    metrics,
    pollNow: () => poller.pollNow(),
    pruneWebhooksNow: prune,
    startFeedsAtNow: (tenantId) => startFeedsAtNow(db, clientFor, tenantId),
    async close() {
      // Stop taking deliveries first, then let an in-flight poll finish.
      await http.close();
      await ops.close();
      await poller.stop();
      await pruner.stop();
      await queues.close();
      redis.disconnect();
      await db.$disconnect();
    },
  };
}
