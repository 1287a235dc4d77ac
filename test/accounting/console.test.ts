// The accounting settings page: an admin sees the connection (never a token), is refused
// invoices mode with the evidence while the shop's own export posts, reviews a suggested mapping
// choosing among the books' accounts (audited), and downloads the differences as CSV.
import { awaitRedirect, completeConnect } from '@invoicer/accounting';
import type { ConsoleApp } from '@invoicer/console';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRoleUsers, seedInvoiceItem, startTestConsole, TestClient } from '../console/support.ts';
import { type FakeXero, startFakeXero } from '../support/fake-xero.ts';
import { freePort } from './harness.ts';

let t: TestDatabase;
let app: ConsoleApp;
let xero: FakeXero;
let admin: TestClient;
let clerk: TestClient;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startTestConsole({
    DATABASE_URL: t.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: testQueuePrefix('acctc'),
  });
  const emails = await createRoleUsers(t.db);
  await seedInvoiceItem(t.db, { stJobId: 9301 });
  xero = await startFakeXero();
  const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
  const wait = await awaitRedirect(xero.endpoints, { clientId: xero.state.clientId, redirectUri });
  await (await fetch(wait.url)).text();
  await completeConnect(
    {
      db: t.db,
      tenantId: 'acme',
      provider: 'xero',
      endpoints: xero.endpoints,
      clientId: xero.state.clientId,
      clientSecret: xero.state.clientSecret,
      credentialsKey: app.services.runtime.options.credentialsKey,
      redirectUri,
    },
    await wait.callback,
  );
  // ServiceTitan shows an invoice exported that we never exported: the shop's export is on.
  await t.db.stRecord.create({
    data: {
      tenantId: 'acme',
      resource: 'accounting/invoices',
      stId: 7001n,
      data: {
        id: 7001,
        syncStatus: 'Exported',
        referenceNumber: 'INV-7001',
        total: '10.00',
        salesTax: '0.00',
        subTotal: '10.00',
      },
    },
  });
  await t.db.accountingMapping.create({
    data: {
      tenantId: 'acme',
      provider: 'xero',
      kind: 'tax',
      stKey: 'zone:1',
      stName: 'Springfield',
      status: 'unmapped',
    },
  });
  await t.db.accountingFinding.create({
    data: {
      tenantId: 'acme',
      key: 'observe:total:7001',
      provider: 'xero',
      kind: 'amount',
      stId: '7001',
      number: '=INV-7001',
      stAmount: '10.00',
      booksAmount: '12.00',
      detail: 'total differs',
      day: new Date('2026-01-02'),
    },
  });
  admin = new TestClient(app.app);
  await admin.signIn(emails.admin);
  clerk = new TestClient(app.app);
  await clerk.signIn(emails.billing_specialist);
});
afterAll(async () => {
  await app?.close();
  await xero?.close();
  await t?.drop();
});

it('shows the connection and never a token', async () => {
  const page = await admin.get('/settings/accounting?tenant=acme');
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain('Fake Plumbing Co');
  expect(page.body).toContain('Observe: we read the books');
  const json = await admin.get('/settings/accounting?tenant=acme', { accept: 'application/json' });
  const row = await t.db.accountingConnection.findUniqueOrThrow({ where: { tenantId: 'acme' } });
  for (const body of [page.body, json.body]) {
    expect(body).not.toContain(row.tokensSealed);
    for (const token of [...xero.state.accessTokens.keys(), ...xero.state.refreshTokens])
      expect(body).not.toContain(token);
  }
  expect((await clerk.get('/settings/accounting?tenant=acme')).statusCode).toBe(403);
});

it('refuses invoices mode while another export posts, with the evidence', async () => {
  const res = await admin.post('/settings/accounting/mode', { tenant: 'acme', mode: 'invoices' });
  expect(res.statusCode).toBe(409);
  expect(res.body).toContain('INV-7001');
  expect(res.body).toContain('Turn off the other export');
  expect((await t.db.accountingConnection.findUniqueOrThrow({ where: { tenantId: 'acme' } })).mode).toBe(
    'observe',
  );
  const ok = await admin.post('/settings/accounting/mode', { tenant: 'acme', mode: 'off' });
  expect(ok.statusCode).toBe(303);
  expect((await t.db.accountingConnection.findUniqueOrThrow({ where: { tenantId: 'acme' } })).mode).toBe(
    'off',
  );
});

it('lists the books’ choices for a mapping and confirms one, audited', async () => {
  const page = await admin.get('/settings/accounting?tenant=acme');
  expect(page.body).toContain('Springfield');
  expect(page.body).toContain('<option value="OUTPUT"');
  const bad = await admin.post('/settings/accounting/mappings', {
    tenant: 'acme',
    kind: 'tax',
    stKey: 'zone:1',
    externalId: 'NOPE',
  });
  expect(bad.statusCode).toBe(400);
  const res = await admin.post('/settings/accounting/mappings', {
    tenant: 'acme',
    kind: 'tax',
    stKey: 'zone:1',
    externalId: 'OUTPUT',
  });
  expect(res.statusCode).toBe(303);
  const row = await t.db.accountingMapping.findFirstOrThrow({ where: { tenantId: 'acme', stKey: 'zone:1' } });
  expect(row).toMatchObject({
    status: 'confirmed',
    externalId: 'OUTPUT',
    externalName: 'Sales Tax on Income',
    reviewedBy: 'admin@example.test',
  });
  expect(
    await t.db.auditEvent.count({ where: { tenantId: 'acme', action: 'accounting.mapping_confirmed' } }),
  ).toBe(1);
});

it('downloads the open differences as CSV, formulas defused', async () => {
  const res = await admin.get('/settings/accounting/differences.csv?tenant=acme');
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/csv');
  const lines = res.body.trim().split('\n');
  expect(lines[0]).toBe('day,kind,invoice,st_id,books_id,st_amount,books_amount,detail');
  expect(lines[1]).toBe('"2026-01-02","amount","\'=INV-7001","7001","","10.00","12.00","total differs"');
});

it('shows the three-way totals by day, on the page and as CSV', async () => {
  const day = {
    day: '2026-01-02',
    stInvoiced: '154.06',
    booksInvoiced: '150.00',
    stReceived: '50.00',
    bankDeposited: '48.55',
    differences: 1,
  };
  await t.db.accountingDocument.create({
    data: {
      tenantId: 'acme',
      provider: 'xero',
      kind: 'day',
      stId: day.day,
      status: 'reported',
      amount: '154.06',
      detail: day,
    },
  });
  const page = await admin.get('/settings/accounting?tenant=acme');
  expect(page.body).toContain('By day: ServiceTitan, books, bank');
  expect(page.body).toContain('48.55');
  const res = await admin.get('/settings/accounting/days.csv?tenant=acme');
  expect(res.statusCode).toBe(200);
  expect(res.body.trim().split('\n')).toEqual([
    'day,st_invoiced,books_invoiced,st_received,bank_deposited,differences',
    '2026-01-02,154.06,150.00,50.00,48.55,1',
  ]);
  expect((await clerk.get('/settings/accounting/days.csv?tenant=acme')).statusCode).toBe(403);
});
