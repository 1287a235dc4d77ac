// Auth, roles, CSRF, rate limiting, escaping and validation, against a real console on a test
// database and Redis prefix. The role matrix test walks every row for every role;
// tenant-scope.test.ts walks every row again as tenant-scoped users against another tenant.
import { createHash, randomUUID } from 'node:crypto';
import { type ConsoleApp, ROLES, ROUTE_MATRIX, type Role, type RouteRule } from '@invoicer/console';
import { saveInvoiceDocument } from '@invoicer/db';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoleUsers, PASSWORD, seedInvoiceItem, startTestConsole, TestClient } from './support.ts';

let t: TestDatabase;
let app: ConsoleApp;
let emails: Record<Role, string>;
let itemId: string;
let runId: string;
let matrixItemId: string;
let userId: string;
const base = () => ({
  DATABASE_URL: t.url,
  REDIS_URL: testRedisUrl(),
  QUEUE_PREFIX: testQueuePrefix('console'),
});

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startTestConsole(base(), { LOGIN_RATE_LIMIT: '100' });
  emails = await createRoleUsers(t.db);
  ({ itemId, runId } = await seedInvoiceItem(t.db, {
    stJobId: 1001,
    notes: ['Customer said <script>alert("pwned")</script> then repl 45/5 cap & checked'],
    customerName: '<img src=x onerror=alert(1)> Pat',
  }));
  // The matrix walk posts empty forms to every route; some (escalate, claim) act on it.
  const matrix = await seedInvoiceItem(t.db, { stJobId: 1002 });
  matrixItemId = matrix.itemId;
  // A stored invoice PDF, so the matrix walk finds one at GET /items/:id/pdf.
  await saveInvoiceDocument(t.db, {
    tenantId: 'acme',
    runId: matrix.runId,
    invoiceId: 6002,
    jobId: 1002,
    revision: 1,
    fileName: 'Invoice-INV-1002-r1.pdf',
    sha256: 'ab'.repeat(32),
    bytes: Buffer.from('%PDF-1.4\n'),
    pageCount: 1,
    renderMs: 1,
  });
  userId = (await t.db.user.findFirstOrThrow({ where: { role: 'billing_specialist' } })).id;
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

async function as(role: Role): Promise<TestClient> {
  const client = new TestClient(app.app);
  await client.signIn(emails[role]);
  return client;
}

function concrete(rule: RouteRule): string {
  const url = rule.url
    .replace('/items/:id', `/items/${matrixItemId}`)
    .replace('/users/:id', `/users/${userId}`)
    .replace('/static/*', '/static/console.css');
  if (url === '/skus') return '/skus?tenant=acme&q=cap';
  if (url === '/audit') return `/audit?item=${matrixItemId}`;
  return url;
}

describe('role matrix', () => {
  const rows = ROUTE_MATRIX.filter((r) => r.access !== 'public' && r.url !== '/logout');

  it('lists only routes the server has, and the server has no route outside it', async () => {
    // Boot refuses unlisted routes (onRoute hook), so here: every listed route exists.
    for (const rule of ROUTE_MATRIX) {
      if (rule.prefix) continue;
      const method = rule.method === 'ANY' ? 'GET' : rule.method;
      expect(app.app.hasRoute({ method, url: rule.url }), `${method} ${rule.url}`).toBe(true);
    }
  });

  for (const role of ROLES) {
    it(`${role}: allowed rows answer, the others are 403`, async () => {
      const client = await as(role);
      const outcomes: string[] = [];
      for (const rule of rows) {
        const url = concrete(rule);
        const res = rule.method === 'POST' ? await client.post(url, {}) : await client.get(url);
        const allowed = (rule.access as readonly Role[]).includes(role);
        const denied =
          res.statusCode === 403 ||
          res.statusCode === 401 ||
          /\/login/.test(String(res.headers.location ?? ''));
        outcomes.push(`${rule.method} ${url} → ${res.statusCode}`);
        if (allowed) {
          expect(denied, `${role} should reach ${rule.method} ${url}, got ${res.statusCode}`).toBe(false);
          // GETs succeed; POSTs with an empty body act or are refused by validation, never by
          // role (502: allowed, but the seeded tenant has no ServiceTitan to write to).
          if (rule.method === 'GET') expect(res.statusCode, `${rule.method} ${url}`).toBeLessThan(400);
          else expect([200, 303, 400, 409, 502], `${rule.method} ${url}`).toContain(res.statusCode);
        } else {
          expect(res.statusCode, `${role} must not reach ${rule.method} ${url}`).toBe(403);
        }
      }
      expect(outcomes.length).toBe(rows.length);
      const out = await client.post('/logout');
      expect(out.statusCode).toBe(303);
      expect((await client.get('/queue')).headers.location).toMatch(/^\/login/);
    });
  }

  it('sends the signed-out to sign in (pages) or 401 (API and posts)', async () => {
    const anon = new TestClient(app.app);
    for (const rule of rows) {
      const url = concrete(rule);
      if (rule.method !== 'POST') {
        const res = await anon.get(url);
        expect(res.statusCode, url).toBe(302);
        expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
      } else {
        expect((await anon.post(url, {}, { csrf: false })).statusCode, url).toBe(401);
      }
    }
    expect((await anon.get('/queue', { accept: 'application/json' })).statusCode).toBe(401);
  });
});

