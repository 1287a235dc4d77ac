// Tenant scoping for console users. A user may be given a list of tenants; then every page,
// list, count, search and action is limited to them. Admins always see every tenant, and a
// user without a list sees every tenant (as before scoping existed).
//
// The walk below takes every row of the role matrix and, for users scoped to `acme`, aims it at
// the other tenant (`beta`): each row is refused (403 by role or for a page that spans every
// tenant, 404 for another tenant's item, run or tenant id, exactly as for one that does not
// exist) or filtered (only acme's rows, counted), and nothing of beta's changes. A route added
// to the matrix without a case here fails the walk.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type ConsoleApp, ensureUser, ROUTE_MATRIX, type Role, type RouteRule } from '@invoicer/console';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, seedInvoiceItem, startTestConsole, TestClient } from './support.ts';

const OWN = 'acme';
const OTHER = 'beta';
const THIRD = 'gamma';
const OTHER_NAME = 'Beta Plumbing';
const OTHER_CUSTOMER = 'Beatrix Otherco';
const ROOT = path.resolve(import.meta.dirname, '../..');

let t: TestDatabase;
let app: ConsoleApp;
const base = () => ({
  DATABASE_URL: t.url,
  REDIS_URL: testRedisUrl(),
  QUEUE_PREFIX: testQueuePrefix('scope'),
});

/** Seeded rows: acme's items, beta's invoice (with its run) and payment item, gamma's item. */
const ids = {
  own: [] as string[],
  otherItem: '',
  otherRun: '',
  otherPayment: '',
  third: '',
};

const SCOPED: Record<'billing_specialist' | 'billing_manager' | 'engineer', string> = {
  billing_specialist: 'scoped.specialist@example.test',
  billing_manager: 'scoped.manager@example.test',
  engineer: 'scoped.engineer@example.test',
};
const ADMIN_WITH_LIST = 'scoped.admin@example.test';
const UNSCOPED = 'unscoped.specialist@example.test';
const TWO_TENANTS = 'two.tenants@example.test';

const OFX = `<?xml version="1.0" encoding="UTF-8"?>
<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
<STMTRS><CURDEF>USD</CURDEF><BANKACCTFROM><BANKID>121000248</BANKID><ACCTID>555001</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE></BANKACCTFROM>
<BANKTRANLIST><DTSTART>20260101</DTSTART><DTEND>20260131</DTEND>
<STMTTRN><TRNTYPE>CREDIT</TRNTYPE><DTPOSTED>20260105</DTPOSTED><TRNAMT>154.06</TRNAMT><FITID>BETA-1</FITID><NAME>PAT CUSTOMER</NAME><MEMO>INV-4001</MEMO></STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>154.06</BALAMT><DTASOF>20260131</DTASOF></LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
`;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startTestConsole(base(), { LOGIN_RATE_LIMIT: '1000' });
  for (const stJobId of [3001, 3002])
    ids.own.push((await seedInvoiceItem(t.db, { tenantId: OWN, stJobId })).itemId);
  const other = await seedInvoiceItem(t.db, {
    tenantId: OTHER,
    tenantName: OTHER_NAME,
    stTenantId: 5353,
    stJobId: 4001,
    customerName: OTHER_CUSTOMER,
  });
  ids.otherItem = other.itemId;
  ids.otherRun = other.runId;
  ids.otherPayment = (
    await t.db.reviewItem.create({
      data: {
        tenantId: OTHER,
        kind: 'payment',
        subjectKey: 'payment:beta-1',
        status: 'open',
        reasons: ['no_match'],
        amount: '154.06',
        customerName: OTHER_CUSTOMER,
        summary: 'beta payment',
        details: { payment: { reference: 'CHK 9' }, candidates: [{ invoiceId: 9, amount: '154.06' }] },
        slaDueAt: new Date(Date.now() + 86_400_000),
      },
    })
  ).id;
  ids.third = (
    await seedInvoiceItem(t.db, {
      tenantId: THIRD,
      tenantName: 'Gamma Electric',
      stTenantId: 6464,
      stJobId: 5001,
    })
  ).itemId;
  for (const [role, email] of Object.entries(SCOPED))
    await ensureUser(t.db, { email, name: `Scoped ${role}`, role, password: PASSWORD, tenants: [OWN] });
  await ensureUser(t.db, {
    email: ADMIN_WITH_LIST,
    name: 'Admin with a list',
    role: 'admin',
    password: PASSWORD,
    tenants: [OWN],
  });
  await ensureUser(t.db, {
    email: UNSCOPED,
    name: 'Unscoped',
    role: 'billing_specialist',
    password: PASSWORD,
  });
  await ensureUser(t.db, {
    email: TWO_TENANTS,
    name: 'Two tenants',
    role: 'billing_specialist',
    password: PASSWORD,
    tenants: [OWN, THIRD],
  });
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

