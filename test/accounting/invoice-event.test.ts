// The sync is triggered by ServiceTitan's invoice-posted event (through the real ingest app),
// not only by polling the mirror: a signed tn.acc.invoice-posted delivery queues accounting.sync
// for that invoice, once per delivery (a retried delivery queues nothing new), and the job puts
// the invoice in the books. A tenant whose books are not in invoices mode queues nothing.
import { createHmac, randomBytes } from 'node:crypto';
import { testRedisUrl } from '@invoicer/db/testing';
import { type IngestApp, IngestEnv, startIngestApp } from '@invoicer/ingest';
import { createLogger, loadConfig } from '@invoicer/platform';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { syncInvoiceJob } from '../../apps/workers/src/accounting/sync.ts';
import { type FakeXero, startFakeXero } from '../support/fake-xero.ts';
import {
  connectThroughOAuth,
  postedTenant,
  readyForInvoices,
  startWorld,
  TENANT,
  type World,
} from './harness.ts';

const SECRET = 'acct-event-test-secret-0123456789abcdef';
let world: World;
let xero: FakeXero;
let ingest: IngestApp;
let ids: number[] = [];

const deliver = (eventId: string, invoiceId: number) => {
  const body = JSON.stringify({
    eventId,
    eventType: 'tn.acc.invoice-posted',
    tenantId: world.sim.tenantId,
    data: { invoiceId },
  });
  return fetch(`${ingest.url}/webhooks/servicetitan`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-servicetitan-signature': createHmac('sha256', SECRET).update(body).digest('hex'),
    },
    body,
  }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));
};

beforeAll(async () => {
  xero = await startFakeXero();
  world = await startWorld(postedTenant(4));
  ids = [...world.sim.tenant.invoices.values()].map((i) => i.id).sort((a, b) => a - b);
  await connectThroughOAuth(world, 'xero', xero);
  await world.syncMirror();
  const env = loadConfig(IngestEnv, {
    DATABASE_URL: world.database.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: world.queues.prefix,
    CREDENTIALS_KEY: randomBytes(32).toString('base64'),
    INGEST_PORT: '0',
    WEBHOOK_SECRET: SECRET,
    POLL_INTERVAL_MS: '0',
  });
  ingest = await startIngestApp(
    env,
    createLogger({ name: 'ingest', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  );
}, 60_000);
afterAll(async () => {
  await ingest?.close();
  await world?.close();
  await xero?.close();
});

const syncJobs = async () =>
  (await world.queues.get('accounting.sync').getJobs(['waiting', 'delayed', 'prioritized'])).map(
    (j) => j.data,
  );

it('queues nothing while the books do not take invoices (observe mode)', async () => {
  const res = await deliver('evt-observe', ids[0]!);
  expect(res).toEqual({ status: 202, json: { status: 'accepted', accounting: 'not_syncing' } });
  expect(await syncJobs()).toEqual([]);
});

it('queues the invoice’s sync once per delivery, and the job puts it in the books', async () => {
  const setup = (invoiceId: number) =>
    syncInvoiceJob(world.services, { tenantId: TENANT, invoiceId, version: 'setup' }, 1, world.overrides);
  await readyForInvoices(world, xero, setup, [ids[0]!]);
  const target = ids[2]!;
  expect((await deliver('evt-1', target)).json).toEqual({ status: 'accepted', accounting: 'queued' });
  // ServiceTitan retries the same delivery: recorded as a duplicate, no second job.
  expect((await deliver('evt-1', target)).json).toEqual({ status: 'duplicate', accounting: 'queued' });
  const jobs = await syncJobs();
  expect(jobs).toHaveLength(1);
  expect(jobs[0]).toMatchObject({ tenantId: TENANT, invoiceId: target });
  expect(await syncInvoiceJob(world.services, jobs[0], 1, world.overrides)).toMatchObject({
    outcome: 'synced',
  });
  expect([...xero.invoices.values()].filter((i) => i.InvoiceNumber === `INV-${target}`)).toHaveLength(1);
});

it('refuses an invoice-posted event without an invoice id', async () => {
  const res = await deliver('evt-bad', 0);
  expect(res.status).toBe(400);
});
