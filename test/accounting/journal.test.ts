// Journal mode: one summarised journal per day and business unit, posted to Xero (ManualJournals)
// and QuickBooks Online (JournalEntry) exactly once per revision, balanced to the cent, equal to
// ServiceTitan's day; answers lost after commit make no twin; a day edited after posting gets one
// adjusting entry with the differences only (never a second full entry).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fromAmountString, sum, toMoneyString } from '@invoicer/core';
import type { Payment } from '@invoicer/servicetitan';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { postJournal } from '../../apps/workers/src/accounting/journal.ts';
import { enqueueJournals } from '../../apps/workers/src/accounting/journal-source.ts';
import { reconcileBooks } from '../../apps/workers/src/accounting/reconcile.ts';
import { type FakeQbo, startFakeQbo } from '../support/fake-qbo.ts';
import { type FakeXero, startFakeXero } from '../support/fake-xero.ts';
import {
  connectThroughOAuth,
  postedTenant,
  reviewMappings,
  setModeChecked,
  startWorld,
  TENANT,
  type World,
} from './harness.ts';

const DAYS = 6;
const SPEC = path.resolve(import.meta.dirname, '../../../shared/accounting/xero/xero_accounting.yaml');

/** Twelve posted invoices, two a day over six days, alternating two business units; a deposit. */
function journalTenant() {
  const fixture = postedTenant(2 * DAYS);
  const day = new Map<number, string>();
  for (const [i, invoice] of fixture['accounting/invoices'].entries()) {
    const d = `2026-01-${String(1 + Math.floor(i / 2)).padStart(2, '0')}T00:00:00Z`;
    day.set(invoice.id, d);
    Object.assign(invoice, {
      invoiceDate: d,
      businessUnit: i % 2 ? { id: 20, name: 'Plumbing' } : { id: 10, name: 'HVAC Service' },
    });
  }
  const payments = fixture['accounting/payments'] as Payment[];
  for (const p of payments) p.date = day.get(p.appliedTo![0]!.appliedTo) ?? p.date;
  payments.push({
    id: 88_001,
    syncStatus: 'Posted',
    type: 'Check',
    total: '100.00',
    date: '2026-01-03T00:00:00Z',
    customer: { id: 100, name: 'Pat Customer' },
    businessUnit: { id: 10, name: 'HVAC Service' },
    active: true,
    appliedTo: [],
  } as Payment);
  return fixture;
}

/** What ServiceTitan says a (day, business unit) holds: invoiced totals and payments received. */
function expected(world: World) {
  const out = new Map<string, { invoiced: string[]; received: string[] }>();
  const slot = (k: string) => out.get(k) ?? out.set(k, { invoiced: [], received: [] }).get(k)!;
  const bu = new Map<number, number>();
  for (const i of world.sim.tenant.invoices.values()) {
    bu.set(i.id, i.businessUnit!.id!);
    slot(`${i.invoiceDate!.slice(0, 10)}:${i.businessUnit!.id}`).invoiced.push(i.total);
  }
  for (const p of world.sim.tenant.payments.values() as Iterable<Payment>) {
    const day = p.date!.slice(0, 10);
    for (const a of p.appliedTo ?? []) slot(`${day}:${bu.get(a.appliedTo)}`).received.push(a.appliedAmount);
    if (!p.appliedTo?.length) slot(`${day}:${p.businessUnit!.id}`).received.push(p.total);
  }
  const total = (xs: string[]) => toMoneyString(sum(xs.map(fromAmountString)));
  return new Map([...out].map(([k, v]) => [k, { invoiced: total(v.invoiced), received: total(v.received) }]));
}

const LEDGER_CHOICES = {
  xero: { 'ledger:deposit:Credit Card': { id: '091', name: 'Card Clearing' } },
  qbo: {} as Record<string, { id: string; name: string }>,
};

async function postAll(world: World) {
  const slots = [...expected(world).keys()].sort();
  const results = [];
  for (const key of slots) {
    const [day, businessUnit] = key.split(':') as [string, string];
    for (;;) {
      try {
        results.push(
          await postJournal(
            world.services,
            { tenantId: TENANT, day, businessUnit, version: 'v' },
            world.overrides,
          ),
        );
        break;
      } catch (error) {
        // A lost answer fails the attempt; the retry must not post a twin.
        if (!/answered 500|fetch failed|not in the read-back/.test(String(error))) throw error;
      }
    }
  }
  return results;
}