async function signedIn(email: string): Promise<TestClient> {
  const client = new TestClient(app.app);
  await client.signIn(email);
  return client;
}

const JSON_ACCEPT = { accept: 'application/json' };

/** A page with its per-request tokens blanked, to compare two answers byte for byte. */
function normalized(body: string): string {
  return body
    .replace(/[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}/g, 'TOKEN')
    .replaceAll(ids.otherItem, 'ID')
    .replaceAll(ids.otherPayment, 'ID')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'ID');
}

type Res = Awaited<ReturnType<TestClient['get']>>;

function refusedAsMissing(res: Res, what: string) {
  expect(res.statusCode, `${what}: ${res.body.slice(0, 200)}`).toBe(404);
  expect(res.body, what).not.toContain(OTHER_NAME);
  expect(res.body, what).not.toContain(OTHER_CUSTOMER);
}

function showsNothingOfOther(res: Res, what: string) {
  expect(res.statusCode, what).toBeLessThan(400);
  expect(res.body, what).not.toContain(OTHER_NAME);
  expect(res.body, what).not.toContain(OTHER_CUSTOMER);
  expect(res.body, what).not.toContain(ids.otherItem);
  expect(res.body, what).not.toContain(`tenant="${OTHER}"`);
}

interface Ctx {
  client: TestClient;
  role: Role;
  rule: RouteRule;
  /** The role matrix lets this role use the route; if not, every request must be a 403. */
  allowed: boolean;
}

/**
 * For each row of the role matrix: requests a scoped user makes against beta's data, and what
 * must come back. Rows a role may not use must answer 403 to the same requests.
 */
