// The webhook receiver under abuse, against a real ingest app, Postgres and Redis: unsigned
// floods are not stored (a small record without the body, then only a counter), bodies are
// size-limited, a NUL byte is a clear 400, no error body leaks a stack or a file path,
// uppercase hex signatures are accepted, /metrics is not on the public port, and old deliveries
// are pruned on a configurable period.
import { createHmac, randomBytes } from 'node:crypto';
import { upsertTenant } from '@invoicer/db';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { type IngestApp, IngestEnv, startIngestApp } from '@invoicer/ingest';
import { createLogger, loadConfig } from '@invoicer/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.ts';

const SECRET = 'abuse-test-webhook-secret-0123456789';
const ST_TENANT = 4242;
let database: TestDatabase;
let app: IngestApp;
let hook: string;

const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('hex');

function post(body: string | Buffer, headers: Record<string, string> = {}) {
  return fetch(hook, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  }).then(
    async (r) => ({ status: r.status, text: await r.text(), headers: r.headers }),
    // The server may answer 413/429 and close before the whole body was sent.
    (error: Error) => ({ status: 0, text: error.message, headers: new Headers() }),
  );
}

/** Bytes on disk of webhook_events, TOAST and indexes included. */
async function tableBytes(): Promise<number> {
  const [row] = await database.db.$queryRaw<{ n: bigint }[]>`
    SELECT pg_total_relation_size('webhook_events') AS n`;
  return Number(row!.n);
}