async function startJournalWorld<F extends FakeXero | FakeQbo>(provider: 'xero' | 'qbo', fake: F) {
  const world = await startWorld(journalTenant(), {
    limits: { [provider]: { windows: [{ ms: 60_000, limit: 100_000 }], concurrent: 5 } },
  });
  fake.state.limits.perMinute = 100_000;
  await connectThroughOAuth(world, provider, fake);
  await world.syncMirror();
  await setModeChecked(world, 'journal');
  const c = await world.database.db.accountingConnection.findUniqueOrThrow({ where: { tenantId: TENANT } });
  expect((c.rules as { journalStartDay?: string }).journalStartDay).toBe(
    new Date().toISOString().slice(0, 10),
  );
  await world.database.db.accountingConnection.update({
    where: { tenantId: TENANT },
    data: { rules: { journalStartDay: '2026-01-01' } },
  });
  return world;
}

describe('journal mode, Xero', () => {
  let world: World;
  let xero: FakeXero;
  const journalLines = () =>
    [...xero.journals.values()].flatMap((j) =>
      j.JournalLines.map((l) => ({ ...l, tag: /^\[([^\]]+)\]/.exec(j.Narration)![1]! })),
    );

  beforeAll(async () => {
    xero = await startFakeXero();
    world = await startJournalWorld('xero', xero);
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await xero?.close();
  });

  it('waits for the ledger accounts, suggested by name, before posting anything', async () => {
    const first = await postAll(world);
    expect(first.every((r) => r.outcome === 'needs_mapping')).toBe(true);
    expect(xero.journals.size).toBe(0);
    const rows = await world.database.db.accountingMapping.findMany({
      where: { tenantId: TENANT, kind: 'ledger' },
    });
    const suggested = Object.fromEntries(rows.map((r) => [r.stKey, r.externalId]));
    expect(suggested).toMatchObject({
      receivable: '610',
      'tax:zone:1': '820',
      unapplied: '835',
      'deposit:Check': '615',
    });
    await reviewMappings(world, LEDGER_CHOICES.xero);
  });

  it('posts one balanced journal per day and business unit, equal to ServiceTitan, despite lost answers', async () => {
    xero.state.afterCommit = { rate: 0.5, mode: 'error', match: 'PUT /ManualJournals' };
    const results = await postAll(world);
    xero.state.afterCommit = null;
    const want = expected(world);
    expect(results.every((r) => r.outcome === 'posted' && r.revisions === 1)).toBe(true);
    expect(xero.state.stats.afterCommit).toBeGreaterThan(0);
    expect(xero.journals.size).toBe(want.size);
    expect(xero.journalDuplicates()).toEqual([]);
    for (const j of xero.journals.values()) {
      expect(sum(j.JournalLines.map((l) => fromAmountString(String(l.LineAmount)))).isZero()).toBe(true);
      expect(j.Status).toBe('POSTED');
    }
    // Per day and unit: receivable debited with the day's invoices, credited with what was applied.
    const docs = await world.database.db.accountingDocument.findMany({
      where: { tenantId: TENANT, kind: 'journal' },
    });
    for (const doc of docs) {
      const d = doc.detail as { invoiced: string; received: string; debits: string; credits: string };
      expect({ invoiced: d.invoiced, received: d.received }).toEqual(want.get(doc.stId));
      expect(d.debits).toBe(d.credits);
      const tag = doc.number!;
      const lines = journalLines().filter((l) => l.tag === tag);
      const ar = lines.filter((l) => l.AccountCode === '610' && l.LineAmount > 0);
      expect(toMoneyString(sum(ar.map((l) => fromAmountString(String(l.LineAmount)))))).toBe(
        want.get(doc.stId)!.invoiced,
      );
    }
    // The deposit (applied to no invoice) is a liability, not a receivable.
    const deposit = journalLines().find((l) => l.AccountCode === '835');
    expect(deposit?.LineAmount).toBe(-100);
  });

  it('posts nothing again: a second pass and a scan write nothing', async () => {
    const writes = xero.calls.filter((c) => c.method !== 'GET').length;
    const again = await postAll(world);
    expect(again.every((r) => r.outcome === 'posted' && r.sent === 0)).toBe(true);
    const docs = await world.database.db.accountingDocument.findMany({
      where: { tenantId: TENANT, kind: 'journal' },
    });
    for (const d of docs)
      await world.database.db.accountingDocument.update({
        where: {
          tenantId_provider_kind_stId: { tenantId: TENANT, provider: 'xero', kind: 'journal', stId: d.stId },
        },
        data: { stVersion: null },
      });
    const queued = await enqueueJournals(world.services, TENANT);
    expect(queued).toBe(docs.length);
    expect(xero.calls.filter((c) => c.method !== 'GET').length).toBe(writes);
  });

  it('corrects a day edited after posting with one adjusting entry of the differences', async () => {
    const invoice = [...world.sim.tenant.invoices.values()].sort((a, b) => a.id - b.id)[4]!;
    const key = `${invoice.invoiceDate!.slice(0, 10)}:${invoice.businessUnit!.id}`;
    const before = xero.journals.size;
    Object.assign(invoice.items![0]!, { price: '160.00', total: '160.00' });
    Object.assign(invoice, {
      subTotal: '160.00',
      salesTax: '10.00',
      total: '170.00',
      balance: (170 - (Number(invoice.total) - Number(invoice.balance))).toFixed(2),
      modifiedOn: new Date().toISOString(),
    });
    world.sim.tenant.invoices.touch(invoice.id);
    await world.syncMirror();
    const [day, businessUnit] = key.split(':') as [string, string];
    xero.state.afterCommit = { rate: 1, mode: 'timeout', match: 'PUT /ManualJournals', times: 1 };
    xero.state.hangMs = 200;
    const run = () =>
      postJournal(
        world.services,
        { tenantId: TENANT, day, businessUnit, version: 'v2' },
        { ...world.overrides, timeoutMs: 1000 },
      );
    const result = await run().catch(run);
    expect(result).toMatchObject({ outcome: 'posted', revisions: 2 });
    expect(xero.journals.size).toBe(before + 1);
    expect(xero.journalDuplicates()).toEqual([]);
    const adjusting = [...xero.journals.values()].find((j) => j.Narration.includes('adjustment 1'))!;
    // Only what changed: receivable +15.94, revenue −15.00, tax −0.94; nothing else.
    expect(adjusting.Date).toBe(day);
    expect(adjusting.JournalLines.map((l) => `${l.AccountCode} ${l.LineAmount}`).sort()).toEqual([
      '220 -15',
      '610 15.94',
      '820 -0.94',
    ]);
    const doc = await world.database.db.accountingDocument.findFirstOrThrow({
      where: { tenantId: TENANT, kind: 'journal', stId: key },
    });
    expect((doc.detail as { invoiced: string }).invoiced).toBe(expected(world).get(key)!.invoiced);
  });

  it('compares our journals in the books with ServiceTitan: a journal deleted there opens a review item', async () => {
    // The scan's jobs, run as a worker would: every day at its current version (older jobs
    // of the tests above dropped first).
    const queue = world.queues.get('accounting.journal');
    for (const job of await queue.getJobs(['waiting', 'prioritized', 'delayed'])) await job.remove();
    // The report reads back the last rules.reportDays (35 by default); this month is older.
    await world.database.db.accountingConnection.update({
      where: { tenantId: TENANT },
      data: { rules: { journalStartDay: '2026-01-01', reportDays: 3650 } },
    });
    await world.database.db.accountingDocument.updateMany({
      where: { tenantId: TENANT, kind: 'journal' },
      data: { stVersion: null },
    });
    await enqueueJournals(world.services, TENANT);
    for (const job of await queue.getJobs(['waiting', 'prioritized', 'delayed'])) {
      expect(await postJournal(world.services, job.data, world.overrides)).toMatchObject({
        outcome: 'posted',
        sent: 0,
      });
      await job.remove();
    }
    const first = await reconcileBooks(world.services, { tenantId: TENANT, version: 'j1' }, world.overrides);
    expect(first).toMatchObject({ queued: 0, open: 0 });
    const reads = xero.calls.filter((c) => c.method === 'GET' && c.path.startsWith('/ManualJournals/'));
    expect(reads.length).toBeGreaterThanOrEqual(12);
    const victim = [...xero.journals.values()][0]!;
    victim.Status = 'DELETED';
    const second = await reconcileBooks(world.services, { tenantId: TENANT, version: 'j2' }, world.overrides);
    expect(second).toMatchObject({ open: 1, review: { opened: 1 } });
    const item = await world.database.db.reviewItem.findFirstOrThrow({
      where: { tenantId: TENANT, kind: 'accounting' },
    });
    expect(item.reasons).toEqual(['books_journal']);
    expect(item.summary).toContain('no longer in the books');
    victim.Status = 'POSTED';
    const third = await reconcileBooks(world.services, { tenantId: TENANT, version: 'j3' }, world.overrides);
    expect(third).toMatchObject({ open: 0, review: { closed: 1 } });
  });

  it.skipIf(!existsSync(SPEC))(
    'sends and receives only what the Xero document describes for manual journals',
    () => {
      const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
      ajv.addSchema(parse(readFileSync(SPEC, 'utf8')), 'xero');
      const check = ajv.getSchema('xero#/components/schemas/ManualJournals')!;
      const calls = xero.calls.filter((c) => c.path.startsWith('/ManualJournals'));
      const problems: string[] = [];
      for (const call of calls) {
        const what = `${call.method} ${call.path}`;
        if (call.method === 'PUT') {
          if (!call.headers['idempotency-key'] || call.headers['idempotency-key'].length > 128)
            problems.push(`${what}: Idempotency-Key`);
          if (!check(call.body))
            problems.push(`${what} request: ${JSON.stringify(check.errors).slice(0, 300)}`);
        }
        if (call.status === 200 && !check(call.response))
          problems.push(`${what} answer: ${JSON.stringify(check.errors).slice(0, 300)}`);
      }
      expect(new Set(calls.map((c) => `${c.method} ${c.path.replace(/[0-9a-f-]{36}/, ':id')}`))).toEqual(
        new Set(['GET /ManualJournals', 'GET /ManualJournals/:id', 'PUT /ManualJournals']),
      );
      expect(problems).toEqual([]);
      // It would notice a wrong shape: a status the document does not allow.
      expect(check({ ManualJournals: [{ Narration: 'x', Status: 'APPROVED' }] })).toBe(false);
    },
  );
});