const CASES: Record<string, (c: Ctx) => Promise<Res[]>> = {
  'GET /healthz': async ({ client }) => {
    const res = await client.get('/healthz');
    showsNothingOfOther(res, '/healthz');
    return [];
  },
  'GET /readyz': async ({ client }) => {
    showsNothingOfOther(await client.get('/readyz'), '/readyz');
    return [];
  },
  'GET /metrics': async ({ client }) => {
    // Prometheus' own door (token or loopback, no session): gauges carry no tenant label.
    showsNothingOfOther(await client.get('/metrics'), '/metrics');
    return [];
  },
  'GET /static/*': async ({ client }) => {
    showsNothingOfOther(await client.get('/static/console.css'), '/static');
    return [];
  },
  'GET /login': async ({ client }) => {
    const res = await client.get(`/login?next=${encodeURIComponent(`/items/${ids.otherItem}`)}`);
    expect(res.statusCode).toBe(302); // signed in: sent on, where the item route refuses it
    expect((await client.get(String(res.headers.location))).statusCode).toBe(404);
    return [];
  },
  'POST /login': async ({ client, role }) => {
    // Signing in again lands where the user's own tenants are, never on another tenant.
    const fresh = new TestClient(app.app);
    const res = await fresh.signIn(SCOPED[role as keyof typeof SCOPED]);
    const home = await fresh.get(String(res.headers.location));
    expect(home.headers.location ?? '/queue').not.toMatch(/ops|admin/);
    showsNothingOfOther(await fresh.get('/queue'), 'queue after sign-in');
    void client;
    return [];
  },
  'POST /logout': async () => [], // exercised last (signing out ends the walk)
  'GET /': async ({ client }) => {
    const res = await client.get('/');
    expect(res.statusCode).toBe(302);
    // Engineers normally land on /ops, which spans every tenant; scoped users land on the queue.
    expect(res.headers.location).toBe('/queue');
    return [];
  },
  'GET /queue': async ({ client }) => {
    const html = await client.get(`/queue?tenant=${OTHER}`);
    const json = await client.get(`/queue?tenant=${OTHER}`, JSON_ACCEPT);
    const ownPage = await client.get('/queue?status=open');
    showsNothingOfOther(ownPage, '/queue');
    const own = await client.get('/queue?status=open&limit=200', JSON_ACCEPT);
    expect(own.statusCode).toBe(200);
    const body = own.json() as {
      tenantId: string;
      items: { tenantId: string; id: string }[];
      counts: { total: number; byReason: Record<string, number> };
    };
    expect(body.tenantId).toBe(OWN);
    expect(new Set(body.items.map((i) => i.tenantId))).toEqual(new Set([OWN]));
    const ownOpen = await t.db.reviewItem.count({ where: { tenantId: OWN, status: 'open' } });
    expect(body.counts.total).toBe(ownOpen);
    expect(body.counts.byReason.no_match ?? 0).toBe(0); // beta's payment item is not counted
    // Search: beta's job number finds nothing.
    const search = await client.get(`/queue?job=4001&status=open`, JSON_ACCEPT);
    expect((search.json() as { items: unknown[]; counts: { total: number } }).counts.total).toBe(0);
    refusedAsMissing(html, '/queue?tenant=beta');
    refusedAsMissing(json, '/queue?tenant=beta (JSON)');
    return [];
  },
  'POST /queue/next': async ({ client, allowed }) => {
    const foreign = await client.post('/queue/next', { tenant: OTHER, status: 'open' });
    const plain = await client.post('/queue/next', { status: 'open' });
    if (!allowed) return [foreign, plain];
    refusedAsMissing(foreign, 'next in beta');
    expect(plain.statusCode).toBe(303);
    expect(String(plain.headers.location)).not.toContain(ids.otherItem);
    return [];
  },
  'GET /items/:id': async ({ client }) => {
    const page = await client.get(`/items/${ids.otherItem}`);
    const missing = await client.get(`/items/${randomUUID()}`);
    refusedAsMissing(page, 'beta item page');
    // Indistinguishable from an item that does not exist.
    expect(normalized(page.body)).toBe(normalized(missing.body));
    const json = await client.get(`/items/${ids.otherPayment}`, JSON_ACCEPT);
    const jsonMissing = await client.get(`/items/${randomUUID()}`, JSON_ACCEPT);
    refusedAsMissing(json, 'beta payment item (JSON)');
    expect(json.body).toBe(jsonMissing.body);
    return [];
  },
  'GET /items/:id/attachments': async ({ client }) => {
    const res = await client.get(`/items/${ids.otherItem}/attachments`);
    refusedAsMissing(res, 'beta attachments');
    return [];
  },
  // Evidence (estimates, photos, OCR) of another tenant's item: as missing as no item at all.
  'GET /items/:id/evidence': async ({ client }) => {
    refusedAsMissing(await client.get(`/items/${ids.otherItem}/evidence`), 'beta evidence');
    return [];
  },
  // Invoice PDFs: another tenant's preview, stored PDF and list are as missing as no item at all.
  'GET /items/:id/documents': async ({ client }) => {
    refusedAsMissing(await client.get(`/items/${ids.otherItem}/documents`), 'beta documents');
    return [];
  },
  'GET /items/:id/pdf/preview': async ({ client }) => {
    refusedAsMissing(await client.get(`/items/${ids.otherItem}/pdf/preview`), 'beta draft preview');
    return [];
  },
  'GET /items/:id/pdf': async ({ client }) => {
    refusedAsMissing(await client.get(`/items/${ids.otherItem}/pdf`), 'beta PDF');
    return [];
  },
  // Customer messages: another tenant's timeline is as missing as no item; a resend is refused.
  'GET /items/:id/messages': async ({ client }) => {
    refusedAsMissing(await client.get(`/items/${ids.otherItem}/messages`), 'beta messages');
    return [];
  },
  'POST /items/:id/messages/resend': async ({ client }) => [
    await client.post(`/items/${ids.otherItem}/messages/resend`, { contactId: '' }),
  ],
  'GET /collections': async ({ client, allowed }) => {
    if (allowed) showsNothingOfOther(await client.get('/collections'), '/collections');
    return [
      await client.get(`/collections?tenant=${OTHER}`),
      await client.get(`/collections?tenant=${OTHER}`, JSON_ACCEPT),
    ];
  },
  'GET /collections/plans': async ({ client, allowed }) => {
    if (allowed) showsNothingOfOther(await client.get('/collections/plans'), '/collections/plans');
    return [await client.get(`/collections/plans?tenant=${OTHER}`)];
  },
  'POST /collections/plans/accept': async ({ client }) => [
    await client.post('/collections/plans/accept', {
      tenant: OTHER,
      plan: '00000000-0000-4000-8000-000000000000',
      count: '2',
    }),
  ],
  'POST /collections/outcomes': async ({ client }) => [
    await client.post('/collections/outcomes', { tenant: OTHER, invoice: '1', outcome: 'no_answer' }),
  ],
  'POST /items/:id/claim': async ({ client, allowed }) => {
    const res = await client.post(`/items/${ids.otherItem}/claim`);
    const htmx = await client.post(
      `/items/${ids.otherItem}/claim`,
      {},
      { headers: { 'hx-request': 'true' } },
    );
    if (!allowed) return [res, htmx];
    refusedAsMissing(res, 'claim');
    refusedAsMissing(htmx, 'claim (htmx)');
    return [];
  },
  'POST /items/:id/release': async ({ client }) => [await client.post(`/items/${ids.otherItem}/release`)],
  'POST /items/:id/approve': async ({ client }) => [
    await client.post(`/items/${ids.otherItem}/approve`, { revision: '1' }),
  ],
  'POST /items/:id/edit': async ({ client }) => [
    await client.post(`/items/${ids.otherItem}/edit`, {
      revision: '1',
      op: 'quantity',
      key: 'item:74001',
      quantity: '2',
    }),
  ],
  'POST /items/:id/reject': async ({ client }) => [
    await client.post(`/items/${ids.otherItem}/reject`, { reason: 'not ours to bill' }),
  ],
  'POST /items/:id/escalate': async ({ client }) => [
    await client.post(`/items/${ids.otherItem}/escalate`, { note: 'look' }),
  ],
  'POST /items/:id/hold': async ({ client }) => [
    await client.post(`/items/${ids.otherItem}/hold`, { note: 'wait' }),
  ],
  'POST /items/:id/resume': async ({ client }) => [
    await client.post(`/items/${ids.otherItem}/resume`, { note: 'go' }),
  ],
  'POST /items/:id/payment': async ({ client }) => [
    await client.post(`/items/${ids.otherPayment}/payment`, { action: 'leave_open', note: 'not ours' }),
    await client.postJson(`/items/${ids.otherPayment}/payment`, { action: 'reject', reason: 'not ours' }),
  ],
  'GET /skus': async ({ client }) => [await client.get(`/skus?tenant=${OTHER}&q=cap`)],
  // Queue workflow (bulk approve, undo, escalations).
  'POST /queue/approve': async ({ client, allowed }) => {
    const foreign = await client.post('/queue/approve', { tenant: OTHER, item: `${ids.otherItem}:1` });
    // Beta's item named under the user's own tenant: refused as an item that does not exist.
    const smuggled = await client.postJson('/queue/approve', { tenant: OWN, item: [`${ids.otherItem}:1`] });
    if (!allowed) return [foreign, smuggled];
    expect(smuggled.statusCode).toBe(200);
    expect(smuggled.json()).toMatchObject({
      results: [{ approved: false, message: 'There is no such review item.' }],
    });
    expect(smuggled.body).not.toContain(OTHER_CUSTOMER);
    return [foreign];
  },
  'POST /items/:id/undo': async ({ client }) => [await client.post(`/items/${ids.otherItem}/undo`)],
  'GET /approvals/pending': async ({ client, allowed }) => {
    const foreign = await client.get(`/approvals/pending?tenant=${OTHER}`);
    const plain = await client.get('/approvals/pending');
    if (!allowed) return [foreign, plain];
    showsNothingOfOther(plain, '/approvals/pending');
    return [foreign];
  },
  'GET /escalations': async ({ client, allowed }) => {
    const foreign = await client.get(`/escalations?tenant=${OTHER}`);
    const plain = await client.get('/escalations');
    if (!allowed) return [foreign, plain];
    showsNothingOfOther(plain, '/escalations');
    return [foreign];
  },
  'POST /items/:id/send-back': async ({ client }) => [
    await client.post(`/items/${ids.otherItem}/send-back`, { note: 'not yours' }),
  ],
  'GET /bank-statements': async ({ client, allowed }) => {
    const foreign = await client.get(`/bank-statements?tenant=${OTHER}`);
    const foreignJson = await client.get(`/bank-statements?tenant=${OTHER}`, JSON_ACCEPT);
    if (!allowed) return [foreign, foreignJson];
    showsNothingOfOther(await client.get('/bank-statements'), '/bank-statements');
    expect((await client.get('/bank-statements', JSON_ACCEPT)).json()).toMatchObject({ tenantId: OWN });
    return [foreign, foreignJson];
  },
  'POST /bank-statements': async ({ client }) => {
    await client.get('/queue'); // a fresh form token
    return [
      await client.postMultipart('/bank-statements', { tenant: OTHER }, { name: 'beta.ofx', data: OFX }),
    ];
  },
  'GET /audit': async ({ client }) => [
    await client.get(`/audit?item=${ids.otherItem}`),
    await client.get(`/audit?run=${ids.otherRun}`),
    await client.get(`/audit?item=${ids.otherItem}&format=csv`),
    await client.get(`/audit?run=${ids.otherRun}&format=json`),
    await client.get(`/audit?tenant=${OTHER}`),
    await client.get(`/audit?tenant=${OTHER}&format=csv`),
  ],
  'GET /settings': async ({ client }) => [
    await client.get(`/settings?tenant=${OTHER}`),
    await client.get(`/settings?tenant=${OTHER}&show=conventions`),
  ],
  'POST /settings': async ({ client }) => [
    await client.post('/settings', { tenant: OTHER, mode: 'shadow' }),
    await client.post('/settings', { tenant: OTHER, action: 'accept_threshold' }),
  ],
  // Customer assistant (issue 19): another tenant's policies and conversations.
  'GET /policies': async ({ client }) => [await client.get(`/policies?tenant=${OTHER}`)],
  'POST /policies': async ({ client }) => [
    await client.post('/policies', { tenant: OTHER, title: 'x', kind: 'other', body: 'y' }),
  ],
  'POST /policies/change': async ({ client }) => [
    await client.post('/policies/change', { tenant: OTHER, id: randomUUID(), action: 'delete' }),
  ],
  'GET /conversations': async ({ client }) => [await client.get(`/conversations?tenant=${OTHER}`)],
  'POST /conversations/resolve': async ({ client }) => [
    await client.post('/conversations/resolve', { tenant: OTHER, id: randomUUID(), note: 'x' }),
  ],
  'GET /settings/accounting': async ({ client }) => [
    await client.get(`/settings/accounting?tenant=${OTHER}`),
  ],
  'POST /settings/accounting/mode': async ({ client }) => [
    await client.post('/settings/accounting/mode', { tenant: OTHER, mode: 'invoices' }),
  ],
  'POST /settings/accounting/mappings': async ({ client }) => [
    await client.post('/settings/accounting/mappings', {
      tenant: OTHER,
      kind: 'tax',
      stKey: 'x',
      externalId: 'y',
    }),
  ],
  'GET /settings/accounting/differences.csv': async ({ client }) => [
    await client.get(`/settings/accounting/differences.csv?tenant=${OTHER}`),
  ],
  'GET /settings/accounting/days.csv': async ({ client }) => [
    await client.get(`/settings/accounting/days.csv?tenant=${OTHER}`),
  ],
  'GET /users': async ({ client }) => [await client.get('/users')],
  'POST /users': async ({ client }) => [
    await client.post('/users', {
      email: 'made.by.scoped@example.test',
      name: 'x',
      role: 'admin',
      password: PASSWORD,
    }),
  ],
  'POST /users/:id': async ({ client }) => {
    const me = await t.db.user.findUniqueOrThrow({ where: { email: SCOPED.billing_specialist } });
    return [
      await client.post(`/users/${me.id}`, { role: 'billing_specialist', active: 'true', scope: 'all' }),
    ];
  },
  'GET /ops': async ({ client }) => [await client.get('/ops')],
  'ANY /admin/queues': async ({ client }) => [
    await client.get('/admin/queues'),
    await client.get('/admin/queues/api/queues', JSON_ACCEPT),
  ],
};