function expectNoLeak(text: string) {
  expect(text).not.toMatch(/\/(work|home|usr|node_modules|src)\//);
  expect(text).not.toMatch(/\.(ts|js|mjs|prisma):\d*/);
  expect(text).not.toMatch(/\bat [\w.<>]+ \(/); // stack frames
  expect(text).not.toMatch(/prisma/i);
}

beforeAll(async () => {
  database = await createTestDatabase();
  await upsertTenant(database.db, {
    id: 'acme',
    stTenantId: ST_TENANT,
    name: 'Acme',
    apiBaseUrl: 'http://127.0.0.1:9',
    authUrl: 'http://127.0.0.1:9/connect/token',
  });
  const env = loadConfig(IngestEnv, {
    DATABASE_URL: database.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: testQueuePrefix('abuse'),
    CREDENTIALS_KEY: randomBytes(32).toString('base64'),
    INGEST_PORT: '0',
    WEBHOOK_SECRET: SECRET,
    POLL_INTERVAL_MS: '0',
    WEBHOOK_UNSIGNED_PER_MINUTE: '20',
    WEBHOOK_PRUNE_INTERVAL_MS: '300',
    WEBHOOK_RETENTION_DAYS: '30',
    WEBHOOK_REJECTED_RETENTION_DAYS: '7',
  });
  app = await startIngestApp(
    env,
    createLogger({ name: 'ingest', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  );
  hook = `${app.url}/webhooks/servicetitan`;
});
afterAll(async () => {
  await app?.close();
  await database?.drop();
});

describe('signatures', () => {
  it('accepts an uppercase hex signature (and a sha256= prefix)', async () => {
    const body = JSON.stringify({
      eventId: 'upper-1',
      eventType: 'job.updated',
      tenantId: ST_TENANT,
      data: {},
    });
    const upper = await post(body, { 'x-servicetitan-signature': sign(body).toUpperCase() });
    expect(upper.status, upper.text).toBe(202);
    const body2 = JSON.stringify({
      eventId: 'upper-2',
      eventType: 'job.updated',
      tenantId: ST_TENANT,
      data: {},
    });
    const prefixed = await post(body2, { 'x-servicetitan-signature': `SHA256=${sign(body2).toUpperCase()}` });
    expect(prefixed.status, prefixed.text).toBe(202);
    // Still refused: a wrong signature of the same length, in either case.
    const wrong = sign(`${body}x`);
    expect((await post(body, { 'x-servicetitan-signature': wrong.toUpperCase() })).status).toBe(401);
  });
});

describe('bad bodies', () => {
  it('answers a NUL byte with a clear 400, stores no body and leaks nothing', async () => {
    const body = '{"eventType":"job.completed","tenantId":1,"data":{"jobId":1},"x":"a\u0000b"}';
    const unsigned = await post(body);
    expect(unsigned.status, unsigned.text).toBe(400);
    expect(JSON.parse(unsigned.text).error).toMatch(/NUL/);
    expectNoLeak(unsigned.text);
    // Signed, and with the NUL escaped inside the JSON: refused the same way.
    const escaped = JSON.stringify({
      eventId: 'nul-escaped',
      eventType: 'job.completed',
      tenantId: ST_TENANT,
      data: { note: 'a\u0000b' },
    });
    const signed = await post(escaped, { 'x-servicetitan-signature': sign(escaped) });
    expect(signed.status, signed.text).toBe(400);
    expect(JSON.parse(signed.text).error).toMatch(/NUL/);
    expectNoLeak(signed.text);
  });

  it('refuses a body over the webhook limit with 413 and a plain message', async () => {
    const big = JSON.stringify({ eventType: 'job.completed', pad: 'x'.repeat(400_000) });
    const result = await post(big, { 'x-servicetitan-signature': sign(big) });
    expect(result.status).toBe(413);
    expectNoLeak(result.text);
    expect(JSON.parse(result.text).error).toMatch(/too large/i);
  });

  it('answers other content types and malformed requests without internals', async () => {
    const text = await fetch(hook, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(text.status).toBe(415);
    const form = await fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<a/>',
    });
    expect(form.status).toBe(415);
    expectNoLeak(await text.text());
    const missing = await fetch(`${app.url}/nowhere`);
    expect(missing.status).toBe(404);
    expectNoLeak(await missing.text());
  });
});

describe('metrics', () => {
  it('are not served on the public webhook port, only on the loopback metrics port', async () => {
    expect((await fetch(`${app.url}/metrics`)).status).toBe(404);
    expect(app.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(app.metricsUrl).not.toBe(app.url);
    const metrics = await fetch(`${app.metricsUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('invoicer_webhooks_total');
  });
});

describe('an unsigned flood', () => {
  it('200 unsigned 1 MB posts do not grow webhook_events by megabytes, and are rate limited', async () => {
    await database.db.webhookEvent.deleteMany({});
    const before = await tableBytes();
    const big = randomBytes(750_000).toString('base64'); // 1,000,000 characters, incompressible
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++)
      statuses.push((await post(big, { 'x-servicetitan-signature': 'deadbeef' })).status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(0);
    const afterBig = (await tableBytes()) - before;
    expect(afterBig, `webhook_events grew ${afterBig} bytes`).toBeLessThan(512 * 1024);
    // Under the body limit: a small record per refusal up to the per-source limit, then 429.
    const smaller = randomBytes(75_000).toString('base64'); // 100,000 characters
    for (let i = 0; i < 200; i++) statuses.push((await post(smaller)).status);
    const growth = (await tableBytes()) - before;
    expect(growth, `webhook_events grew ${growth} bytes`).toBeLessThan(512 * 1024);
    expect(statuses).toContain(429);
    const rows = await database.db.webhookEvent.findMany({ where: { status: 'rejected' } });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(20);
    for (const row of rows) {
      expect(row.body ?? '').toBe('');
      expect(row.bodyBytes).toBeGreaterThan(0);
      expect(row.bodySha256).toMatch(/^[0-9a-f]{64}$/);
      expect(row.sourceIp).toBeTruthy();
    }
    // A limited source is told when to come back.
    const limited = await post('{}');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('never limits correctly signed deliveries from the same source', async () => {
    const body = JSON.stringify({
      eventId: 'after-flood',
      eventType: 'job.updated',
      tenantId: ST_TENANT,
      data: {},
    });
    const result = await post(body, { 'x-servicetitan-signature': sign(body) });
    expect(result.status, result.text).toBe(202);
  });
});

describe('retention', () => {
  it('prunes deliveries older than the configured retention on the configured period', async () => {
    const days = (n: number) => new Date(Date.now() - n * 86_400_000);
    const base = { headers: {}, body: '' };
    await database.db.webhookEvent.createMany({
      data: [
        { ...base, status: 'accepted', eventKey: 'old-accepted', receivedAt: days(31) },
        { ...base, status: 'accepted', eventKey: 'recent-accepted', receivedAt: days(10) },
        { ...base, status: 'rejected', receivedAt: days(8) },
        { ...base, status: 'rejected', error: 'recent', receivedAt: days(1) },
      ],
    });
    await waitFor(
      () =>
        database.db.webhookEvent.count({
          where: {
            OR: [{ receivedAt: { lt: days(29) } }, { status: 'rejected', receivedAt: { lt: days(7.5) } }],
          },
        }),
      (n) => n === 0,
      { timeoutMs: 10_000, what: 'old deliveries to be pruned' },
    );
    expect(await database.db.webhookEvent.count({ where: { eventKey: 'recent-accepted' } })).toBe(1);
    expect(await database.db.webhookEvent.count({ where: { error: 'recent' } })).toBe(1);
  });
});