describe('journal mode, QuickBooks Online', () => {
  let world: World;
  let qbo: FakeQbo;

  beforeAll(async () => {
    qbo = await startFakeQbo();
    world = await startJournalWorld('qbo', qbo);
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await qbo?.close();
  });

  it('posts one balanced JournalEntry per day and business unit, once, despite lost answers', async () => {
    await postAll(world);
    const accounts = new Map([...qbo.tables.Account.values()].map((a) => [String(a.Name), a.Id]));
    await reviewMappings(world, {
      'ledger:revenue:Material': {
        id: accounts.get('Sales of Product Income')!,
        name: 'Sales of Product Income',
      },
      'ledger:deposit:Check': { id: accounts.get('Undeposited Funds')!, name: 'Undeposited Funds' },
      'ledger:deposit:Credit Card': { id: accounts.get('Undeposited Funds')!, name: 'Undeposited Funds' },
    });
    qbo.state.afterCommit = { rate: 0.5, mode: 'error', match: 'POST /journalentry' };
    const results = await postAll(world);
    qbo.state.afterCommit = null;
    const want = expected(world);
    expect(results.every((r) => r.outcome === 'posted')).toBe(true);
    expect(qbo.state.stats.afterCommit).toBeGreaterThan(0);
    expect(qbo.tables.JournalEntry.size).toBe(want.size);
    expect(qbo.journalDuplicates()).toEqual([]);
    const ar = accounts.get('Accounts Receivable (A/R)')!;
    for (const entry of qbo.tables.JournalEntry.values()) {
      const lines = entry.Line as {
        Amount: number;
        JournalEntryLineDetail: { PostingType: string; AccountRef: { value: string } };
      }[];
      const side = (t: string) =>
        sum(
          lines
            .filter((l) => l.JournalEntryLineDetail.PostingType === t)
            .map((l) => fromAmountString(String(l.Amount))),
        );
      expect(side('Debit').equals(side('Credit'))).toBe(true);
      const key = `${String(entry.TxnDate)}:${/^J\d{8}-(\w+)-/.exec(String(entry.DocNumber))![1]}`;
      const invoiced = lines.filter(
        (l) =>
          l.JournalEntryLineDetail.AccountRef.value === ar &&
          l.JournalEntryLineDetail.PostingType === 'Debit',
      );
      expect(toMoneyString(sum(invoiced.map((l) => fromAmountString(String(l.Amount)))))).toBe(
        want.get(key)!.invoiced,
      );
    }
  });
});
