// Ingest survives Postgres and Redis blips. The real `npm run ingest` process runs against
// Postgres and Redis through TCP proxies this test cuts and restores (the shared servers are
// never stopped): while one is away the process stays up, webhooks are answered 503 (retryable),
// and afterwards the poller and webhooks work again without a restart.
import { createHmac, randomBytes } from 'node:crypto';
import path from 'node:path';
import { setCursor } from '@invoicer/db';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { Job, Payment, StClient } from '@invoicer/servicetitan';
import { type RunningSim, startSim } from '@invoicer/st-sim';
import { registerTenant } from '@invoicer/tenant';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LoggedChild, spawnLogged } from '../support/child.ts';
import { miniTenant } from '../support/mini-tenant.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { waitFor } from '../support/wait.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SECRET = 'resilience-webhook-secret-0123456789';
let database: TestDatabase;
let sim: RunningSim;
let pgProxy: TcpProxy;
let redisProxy: TcpProxy;
let ingest: LoggedChild;
let url: string;

const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('hex');
let events = 0;
async function deliver(eventType: string, data: Record<string, unknown> = {}) {
  events += 1;
  const body = JSON.stringify({ eventId: `res-${events}`, eventType, tenantId: sim.tenantId, data });
  try {
    const response = await fetch(`${url}/webhooks/servicetitan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-servicetitan-signature': sign(body) },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    return {
      status: response.status,
      text: await response.text(),
      retryAfter: response.headers.get('retry-after'),
    };
  } catch (error) {
    return { status: 0, text: (error as Error).message, retryAfter: null };
  }
}

const alive = () => ingest.exited() === null && ingest.process.exitCode === null;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startSim({ fixture: miniTenant(), replay: true, replayLast: 3 });
  const key = randomBytes(32);
  await registerTenant(database.db, {
    id: 'acme',
    stTenantId: sim.tenantId,
    name: 'Acme',
    apiBaseUrl: sim.url,
    authUrl: `${sim.url}/connect/token`,
    credentials: sim.credentials,
    credentialsKey: key,
  });
  // The feeds start at now: the past is history, not work.
  const client = new StClient({
    tenantId: sim.tenantId,
    apiBaseUrl: sim.url,
    authUrl: `${sim.url}/connect/token`,
    ...sim.credentials,
  });
  for (const [feed, module, resource, schema] of [
    ['ingest/jobs', 'jpm', 'jobs', Job],
    ['ingest/payments', 'accounting', 'payments', Payment],
  ] as const) {
    let token: string | null = null;
    for await (const page of client.exportFeed(module, resource, schema, null)) token = page.continueFrom;
    if (token) await setCursor(database.db, 'acme', feed, token);
  }
  pgProxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(database.url).port || 5432) });
  const redisUrl = new URL(testRedisUrl());
  redisProxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
  const dbViaProxy = new URL(database.url);
  dbViaProxy.port = String(pgProxy.port);
  const redisViaProxy = new URL(testRedisUrl());
  redisViaProxy.port = String(redisProxy.port);
  ingest = spawnLogged(['--import', 'tsx', 'apps/ingest/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: dbViaProxy.toString(),
      REDIS_URL: redisViaProxy.toString(),
      QUEUE_PREFIX: testQueuePrefix('resilience'),
      CREDENTIALS_KEY: key.toString('base64'),
      INGEST_PORT: '0',
      WEBHOOK_SECRET: SECRET,
      POLL_INTERVAL_MS: '200',
      LOG_LEVEL: 'info',
    },
  });
  const started = await waitFor(
    async () =>
      /"msg":"ingest started"/.exec(ingest.output()) && /"url":"(http:[^"]+)"/.exec(ingest.output()),
    (m) => Boolean(m) || ingest.exited() !== null,
    { timeoutMs: 30_000, what: 'ingest to start' },
  );
  if (!started) throw new Error(`ingest did not start:\n${ingest.output()}`);
  url = started[1]!;
});

afterAll(async () => {
  if (ingest && alive()) {
    ingest.process.kill('SIGTERM');
    await waitFor(
      async () => ingest.exited(),
      (e) => e !== null,
      { timeoutMs: 20_000, what: 'ingest to stop' },
    ).catch(() => ingest.process.kill('SIGKILL'));
  }
  await pgProxy?.close();
  await redisProxy?.close();
  await sim?.close();
  await database?.drop();
});

const runs = () => database.db.pipelineRun.count();

it('keeps running through a Postgres outage, answers webhooks 503 meanwhile, and recovers', async () => {
  expect((await deliver('job.updated')).status).toBe(202);
  await pgProxy.cut();
  // Several poll intervals with Postgres away.
  await sleep(2_500);
  const during = await deliver('job.completed', { jobId: 1 });
  expect(alive(), `ingest exited ${JSON.stringify(ingest.exited())}:\n${ingest.output().slice(-3000)}`).toBe(
    true,
  );
  expect(during.status, during.text).toBe(503);
  expect(Number(during.retryAfter)).toBeGreaterThan(0);
  expect(during.text).not.toMatch(/\.ts\b|\/work\/|node_modules|ECONNREFUSED|127\.0\.0\.1/);
  const ready = await fetch(`${url}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.text()).not.toMatch(/\.ts\b|\/work\/|node_modules|prisma|ECONNREFUSED/i);
  await sleep(1_500);
  expect(alive(), `ingest exited ${JSON.stringify(ingest.exited())}:\n${ingest.output().slice(-3000)}`).toBe(
    true,
  );
  await pgProxy.restore();

  // The poller finds a job completed after the outage, without a restart.
  const [played] = sim.play(1);
  await waitFor(runs, (n) => n >= 1, { timeoutMs: 20_000, what: 'the poller to queue the new job' });
  const run = await database.db.pipelineRun.findFirstOrThrow();
  expect(Number(run.stJobId)).toBe(played);
  expect(run.trigger).toBe('poll');
  expect((await deliver('job.updated')).status).toBe(202);
  expect(ingest.output()).toMatch(/poll/i);
});

it('keeps running through a Redis outage, answers webhooks 503 meanwhile, and recovers', async () => {
  await redisProxy.cut();
  await sleep(2_500);
  const [held] = sim.play(1);
  const during = await deliver('job.completed', { jobId: held, completedOn: new Date().toISOString() });
  expect(alive(), `ingest exited ${JSON.stringify(ingest.exited())}:\n${ingest.output().slice(-3000)}`).toBe(
    true,
  );
  expect(during.status, during.text).toBe(503);
  await sleep(1_000);
  expect(alive(), `ingest exited ${JSON.stringify(ingest.exited())}:\n${ingest.output().slice(-3000)}`).toBe(
    true,
  );
  await redisProxy.restore();
  // The poller (or the webhook's retry) queues it once Redis is back.
  await waitFor(
    async () => {
      const retry = await deliver('job.completed', { jobId: held, completedOn: new Date().toISOString() });
      return retry.status;
    },
    (status) => status === 202,
    { timeoutMs: 20_000, intervalMs: 500, what: 'webhooks to be accepted again' },
  );
  expect(await runs()).toBe(2);
  expect(alive()).toBe(true);
});
