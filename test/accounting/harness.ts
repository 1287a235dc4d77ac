// A small world for accounting tests: the simulator with a mini tenant whose invoices are posted
// (some paid, one by a split payment), a per-test database and Redis prefix, the tenant runtime,
// worker services, and a fake Xero connected through the real OAuth flow.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import {
  awaitRedirect,
  changeMode,
  confirmMapping,
  type Mode,
  openBooks,
  type Provider,
} from '@invoicer/accounting';
import { fromAmountString, toMoneyString } from '@invoicer/core';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { createLogger, QueueSet } from '@invoicer/platform';
import type { Payment, TenantFixture } from '@invoicer/servicetitan';
import { type RunningSim, startSim } from '@invoicer/st-sim';
import { registerTenant, TenantRuntime } from '@invoicer/tenant';
import { Redis } from 'ioredis';
import type { AccountingOverrides } from '../../apps/workers/src/accounting/context.ts';
import type { WorkerServices } from '../../apps/workers/src/services.ts';
import { syncMirror } from '../../apps/workers/src/sync/history.ts';
import { completeConnect } from '../../packages/accounting/src/connect.ts';
import { miniTenant } from '../support/mini-tenant.ts';

export const TENANT = 'acme';

/** Posted invoices: every one; payments: full by check (i % 3 = 0), $50 by card (i % 3 = 1), one split. */
export function postedTenant(invoices: number): TenantFixture {
  const fixture = miniTenant(invoices);
  const payments: Payment[] = [];
  for (const [i, invoice] of fixture['accounting/invoices'].entries()) {
    Object.assign(invoice, {
      syncStatus: 'Posted',
      invoiceDate: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00Z`,
      salesTaxCode: { id: 1, name: 'Springfield', taxRate: 0.0625 },
    });
    const base = {
      syncStatus: 'Posted',
      date: invoice.invoiceDate ?? null,
      customer: { id: 100, name: 'Pat Customer' },
      active: true,
      createdOn: invoice.createdOn ?? null,
      modifiedOn: invoice.modifiedOn ?? null,
    };
    if (i % 3 === 0) {
      payments.push({
        ...base,
        id: 80_000 + i,
        type: 'Check',
        total: invoice.total,
        appliedTo: [{ appliedTo: invoice.id, appliedAmount: invoice.total }],
      });
      invoice.balance = '0.00';
    } else if (i % 3 === 1) {
      payments.push({
        ...base,
        id: 80_000 + i,
        type: 'Credit Card',
        total: '50.00',
        appliedTo: [{ appliedTo: invoice.id, appliedAmount: '50.00' }],
      });
      invoice.balance = '104.06';
    }
  }
  // One payment split over the last two invoices ($20 each).
  const [a, b] = fixture['accounting/invoices'].slice(-2).filter((x) => x.balance !== '0.00');
  if (a && b) {
    for (const x of [a, b]) x.balance = toMoneyString(fromAmountString(x.balance ?? x.total).minus(20));
    payments.push({
      id: 89_999,
      syncStatus: 'Posted',
      type: 'Check',
      total: '40.00',
      date: b.invoiceDate ?? null,
      customer: { id: 100, name: 'Pat Customer' },
      active: true,
      appliedTo: [
        { appliedTo: a.id, appliedAmount: '20.00' },
        { appliedTo: b.id, appliedAmount: '20.00' },
      ],
    });
  }
  fixture['accounting/payments'] = payments as never;
  return fixture;
}

export interface World {
  sim: RunningSim;
  database: TestDatabase;
  redis: Redis;
  queues: QueueSet;
  runtime: TenantRuntime;
  services: WorkerServices;
  overrides: AccountingOverrides;
  credentialsKey: Buffer;
  syncMirror(): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(
  fixture: TenantFixture,
  overrides: AccountingOverrides = {},
): Promise<World> {
  const sim = await startSim({ fixture, faults: { rateLimitPerSecond: null } });
  const database = await createTestDatabase();
  const credentialsKey = randomBytes(32);
  await registerTenant(database.db, {
    id: TENANT,
    stTenantId: sim.tenantId,
    name: sim.tenant.meta.name,
    apiBaseUrl: sim.url,
    authUrl: `${sim.url}/connect/token`,
    credentials: sim.credentials,
    credentialsKey,
  });
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const prefix = testQueuePrefix('acct');
  const log = createLogger({ name: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const runtime = new TenantRuntime({
    db: database.db,
    redis,
    prefix,
    credentialsKey,
    log,
    rateLimitPerSecond: 0,
    clientCheckMs: 0,
  });
  const queues = new QueueSet(redis, prefix);
  const mirror = async () => {
    await syncMirror(await runtime.client(TENANT), database.db, TENANT, {
      feeds: ['accounting/invoices', 'accounting/payments'],
    });
  };
  const services: WorkerServices = { db: database.db, queues, runtime, log, ensureFresh: mirror };
  return {
    sim,
    database,
    redis,
    queues,
    runtime,
    services,
    overrides,
    credentialsKey,
    syncMirror: mirror,
    async close() {
      await queues.close();
      await sim.close();
      await database.drop();
      redis.disconnect();
    },
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** The OAuth flow a person goes through: open the URL (the fake consents at once), exchange, store. */
export async function connectThroughOAuth(
  world: World,
  provider: Provider,
  fake: {
    endpoints: {
      authorizeUrl: string;
      tokenUrl: string;
      apiUrl: string;
      connectionsUrl?: string;
      scope: string;
    };
    state: { clientId: string; clientSecret: string };
  },
) {
  const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
  const wait = await awaitRedirect(fake.endpoints, { clientId: fake.state.clientId, redirectUri });
  const opened = await fetch(wait.url, { redirect: 'follow' });
  await opened.text();
  const callback = await wait.callback;
  return completeConnect(
    {
      db: world.database.db,
      tenantId: TENANT,
      provider,
      endpoints: fake.endpoints,
      clientId: fake.state.clientId,
      clientSecret: fake.state.clientSecret,
      credentialsKey: world.credentialsKey,
      redirectUri,
    },
    callback,
  );
}

/** A person reviews the mappings once: suggestions accepted, the rest chosen from `choose`. */
export async function reviewMappings(world: World, choose: Record<string, { id: string; name: string }>) {
  const rows = await world.database.db.accountingMapping.findMany({
    where: { tenantId: TENANT, status: { not: 'confirmed' } },
  });
  for (const row of rows) {
    const picked =
      choose[`${row.kind}:${row.stKey}`] ??
      (row.externalId ? { id: row.externalId, name: row.externalName ?? '' } : null);
    if (!picked) throw new Error(`no mapping chosen for ${row.kind}:${row.stKey} (${row.stName})`);
    await confirmMapping(
      world.database.db,
      { tenantId: TENANT, provider: row.provider as Provider, kind: row.kind, stKey: row.stKey },
      picked,
      'test-reviewer',
    );
  }
  return rows;
}

export async function setModeChecked(world: World, mode: Mode) {
  const open = await openBooks({ ...booksOpts(world) }, TENANT);
  await changeMode(world.database.db, TENANT, mode, open?.books ?? null);
}

export function booksOpts(world: World) {
  const { redis, prefix, credentialsKey } = world.runtime.options;
  return { db: world.database.db, redis, prefix, credentialsKey, ...world.overrides };
}

/** Invoices mode with every mapping an invoice of `ids` needs confirmed, as a person would. */
export async function readyForInvoices(
  world: World,
  xero: { accounts: { AccountID: string; Code: string }[] },
  sync: (id: number) => Promise<unknown>,
  ids: number[],
) {
  await setModeChecked(world, 'invoices');
  for (const id of ids) await sync(id);
  const card = xero.accounts.find((a) => a.Code === '091')!;
  await reviewMappings(world, {
    'tax:zone:1': { id: 'OUTPUT', name: 'Sales Tax on Income' },
    'payment:Credit Card': { id: card.AccountID, name: 'Card Clearing' },
  });
}