describe('sessions and CSRF', () => {
  it('stores only the hash of the session token; cookies are HttpOnly and SameSite', async () => {
    const client = new TestClient(app.app);
    const res = await client.signIn(emails.billing_specialist);
    const cookie = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('invoicer_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const token = client.cookies.invoicer_session!;
    const hash = createHash('sha256').update(token).digest('hex');
    expect(await t.db.session.findUnique({ where: { id: hash } })).not.toBeNull();
    expect(await t.db.session.findUnique({ where: { id: token } })).toBeNull();
  });

  it('refuses a decision without the CSRF token, with a wrong one, or from another origin', async () => {
    const client = await as('billing_specialist');
    const before = await t.db.reviewItem.findUniqueOrThrow({ where: { id: itemId } });
    const missing = await client.post(`/items/${itemId}/reject`, { reason: 'not billable' }, { csrf: false });
    expect(missing.statusCode).toBe(403);
    expect(missing.body).toContain('could not be verified');
    const wrong = await client.post(`/items/${itemId}/reject`, { reason: 'not billable', _csrf: 'abc.def' });
    expect(wrong.statusCode).toBe(403);
    const foreign = await client.post(
      `/items/${itemId}/reject`,
      { reason: 'not billable' },
      { headers: { origin: 'https://evil.example' } },
    );
    expect(foreign.statusCode).toBe(403);
    const after = await t.db.reviewItem.findUniqueOrThrow({ where: { id: itemId } });
    expect(after.status).toBe(before.status);
    expect(after.status).toBe('open');
  });

  it('refuses a sign-in form posted without its double-submit token', async () => {
    const client = new TestClient(app.app);
    const res = await client.post('/login', { email: emails.admin, password: PASSWORD }, { csrf: false });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('expired');
    expect(client.cookies.invoicer_session).toBeUndefined();
  });

  it('sets security headers', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/login' });
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});

describe('login rate limit', () => {
  it('refuses sign-in after too many attempts from one address, even with the right password', async () => {
    const limited = await startTestConsole(
      { ...base(), QUEUE_PREFIX: testQueuePrefix('limit') },
      { LOGIN_RATE_LIMIT: '3' },
    );
    try {
      const client = new TestClient(limited.app);
      const attempt = async (password: string) => {
        const form = await client.get('/login');
        const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
        return client.post('/login', { email: emails.admin, password, _csrf: token }, { csrf: false });
      };
      for (let i = 0; i < 3; i++) expect((await attempt('wrong password!!')).statusCode).toBe(401);
      const blocked = await attempt(PASSWORD);
      expect(blocked.statusCode).toBe(429);
      expect(blocked.body).toContain('Too many sign-in attempts');
      expect(client.cookies.invoicer_session).toBeUndefined();
    } finally {
      await limited.close();
    }
  });
});

describe('output escaping', () => {
  it('renders <script> in note text and markup in names as text', async () => {
    const client = await as('billing_manager');
    const page = await client.get(`/items/${itemId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(page.body).toContain('&lt;img src=x onerror=alert(1)&gt; Pat');
    // The highlighted span is still marked (escaping happens per piece, inside the <mark>).
    expect(page.body).toMatch(/<mark [^>]*>Cust<\/mark>/);
    const queue = await client.get('/queue');
    expect(queue.body).not.toContain('<img src=x');
    expect(queue.body).toContain('&lt;img src=x onerror=alert(1)&gt; Pat');
  });
});

describe('validation', () => {
  it('names each bad filter field (HTML and JSON)', async () => {
    const client = await as('billing_specialist');
    const page = await client.get('/queue?min=abc&sort=sideways');
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('must be a dollar amount like 125.00');
    const json = await client.get('/queue?min=abc&max=1&kind=car', { accept: 'application/json' });
    expect(json.statusCode).toBe(400);
    const body = json.json() as { error: string; issues: { field: string; message: string }[] };
    expect(body.error).toBe('invalid_input');
    expect(body.issues.map((i) => i.field).sort()).toEqual(['kind', 'min']);
  });

  it('refuses an empty rejection reason and a malformed edit, changing nothing', async () => {
    const client = await as('billing_specialist');
    const res = await client.post(`/items/${itemId}/reject`, { reason: ' ' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('say why');
    const edit = await client.postJson(`/items/${itemId}/edit`, {
      revision: 1,
      op: 'quantity',
      key: 'item:71001',
      quantity: '-2',
    });
    expect(edit.statusCode).toBe(400);
    expect(JSON.stringify(edit.json())).toContain('must be a positive number');
    const bad = await client.get('/items/not-an-id');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('is not a review item id');
    expect((await t.db.reviewItem.findUniqueOrThrow({ where: { id: itemId } })).status).toBe('open');
    expect(await t.db.draft.count({ where: { runId } })).toBe(1);
  });
});

describe('robust rendering', () => {
  it('shows an item whose run failed before drafting, with the error and no approve', async () => {
    const run = await t.db.pipelineRun.create({
      data: { tenantId: 'acme', stJobId: 2001, trigger: 'webhook', status: 'failed', stage: 'extract' },
    });
    const item = await t.db.reviewItem.create({
      data: {
        tenantId: 'acme',
        kind: 'invoice',
        subjectKey: `invoice:${run.id}`,
        runId: run.id,
        status: 'open',
        reasons: ['stage_failed'],
        amount: '0.00',
        summary: 'invoice.extract failed',
        details: { queue: 'invoice.extract', error: 'job 2001 has no invoice <b>oops</b>' },
        slaDueAt: new Date(Date.now() + 86_400_000),
      },
    });
    const page = await (await as('billing_specialist')).get(`/items/${item.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Pipeline stage failed');
    expect(page.body).toContain('job 2001 has no invoice &lt;b&gt;oops&lt;/b&gt;');
    expect(page.body).toMatch(/data-shortcut="approve" disabled/);
    expect(page.body).toContain('the pipeline stopped before drafting');
  });

  it('shows payment candidates of any reasonable shape', async () => {
    const item = await t.db.reviewItem.create({
      data: {
        tenantId: 'acme',
        kind: 'payment',
        subjectKey: 'bank:odd-1',
        status: 'open',
        reasons: ['no_match'],
        amount: '10.00',
        summary: 'odd',
        details: {
          candidates: [{ invoiceId: 9, evidence: ['plain string', { rule: 'x' }], extra: { a: 1 } }, null],
        },
        slaDueAt: new Date(Date.now() + 86_400_000),
      },
    });
    const page = await (await as('billing_specialist')).get(`/items/${item.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Invoice 9');
    expect(page.body).toContain('plain string');
    expect(page.body).toContain('Candidate 2');
  });
});

describe('JSON API', () => {
  it('serves the queue and an item as JSON', async () => {
    const client = await as('engineer');
    await t.db.reviewItem.update({ where: { id: itemId }, data: { claimedBy: null, claimExpiresAt: null } });
    const queue = await client.get('/queue?sort=amount_desc', { accept: 'application/json' });
    expect(queue.statusCode).toBe(200);
    const body = queue.json() as { items: { id: string; amount: string }[]; counts: { total: number } };
    expect(body.items.map((i) => i.id)).toContain(itemId);
    expect(body.counts.total).toBe(body.items.length);
    const one = await client.get(`/items/${itemId}`, { accept: 'application/json' });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({
      item: { id: itemId, amount: '154.06', stJobId: '1001' },
      draft: { revision: 1 },
    });
    // Engineers read; they never claim.
    expect((await t.db.reviewItem.findUniqueOrThrow({ where: { id: itemId } })).claimedBy).toBeNull();
  });
});

describe('user administration', () => {
  it('creates a user who can sign in, and deactivating them ends their session', async () => {
    const adminClient = await as('admin');
    const weak = await adminClient.post('/users', {
      email: 'new@example.test',
      name: 'New',
      role: 'billing_specialist',
      password: 'short',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('at least 12 characters');
    const created = await adminClient.post('/users', {
      email: 'New@Example.test',
      name: 'New Person',
      role: 'billing_specialist',
      password: PASSWORD,
    });
    expect(created.statusCode).toBe(303);
    const user = await t.db.user.findUniqueOrThrow({ where: { email: 'new@example.test' } });
    const newbie = new TestClient(app.app);
    await newbie.signIn('new@example.test');
    expect((await newbie.get('/queue')).statusCode).toBe(200);
    expect((await adminClient.post(`/users/${user.id}`, { role: 'billing_specialist' })).statusCode).toBe(
      303,
    );
    expect((await newbie.get('/queue')).headers.location).toMatch(/^\/login/);
    const admin = await t.db.user.findUniqueOrThrow({ where: { email: emails.admin } });
    const self = await adminClient.post(`/users/${admin.id}`, { role: 'engineer', active: 'true' });
    expect(self.statusCode).toBe(409);
    const audit = await t.db.auditEvent.findMany({
      where: { tenantId: '_console', action: { in: ['user.created', 'user.changed'] }, actorType: 'user' },
    });
    expect(audit.map((a) => a.action)).toEqual(['user.created', 'user.changed']);
    expect(audit[1]!.data).toMatchObject({
      before: { active: true },
      after: { active: false },
      sessionsEnded: 1,
    });
  });
});

describe('metrics and Bull Board', () => {
  it('serves /metrics on loopback when no token is set, with queue and backlog gauges', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('invoicer_queue_jobs{queue="invoice.post",state="waiting"} 0');
    expect(res.body).toMatch(/invoicer_review_open_items\{reason="suggest_mode",age="lt_1h"\} \d+/);
    expect(res.body).toContain('invoicer_console_logins_total');
    const proxied = await app.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(proxied.statusCode).toBe(403);
  });

  it('requires the bearer token when METRICS_TOKEN is set', async () => {
    const guarded = await startTestConsole(base(), { METRICS_TOKEN: 'a-long-metrics-token-123' });
    try {
      expect((await guarded.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
      const ok = await guarded.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: 'Bearer a-long-metrics-token-123' },
      });
      expect(ok.statusCode).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('opens Bull Board to engineers and refuses its API writes without a same-origin header', async () => {
    const engineer = await as('engineer');
    const board = await engineer.get('/admin/queues');
    expect(board.statusCode).toBe(200);
    expect(board.body).toContain('<div id="root">');
    const queues = await engineer.get('/admin/queues/api/queues', { accept: 'application/json' });
    expect(queues.statusCode).toBe(200);
    expect(JSON.stringify(queues.json())).toContain('invoice.post');
    const write = await engineer.app.inject({
      method: 'PUT',
      url: '/admin/queues/api/queues/invoice.post/pause',
      headers: { cookie: `invoicer_session=${engineer.cookies.invoicer_session}` },
    });
    expect(write.statusCode).toBe(403);
    expect((await (await as('billing_specialist')).get('/admin/queues')).statusCode).toBe(403);
  });

  it('lets no one add or retry a posting job from Bull Board', async () => {
    const engineer = await as('engineer');
    const origin = {
      host: 'console.test',
      origin: 'http://console.test',
      cookie: `invoicer_session=${engineer.cookies.invoicer_session}`,
    };
    const add = await engineer.app.inject({
      method: 'POST',
      url: '/admin/queues/api/queues/invoice.post/add',
      headers: { ...origin, 'content-type': 'application/json' },
      payload: { name: 'invoice.post', data: { tenantId: 'acme', runId: randomUUID(), revision: 1 } },
    });
    expect(add.statusCode).toBe(405);
    expect(await app.services.queues.get('invoice.post').count()).toBe(0);
    const retry = await engineer.app.inject({
      method: 'PUT',
      url: '/admin/queues/api/queues/invoice.post/retry/failed',
      headers: origin,
    });
    expect(retry.statusCode).toBe(405);
    // Other queues stay operable: retrying a pipeline stage is an engineer's tool.
    const retryExtract = await engineer.app.inject({
      method: 'PUT',
      url: '/admin/queues/api/queues/invoice.extract/retry/failed',
      headers: origin,
    });
    expect(retryExtract.statusCode).toBe(200);
  });
});
