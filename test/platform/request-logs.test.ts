// Request logs of the console and ingest, captured from a real app: one info line per request
// (method, route, status, duration, user id when signed in), 4xx at warn so refused sign-ins and
// CSRF failures reach the log, and no secret in any line (passwords, CSRF tokens, session
// cookies, authorization headers, webhook bodies). Every line has exactly one "app".
import { createHmac, randomBytes } from 'node:crypto';
import { type ConsoleApp, startConsoleApp } from '@invoicer/console';
import { upsertTenant } from '@invoicer/db';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { type IngestApp, IngestEnv, startIngestApp } from '@invoicer/ingest';
import { createLogger, loadConfig } from '@invoicer/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleEnv, createRoleUsers, PASSWORD, TestClient } from '../console/support.ts';

type Line = Record<string, unknown>;
class Capture {
  raw: string[] = [];
  write(chunk: string) {
    for (const line of chunk.split('\n')) if (line.trim()) this.raw.push(line);
  }
  lines(): Line[] {
    return this.raw.map((l) => JSON.parse(l) as Line);
  }
  requests(): Line[] {
    return this.lines().filter((l) => l.msg === 'request');
  }
  text(): string {
    return this.raw.join('\n');
  }
}

const WARN = 40;
const INFO = 30;
const SECRET = 'request-log-webhook-secret-0123456789';
const BODY_MARKER = 'customer-secret-note-7f3a';

let t: TestDatabase;
let consoleApp: ConsoleApp;
let ingest: IngestApp;
const consoleLog = new Capture();
const ingestLog = new Capture();
let emails: Awaited<ReturnType<typeof createRoleUsers>>;

beforeAll(async () => {
  t = await createTestDatabase();
  const base = { DATABASE_URL: t.url, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: testQueuePrefix('reqlog') };
  consoleApp = await startConsoleApp(
    consoleEnv(base, { LOG_LEVEL: 'info' }),
    createLogger({ name: 'console', level: 'info', destination: consoleLog }),
  );
  emails = await createRoleUsers(t.db);
  await upsertTenant(t.db, {
    id: 'acme',
    stTenantId: 4242,
    name: 'Acme',
    apiBaseUrl: 'http://127.0.0.1:9',
    authUrl: 'http://127.0.0.1:9/connect/token',
  });
  ingest = await startIngestApp(
    loadConfig(IngestEnv, {
      ...base,
      CREDENTIALS_KEY: randomBytes(32).toString('base64'),
      INGEST_PORT: '0',
      WEBHOOK_SECRET: SECRET,
      POLL_INTERVAL_MS: '0',
      WEBHOOK_PRUNE_INTERVAL_MS: '0',
    }),
    createLogger({ name: 'ingest', level: 'info', destination: ingestLog }),
  );
});
afterAll(async () => {
  await consoleApp?.close();
  await ingest?.close();
  await t?.drop();
});

