// Exactly once under the worst of it: posted invoices synced to Xero and to QuickBooks Online by
// real worker processes (test/accounting/worker-proc.ts, the production handler registry) over
// BullMQ, replayed three times, with answers lost after commit AND worker processes SIGKILLed
// at random mid-job (restarted a moment later; BullMQ hands their stalled jobs to the others;
// a job failed after stalling twice is re-driven, as the sweeper does). Then: 0 duplicate
// invoices or payments in the books, every invoice there to the cent and marked exported, and
// the calls per invoice to each provider printed.
// Small by default (CI); ACCOUNTING_LOAD_INVOICES=1000 for the full run.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fromAmountString } from '@invoicer/core';
import { testRedisUrl } from '@invoicer/db/testing';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncInvoice } from '../../apps/workers/src/accounting/sync.ts';
import { type Proc, Supervisor } from '../chaos/procs.ts';
import { type FakeQbo, startFakeQbo } from '../support/fake-qbo.ts';
import { type FakeXero, startFakeXero } from '../support/fake-xero.ts';
import { waitFor } from '../support/wait.ts';
import {
  connectThroughOAuth,
  freePort,
  postedTenant,
  readyForInvoices,
  reviewMappings,
  setModeChecked,
  startWorld,
  TENANT,
  type World,
} from './harness.ts';

const N = Number(process.env.ACCOUNTING_LOAD_INVOICES ?? 12);
const FULL = N > 50;
const WORKERS = FULL ? 3 : 2;
const PASSES = 4; // the first sync and three replays

type Fake = FakeXero | FakeQbo;

/** Duplicate invoices (by number) and payments (same reference on the same invoice) in the books. */
function duplicates(
  provider: 'xero' | 'qbo',
  fake: Fake,
): { invoices: string[]; payments: string[]; paymentCount: number } {
  const count = (keys: string[]) => {
    const seen = new Map<string, number>();
    for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
  };
  if (provider === 'xero') {
    const x = fake as FakeXero;
    const keys = [...x.payments.values()].map((p) => `${p.InvoiceID}|${p.Reference}`);
    return { invoices: x.duplicates(), payments: count(keys), paymentCount: keys.length };
  }
  const q = fake as FakeQbo;
  const keys = [...q.tables.Payment.values()].flatMap((p) =>
    (p.Line as { LinkedTxn: { TxnId: string }[] }[]).flatMap((l) =>
      l.LinkedTxn.map((t) => `${t.TxnId}|${p.PrivateNote}`),
    ),
  );
  return { invoices: q.duplicates(), payments: count(keys), paymentCount: keys.length };
}