/** How each row refuses a scoped user who may use it by role: 404 (another tenant's data is "not there") or 403 (pages spanning every tenant). */
const REFUSAL: Record<string, 404 | 403> = {
  'POST /items/:id/release': 404,
  'POST /items/:id/approve': 404,
  'POST /items/:id/edit': 404,
  'POST /items/:id/reject': 404,
  'POST /items/:id/escalate': 404,
  'POST /items/:id/hold': 404,
  'POST /items/:id/resume': 404,
  'POST /items/:id/payment': 404,
  'GET /skus': 404,
  'POST /queue/approve': 404,
  'POST /items/:id/undo': 404,
  'GET /approvals/pending': 404,
  'GET /escalations': 404,
  'POST /items/:id/send-back': 404,
  'GET /bank-statements': 404,
  'POST /bank-statements': 404,
  'GET /audit': 404,
  'GET /settings': 404,
  'POST /settings': 404,
  'GET /ops': 403,
  'ANY /admin/queues': 403,
};

const keyOf = (rule: RouteRule) => `${rule.method} ${rule.url}`;

async function otherTenantUntouched() {
  const items = await t.db.reviewItem.findMany({ where: { tenantId: OTHER } });
  for (const item of items) {
    expect(item.status, `${item.kind} item of beta`).toBe('open');
    expect(item.claimedBy).toBeNull();
    expect(item.needsManager).toBe(false);
  }
  expect(await t.db.draft.count({ where: { runId: ids.otherRun } })).toBe(1);
  expect((await t.db.pipelineRun.findUniqueOrThrow({ where: { id: ids.otherRun } })).status).toBe(
    'awaiting_review',
  );
  expect(await t.db.auditEvent.count({ where: { tenantId: OTHER, actorType: 'user' } })).toBe(0);
  expect(await t.db.bankStatement.count({ where: { tenantId: OTHER } })).toBe(0);
}

