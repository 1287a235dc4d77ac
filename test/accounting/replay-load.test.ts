// A larger run for figures (off unless ACCOUNTING_LOAD_INVOICES is set, e.g. 300): that many
// posted invoices synced to Xero with 20% of writes losing their answer after commit (500s),
// then three full replays; prints calls per invoice; 0 duplicates, 100% synced, replays write 0.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { syncInvoice } from '../../apps/workers/src/accounting/sync.ts';
import { type FakeXero, startFakeXero } from '../support/fake-xero.ts';
import {
  connectThroughOAuth,
  postedTenant,
  readyForInvoices,
  startWorld,
  TENANT,
  type World,
} from './harness.ts';

const N = Number(process.env.ACCOUNTING_LOAD_INVOICES ?? 0);
let world: World;
let xero: FakeXero;
let ids: number[] = [];

beforeAll(async () => {
  if (!N) return;
  xero = await startFakeXero({ limits: { perMinute: 1_000_000, perDay: 1_000_000 } });
  world = await startWorld(postedTenant(N), {
    limits: { xero: { windows: [{ ms: 60_000, limit: 1_000_000 }], concurrent: 5 } },
  });
  ids = [...world.sim.tenant.invoices.values()].map((i) => i.id).sort((a, b) => a - b);
  await connectThroughOAuth(world, 'xero', xero);
  await world.syncMirror();
  const once = (id: number) =>
    syncInvoice(world.services, { tenantId: TENANT, invoiceId: id, version: 'v' }, world.overrides);
  await readyForInvoices(world, xero, once, ids.slice(0, 2));
}, 600_000);
afterAll(async () => {
  await world?.close();
  await xero?.close();
});

it.skipIf(!N)(
  'syncs every invoice once under faults; three replays write nothing',
  async () => {
    const sync = (id: number) =>
      syncInvoice(world.services, { tenantId: TENANT, invoiceId: id, version: 'v' }, world.overrides);
    xero.state.afterCommit = { rate: 0.2, mode: 'error' };
    let failed = 0;
    const started = Date.now();
    // Five invoices at a time, like a worker's concurrency; each retried until it is through.
    for (let i = 0; i < ids.length; i += 5)
      await Promise.all(
        ids.slice(i, i + 5).map(async (id) => {
          for (;;) {
            try {
              return await sync(id);
            } catch {
              failed += 1;
            }
          }
        }),
      );
    xero.state.afterCommit = null;
    const firstPass = xero.calls.length;
    const writes = () => xero.calls.filter((c) => c.method !== 'GET').length;
    const written = writes();
    for (let replay = 0; replay < 3; replay++)
      for (const id of ids) expect((await sync(id)).outcome).toBe('synced');
    console.log(
      `load: ${N} invoices in ${((Date.now() - started) / 1000).toFixed(0)} s; ${xero.state.stats.afterCommit} answers lost after commit, ${failed} failed attempts; ` +
        `${(firstPass / N).toFixed(1)} Xero calls per invoice (first pass, with retries), ${((xero.calls.length - firstPass) / (3 * N)).toFixed(1)} per invoice per replay; ` +
        `${xero.invoices.size} invoices, ${xero.payments.size} payments, duplicates ${xero.duplicates().length}; replays wrote ${writes() - written}`,
    );
    expect(xero.invoices.size).toBe(N);
    expect(xero.duplicates()).toEqual([]);
    expect(writes()).toBe(written);
  },
  1_800_000,
);
