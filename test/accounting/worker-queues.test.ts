// Through the real queues: an accounting.reconcile job refreshes the mirror, queues accounting.sync
// for each cleared invoice, and the BullMQ workers (the production handler registry) post them
// to Xero — once, even when Xero loses an answer after applying the write. A second reconcile
// queues nothing new, writes nothing, and finds the books equal to ServiceTitan.

import { testRedisUrl } from '@invoicer/db/testing';
import { closeWorkers, createWorkerConnection, startWorkers } from '@invoicer/platform';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { syncInvoice } from '../../apps/workers/src/accounting/sync.ts';
import { handlerRegistry } from '../../apps/workers/src/app.ts';
import { failureHooks } from '../../apps/workers/src/failures.ts';
import { type FakeXero, startFakeXero } from '../support/fake-xero.ts';
import { waitFor } from '../support/wait.ts';
import {
  connectThroughOAuth,
  postedTenant,
  readyForInvoices,
  startWorld,
  TENANT,
  type World,
} from './harness.ts';

const INVOICES = 6;
let world: World;
let xero: FakeXero;
let workers: Worker[] = [];
let connection: ReturnType<typeof createWorkerConnection>;

beforeAll(async () => {
  xero = await startFakeXero();
  world = await startWorld(postedTenant(INVOICES));
  await connectThroughOAuth(world, 'xero', xero);
  await world.syncMirror();
  const ids = [...world.sim.tenant.invoices.values()].map((i) => i.id).sort((a, b) => a - b);
  const sync = (invoiceId: number) =>
    syncInvoice(world.services, { tenantId: TENANT, invoiceId, version: 'setup' }, world.overrides);
  await readyForInvoices(world, xero, sync, ids.slice(0, 2));
  connection = createWorkerConnection(testRedisUrl());
  workers = startWorkers({
    connection,
    prefix: world.services.queues.prefix,
    handlers: handlerRegistry(world.services),
    queues: ['accounting.sync', 'accounting.reconcile'],
    hooks: failureHooks(world.database.db, world.runtime, {}),
    log: world.services.log,
  });
}, 60_000);
afterAll(async () => {
  await closeWorkers(workers, 5000, world.services.log);
  connection?.disconnect();
  await world?.close();
  await xero?.close();
});

it('queues and posts every cleared invoice once, through BullMQ, despite a lost answer', async () => {
  xero.state.afterCommit = { rate: 1, mode: 'error', match: 'PUT /Invoices', times: 1 };
  await world.queues.enqueue('accounting.reconcile', { tenantId: TENANT, version: 't1' });
  await waitFor(
    () =>
      world.database.db.accountingDocument.count({
        where: { tenantId: TENANT, kind: 'invoice', status: 'synced' },
      }),
    (n) => n === INVOICES,
    { timeoutMs: 60_000, intervalMs: 200, what: 'every invoice to be synced by the workers' },
  );
  expect(xero.state.stats.afterCommit).toBe(1);
  expect(xero.invoices.size).toBe(INVOICES);
  expect(xero.duplicates()).toEqual([]);
  for (const invoice of world.sim.tenant.invoices.values()) expect(invoice.syncStatus).toBe('Exported');
});

it('queues nothing new on the next reconcile, and finds the books equal to ServiceTitan', async () => {
  const before = xero.calls.filter((c) => c.method !== 'GET').length;
  const queue = world.queues.get('accounting.sync');
  const jobsBefore = await queue.getJobCountByTypes('completed', 'waiting', 'active', 'delayed', 'failed');
  await world.queues.enqueue('accounting.reconcile', { tenantId: TENANT, version: 't2' });
  const reconcile = world.queues.get('accounting.reconcile');
  await waitFor(
    () => reconcile.getJobCountByTypes('completed'),
    (n) => n >= 2,
    { timeoutMs: 30_000, intervalMs: 200, what: 'the second reconcile to finish' },
  );
  expect(await queue.getJobCountByTypes('completed', 'waiting', 'active', 'delayed', 'failed')).toBe(
    jobsBefore,
  );
  expect(xero.calls.filter((c) => c.method !== 'GET').length).toBe(before);
  const open = await world.database.db.accountingFinding.findMany({
    where: { tenantId: TENANT, resolvedAt: null },
  });
  expect(open).toEqual([]);
});