describe('console request logs', () => {
  it('logs each request at info with route, status, duration and user; failures at warn; no secrets', async () => {
    const stranger = new TestClient(consoleApp.app);
    const form = await stranger.get('/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    expect(csrf).not.toBe('');
    const wrongPassword = 'wrong-password-do-not-log-91';
    const refused = await stranger.post(
      '/login',
      { email: emails.billing_specialist, password: wrongPassword, _csrf: csrf },
      { csrf: false },
    );
    expect(refused.statusCode).toBe(401);

    const clerk = new TestClient(consoleApp.app);
    await clerk.signIn(emails.billing_specialist);
    const userId = (await t.db.user.findFirstOrThrow({ where: { email: emails.billing_specialist } })).id;
    // A form post with a wrong CSRF token, and a page that does not exist.
    const forged = await clerk.post('/logout', { _csrf: 'forged-csrf-token-123456' });
    expect(forged.statusCode).toBeGreaterThanOrEqual(400);
    const missing = await clerk.get('/no-such-page?token=query-secret-55');
    expect(missing.statusCode).toBe(404);
    const metrics = await consoleApp.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer bearer-secret-do-not-log-77' },
    });
    expect(metrics.statusCode).toBe(200);

    const requests = consoleLog.requests();
    const find = (method: string, route: string, status: number) =>
      requests.find((l) => l.method === method && l.route === route && l.status === status);

    const loginPage = find('GET', '/login', 200);
    expect(loginPage).toMatchObject({ level: INFO, app: 'console' });
    expect(typeof loginPage!.ms).toBe('number');
    expect(find('POST', '/login', 401), 'a refused sign-in reaches the log').toMatchObject({ level: WARN });
    expect(find('POST', '/login', 303), 'a sign-in is logged').toMatchObject({ level: INFO });
    expect(find('GET', '/queue', 200), 'signed-in requests name the user').toMatchObject({
      level: INFO,
      user: userId,
    });
    expect(find('POST', '/logout', forged.statusCode), 'a CSRF failure reaches the log').toMatchObject({
      level: WARN,
      user: userId,
    });
    expect(find('GET', '/no-such-page', 404), 'a 404 names the path, not the query').toMatchObject({
      level: WARN,
    });

    const text = consoleLog.text();
    for (const secret of [
      PASSWORD,
      wrongPassword,
      csrf,
      clerk.csrf,
      'forged-csrf-token',
      'query-secret-55',
      'bearer-secret-do-not-log-77',
      ...Object.values(clerk.cookies).filter((v) => v.length >= 8),
    ])
      expect(text, 'no secret in the console log').not.toContain(secret);
    expect(text).not.toMatch(/"(cookie|authorization|headers|body)"/i);
  });
});

describe('ingest request logs', () => {
  it('logs webhook deliveries (accepted and refused) without their body or signature', async () => {
    const hook = `${ingest.url}/webhooks/servicetitan`;
    const body = JSON.stringify({
      eventId: 'reqlog-1',
      eventType: 'job.updated',
      tenantId: 4242,
      data: { note: BODY_MARKER },
    });
    const signature = createHmac('sha256', SECRET).update(body).digest('hex');
    const ok = await fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-servicetitan-signature': signature },
      body,
    });
    expect(ok.status).toBe(202);
    const bad = await fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-servicetitan-signature': 'f'.repeat(64) },
      body,
    });
    expect(bad.status).toBe(401);
    expect((await fetch(`${ingest.url}/nope`)).status).toBe(404);

    const requests = ingestLog.requests();
    expect(
      requests.find((l) => l.method === 'POST' && l.route === '/webhooks/servicetitan' && l.status === 202),
    ).toMatchObject({ level: INFO, app: 'ingest' });
    expect(
      requests.find((l) => l.route === '/webhooks/servicetitan' && l.status === 401),
      'a refused delivery reaches the log',
    ).toMatchObject({ level: WARN });
    expect(requests.find((l) => l.route === '/nope' && l.status === 404)).toMatchObject({ level: WARN });
    const text = ingestLog.text();
    for (const secret of [BODY_MARKER, signature, SECRET]) expect(text).not.toContain(secret);
  });
});

describe('log lines', () => {
  it('carry "app" exactly once, in the apps and in a child logger naming another app', () => {
    const capture = new Capture();
    const root = createLogger({ name: 'demo', level: 'info', destination: capture });
    root.info('from the demo');
    const ingestChild = root.child({ app: 'ingest' });
    ingestChild.info('from ingest');
    ingestChild.child({ tenant: 'acme' }).info('with a tenant');
    root.child({ tenant: 'acme' }).child({ app: 'workers', stage: 'post' }).warn('nested');
    const lines = [...capture.raw, ...consoleLog.raw, ...ingestLog.raw];
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line.match(/"app":/g), line).toHaveLength(1);
    expect(capture.lines().map((l) => [l.app, l.tenant, l.stage])).toEqual([
      ['demo', undefined, undefined],
      ['ingest', undefined, undefined],
      ['ingest', 'acme', undefined],
      ['workers', 'acme', 'post'],
    ]);
    // The level of the parent carries over.
    const quiet = createLogger({ name: 'q', level: 'warn', destination: capture });
    quiet.child({ app: 'x' }).info('dropped');
    expect(capture.raw).toHaveLength(4);
  });
});