describe.each(['xero', 'qbo'] as const)('%s: replays with lost answers and killed workers', (provider) => {
  let world: World;
  let fake: Fake;
  let sup: Supervisor;
  let procs: Proc[] = [];
  let ids: number[] = [];

  beforeAll(async () => {
    fake = provider === 'xero' ? await startFakeXero() : await startFakeQbo();
    fake.state.limits.perMinute = 10_000_000;
    fake.state.limits.perDay = 10_000_000;
    const concurrent = provider === 'xero' ? 5 : 10;
    const overrides = {
      limits: { [provider]: { windows: [{ ms: 60_000, limit: 10_000_000 }], concurrent } },
      timeoutMs: 2000,
    };
    world = await startWorld(postedTenant(N), overrides);
    ids = [...world.sim.tenant.invoices.values()].map((i) => i.id).sort((a, b) => a - b);
    await connectThroughOAuth(world, provider, fake);
    await world.syncMirror();
    const once = (invoiceId: number) =>
      syncInvoice(world.services, { tenantId: TENANT, invoiceId, version: 'setup' }, world.overrides);
    if (provider === 'xero') await readyForInvoices(world, fake as FakeXero, once, ids.slice(0, 2));
    else {
      await setModeChecked(world, 'invoices');
      for (const id of ids.slice(0, 2)) await once(id);
      const undeposited = [...(fake as FakeQbo).tables.Account.values()].find(
        (a) => a.Name === 'Undeposited Funds',
      )!;
      await reviewMappings(world, {
        'tax:zone:1': { id: 'TAX', name: 'TAX' },
        'tax:exempt': { id: 'NON', name: 'NON' },
        'payment:Credit Card': { id: undeposited.Id, name: 'Undeposited Funds' },
      });
    }
    // Slow enough that kills land mid-job; the setup's calls are not counted below.
    fake.state.latencyMs = FULL ? 10 : 25;
    sup = new Supervisor(mkdtempSync(path.join(tmpdir(), `acct-load-${provider}-`)));
    const env = {
      ...process.env,
      DATABASE_URL: world.database.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: world.queues.prefix,
      CREDENTIALS_KEY_HEX: world.credentialsKey.toString('hex'),
      ACCOUNTING_OVERRIDES: JSON.stringify(overrides),
      WORKER_LOCK_MS: '2000',
      WORKER_CONCURRENCY: '3',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    };
    procs = [];
    for (let i = 0; i < WORKERS; i++) {
      const port = await freePort();
      procs.push(
        sup.add(
          `worker-${i}`,
          'test/accounting/worker-proc.ts',
          { ...env, WORKER_HTTP_PORT: String(port) },
          `http://127.0.0.1:${port}/`,
        ),
      );
    }
    for (const p of procs) p.startNow();
    await Promise.all(procs.map((p) => p.waitReady(120_000)));
  }, 600_000);
  afterAll(async () => {
    await sup?.stopAll(5000);
    await world?.close();
    await fake?.close();
  });

  it(
    `${N} invoices, ${PASSES - 1} replays: 0 duplicates in the books`,
    async () => {
      const queue = world.queues.get('accounting.sync');
      const started = Date.now();
      const callsBefore = fake.calls.length;
      const perPass: number[] = [];
      let kills = 0;
      let redriven = 0;
      fake.state.afterCommit = { rate: 0.2, mode: provider === 'xero' ? 'error' : 'timeout' };
      fake.state.hangMs = 2500;
      for (let pass = 0; pass < PASSES; pass++) {
        const passCalls = fake.calls.length;
        const version = `load${pass}`;
        for (const invoiceId of ids)
          await world.queues.enqueue('accounting.sync', { tenantId: TENANT, invoiceId, version });
        const pending = new Set(ids.map((id) => `acct-${TENANT}.inv${id}.${version}`));
        let done = false;
        // The killer: a random worker, SIGKILLed while jobs run, restarted a moment later.
        const killer = (async () => {
          // The first kill of the run comes as soon as a job runs, so every run has one.
          while (!done) {
            const soon = kills === 0;
            await new Promise((r) => setTimeout(r, soon ? 50 : 300 + Math.random() * (FULL ? 3000 : 1200)));
            if (done) break;
            // Only a process that is up and while jobs run (so the kill lands mid-job), and
            // never the last one up.
            const ready = [];
            for (const p of procs) if (await p.isReady()) ready.push(p);
            if (ready.length < 2 || !(await queue.getActiveCount())) continue;
            const running = ready;
            const victim = running[Math.floor(Math.random() * running.length)]!;
            if (await victim.kill(200 + Math.random() * 800)) kills += 1;
          }
        })();
        await waitFor(
          async () => {
            for (const id of [...pending]) {
              const job = (await queue.getJob(id)) as Job | undefined;
              const state = job ? await job.getState() : 'completed'; // removed on completion
              if (state === 'completed') pending.delete(id);
              else if (state === 'failed') {
                // Failed after stalling twice or five lost answers: re-driven, as the sweeper does.
                await job!.retry('failed');
                redriven += 1;
              }
            }
            return pending.size;
          },
          (n) => n === 0,
          {
            timeoutMs: FULL ? 3_600_000 : 240_000,
            intervalMs: 500,
            what: `pass ${pass}: every sync job done`,
          },
        );
        done = true;
        await killer;
        perPass.push(fake.calls.length - passCalls);
      }
      fake.state.afterCommit = null;
      const dup = duplicates(provider, fake);
      const invoicesInBooks =
        provider === 'xero' ? (fake as FakeXero).invoices.size : (fake as FakeQbo).tables.Invoice.size;
      const expectedPayments = [...world.sim.tenant.payments.values()].reduce(
        (n, p) => n + (p.appliedTo?.length ?? 0),
        0,
      );
      const docs = await world.database.db.accountingDocument.groupBy({
        by: ['status'],
        where: { tenantId: TENANT, kind: 'invoice' },
        _count: { _all: true },
      });
      const calls = fake.calls.length - callsBefore;
      console.log(
        `${provider} load: ${N} invoices, ${PASSES - 1} replays in ${((Date.now() - started) / 1000).toFixed(0)} s; ` +
          `${fake.state.stats.afterCommit} answers lost after commit, ${kills} workers killed while jobs ran, ${redriven} jobs re-driven; ` +
          `${invoicesInBooks} invoices and ${dup.paymentCount} payments in the books, duplicates ${dup.invoices.length} invoices / ${dup.payments.length} payments; ` +
          `${(perPass[0]! / N).toFixed(2)} ${provider} calls per invoice (first pass, with retries), ` +
          `${(perPass.slice(1).reduce((a, b) => a + b, 0) / (3 * N)).toFixed(2)} per invoice per replay, ${(calls / N).toFixed(2)} in all; ` +
          `provider idempotent replays ${fake.state.stats.idempotentReplays}`,
      );
      expect(dup.invoices).toEqual([]);
      expect(dup.payments).toEqual([]);
      expect(invoicesInBooks).toBe(N);
      expect(dup.paymentCount).toBe(expectedPayments);
      expect(docs).toEqual([{ status: 'synced', _count: { _all: N } }]);
      for (const invoice of world.sim.tenant.invoices.values()) expect(invoice.syncStatus).toBe('Exported');
      // Every invoice in the books equals ServiceTitan's to the cent, tax included.
      const books = new Map(
        provider === 'xero'
          ? [...(fake as FakeXero).invoices.values()].map((i) => [
              i.InvoiceNumber,
              { total: i.Total, tax: i.TotalTax },
            ])
          : [...(fake as FakeQbo).tables.Invoice.values()].map((i) => [
              String(i.DocNumber),
              { total: i.TotalAmt, tax: (i.TxnTaxDetail as { TotalTax: number }).TotalTax },
            ]),
      );
      for (const invoice of world.sim.tenant.invoices.values()) {
        const booked = books.get(invoice.referenceNumber!);
        expect(booked, invoice.referenceNumber!).toBeDefined();
        expect(fromAmountString(String(booked!.total)).equals(fromAmountString(invoice.total))).toBe(true);
        expect(fromAmountString(String(booked!.tax)).equals(fromAmountString(invoice.salesTax))).toBe(true);
      }
      expect(kills).toBeGreaterThan(0);
      expect(fake.state.stats.afterCommit).toBeGreaterThan(0);
    },
    FULL ? 7_200_000 : 300_000,
  );
});