describe('tenant scoping: the role matrix walked against another tenant', () => {
  it('declares, for every route, how it finds the tenant it serves', () => {
    for (const rule of ROUTE_MATRIX) {
      expect(CASES[keyOf(rule)], `a tenant-scope case for ${keyOf(rule)}`).toBeTypeOf('function');
      expect(['none', 'item', 'tenant', 'audit', 'all'], keyOf(rule)).toContain(
        (rule as RouteRule & { tenant?: string }).tenant,
      );
    }
  });

  for (const role of Object.keys(SCOPED) as (keyof typeof SCOPED)[]) {
    it(`${role} scoped to ${OWN}: every row is refused or filtered for ${OTHER}`, async () => {
      const client = await signedIn(SCOPED[role]);
      const walked: string[] = [];
      // Every row is walked even when one fails, so a failure lists every leaking route.
      const leaks: string[] = [];
      for (const rule of ROUTE_MATRIX) {
        const key = keyOf(rule);
        const allowed = rule.access === 'public' || rule.access.includes(role);
        try {
          const answers = await CASES[key]!({ client, role, rule, allowed });
          for (const res of answers) {
            const what = `→ ${res.statusCode} ${res.body.slice(0, 120)}`;
            if (!allowed) expect(res.statusCode, what).toBe(403);
            else {
              expect(res.statusCode, what).toBe(REFUSAL[key] ?? 404);
              expect(res.body, what).not.toContain(OTHER_NAME);
              expect(res.body, what).not.toContain(OTHER_CUSTOMER);
            }
          }
        } catch (error) {
          leaks.push(`${key}: ${(error as Error).message.split('\n')[0]}`);
        }
        walked.push(key);
      }
      expect(walked).toHaveLength(ROUTE_MATRIX.length);
      expect(leaks, `${role} reached ${OTHER}`).toEqual([]);
      await otherTenantUntouched();
      expect((await client.post('/logout')).statusCode).toBe(303);
    });
  }
});

describe('tenant scoping: who sees what', () => {
  it('shows a scoped user only their tenants in the queue, and each of them', async () => {
    const client = await signedIn(TWO_TENANTS);
    const page = await client.get('/queue');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Gamma Electric');
    expect(page.body).not.toContain(OTHER_NAME);
    const gamma = await client.get(`/queue?tenant=${THIRD}`, JSON_ACCEPT);
    expect(gamma.statusCode).toBe(200);
    expect((gamma.json() as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([ids.third]);
    expect((await client.get(`/items/${ids.third}`)).statusCode).toBe(200);
    expect((await client.get(`/queue?tenant=${OTHER}`)).statusCode).toBe(404);
    const bank = await client.get('/bank-statements');
    expect(bank.body).toContain('Gamma Electric');
    expect(bank.body).not.toContain(OTHER_NAME);
    // The shop-wide audit page lists the user's tenants' events only.
    const audit = await client.get('/audit?format=json');
    expect(audit.statusCode).toBe(200);
    const tenantsSeen = new Set(
      (audit.json() as { events: { tenantId: string }[] }).events.map((e) => e.tenantId),
    );
    expect(tenantsSeen.has(OTHER)).toBe(false);
    expect((await client.get('/audit')).statusCode).toBe(200);
  });

  it('shows admins every tenant, whatever list they carry', async () => {
    const client = await signedIn(ADMIN_WITH_LIST);
    const page = await client.get('/queue');
    expect(page.body).toContain(OTHER_NAME);
    const other = await client.get(`/queue?tenant=${OTHER}`, JSON_ACCEPT);
    expect(other.statusCode).toBe(200);
    expect((other.json() as { items: { id: string }[] }).items.map((i) => i.id)).toContain(ids.otherItem);
    const item = await client.get(`/items/${ids.otherItem}`);
    expect(item.statusCode).toBe(200);
    expect(item.body).toContain(OTHER_CUSTOMER);
    expect((await client.get(`/audit?item=${ids.otherItem}`)).statusCode).toBe(200);
    expect((await client.get(`/skus?tenant=${OTHER}&q=cap`)).statusCode).toBe(200);
    expect((await client.get(`/settings?tenant=${OTHER}`)).statusCode).toBe(200);
    expect((await client.get(`/bank-statements?tenant=${OTHER}`)).statusCode).toBe(200);
    expect((await client.get('/ops')).statusCode).toBe(200);
    await client.post(`/items/${ids.otherItem}/release`);
  });

  it('shows a user without a list every tenant (as before scoping)', async () => {
    const client = await signedIn(UNSCOPED);
    const page = await client.get('/queue');
    expect(page.body).toContain(OTHER_NAME);
    expect((await client.get(`/queue?tenant=${OTHER}`)).statusCode).toBe(200);
    expect((await client.get(`/items/${ids.otherItem}`)).statusCode).toBe(200);
    await client.post(`/items/${ids.otherItem}/release`);
  });
});

describe('tenant scoping: setting a user’s tenants', () => {
  it('lets admins give and change a user’s tenants in the users page, taking effect at once', async () => {
    const admin = await signedIn(ADMIN_WITH_LIST);
    const page = await admin.get('/users');
    expect(page.body).toContain('name="tenants"');
    const unknown = await admin.post('/users', {
      email: 'page.scoped@example.test',
      name: 'Page Scoped',
      role: 'billing_specialist',
      password: PASSWORD,
      scope: 'listed',
      tenants: ['nosuch'],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('nosuch');
    const none = await admin.post('/users', {
      email: 'page.scoped@example.test',
      name: 'Page Scoped',
      role: 'billing_specialist',
      password: PASSWORD,
      scope: 'listed',
    });
    expect(none.statusCode).toBe(400);
    const created = await admin.post('/users', {
      email: 'page.scoped@example.test',
      name: 'Page Scoped',
      role: 'billing_specialist',
      password: PASSWORD,
      scope: 'listed',
      tenants: [OTHER],
    });
    expect(created.statusCode).toBe(303);
    const user = await t.db.user.findUniqueOrThrow({ where: { email: 'page.scoped@example.test' } });
    expect(user.tenantIds).toEqual([OTHER]);
    const them = await signedIn('page.scoped@example.test');
    expect((await them.get(`/queue?tenant=${OWN}`)).statusCode).toBe(404);
    expect((await them.get(`/queue?tenant=${OTHER}`)).statusCode).toBe(200);
    // Changed later: the user's next request already sees the new list.
    const changed = await admin.post(`/users/${user.id}`, {
      role: 'billing_specialist',
      active: 'true',
      scope: 'listed',
      tenants: [OWN, THIRD],
    });
    expect(changed.statusCode).toBe(303);
    expect((await them.get(`/queue?tenant=${OWN}`)).statusCode).toBe(200);
    expect((await them.get(`/queue?tenant=${OTHER}`)).statusCode).toBe(404);
    const usersPage = await admin.get('/users');
    expect(usersPage.body).toMatch(/Gamma Electric/);
    // Every tenant again.
    await admin.post(`/users/${user.id}`, { role: 'billing_specialist', active: 'true', scope: 'all' });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).tenantIds).toEqual([]);
    expect((await them.get(`/queue?tenant=${OTHER}`)).statusCode).toBe(200);
    // A change that does not mention tenants keeps them.
    await admin.post(`/users/${user.id}`, {
      role: 'billing_specialist',
      active: 'true',
      scope: 'listed',
      tenants: OWN,
    });
    await admin.post(`/users/${user.id}`, { role: 'billing_manager', active: 'true' });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).tenantIds).toEqual([OWN]);
    const audit = await t.db.auditEvent.findMany({
      where: { tenantId: '_console', action: 'user.changed' },
      orderBy: { id: 'asc' },
    });
    expect(audit.at(-2)!.data).toMatchObject({ before: { tenants: null }, after: { tenants: [OWN] } });
  });

  it('takes --tenants a,b in `npm run users:create`', async () => {
    const cli = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(
          process.execPath,
          ['--import', 'tsx', 'apps/console/src/cli/users-create.ts', ...args],
          { cwd: ROOT, env: { ...process.env, ...base(), LOG_LEVEL: 'error' } },
          (error, stdout, stderr) =>
            resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
        child.stdin!.end(`${PASSWORD}\n`);
      });
    const common = ['--email', 'cli.scoped@example.test', '--name', 'CLI', '--password-stdin'];
    const bad = await cli([...common, '--role', 'billing_specialist', '--tenants', `${OWN},nosuch`]);
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toContain('nosuch');
    const ok = await cli([...common, '--role', 'billing_specialist', '--tenants', `${OWN},${THIRD}`]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`${OWN}, ${THIRD}`);
    const user = await t.db.user.findUniqueOrThrow({ where: { email: 'cli.scoped@example.test' } });
    expect(user.tenantIds).toEqual([OWN, THIRD]);
    const client = await signedIn('cli.scoped@example.test');
    expect((await client.get(`/queue?tenant=${OTHER}`)).statusCode).toBe(404);
    // --update without --tenants keeps the list; --all-tenants clears it.
    expect((await cli([...common, '--role', 'billing_manager', '--update'])).code).toBe(0);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).tenantIds).toEqual([OWN, THIRD]);
    expect((await cli([...common, '--role', 'billing_manager', '--update', '--all-tenants'])).code).toBe(0);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: user.id } })).tenantIds).toEqual([]);
  });
});
