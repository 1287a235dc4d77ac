// Xero, invoices mode: every posted ServiceTitan invoice and its payments reach Xero exactly once,
// with the same number, lines, tax and total to the cent, even when Xero applies a write and the
// answer is lost (a 500 or a timeout after commit); ServiceTitan is told (markasexported, once);
// a second pass writes nothing; a lost ledger row is covered by the lookup by invoice number.
import { fromAmountString } from '@invoicer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoiceCreateKey } from '../../apps/workers/src/accounting/ledger.ts';
import { type SyncResult, syncInvoice } from '../../apps/workers/src/accounting/sync.ts';
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

const INVOICES = 24;
let world: World;
let xero: FakeXero;
let ids: number[] = [];
const outcomes: string[] = [];
let failures = 0;

const writes = () => xero.calls.filter((c) => c.method !== 'GET').length;
const sync = (invoiceId: number) =>
  syncInvoice(world.services, { tenantId: TENANT, invoiceId, version: 'v1' }, world.overrides);

/** What BullMQ does: run again after a failure (a lost answer throws), until it succeeds. */
async function syncUntilDone(invoiceId: number): Promise<SyncResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sync(invoiceId);
    } catch (error) {
      failures += 1;
      if (attempt >= 8) throw error;
    }
  }
}

beforeAll(async () => {
  xero = await startFakeXero({ limits: { perMinute: 100_000 } });
  world = await startWorld(postedTenant(INVOICES), {
    timeoutMs: 800,
    maxInlineWaitMs: 5000,
    // The rate test (rate-limits.test.ts) covers the limits; here they would only slow us down.
    limits: { xero: { windows: [{ ms: 60_000, limit: 100_000 }], concurrent: 5 } },
  });
  xero.state.hangMs = 1200;
  ids = [...world.sim.tenant.invoices.values()].map((i) => i.id).sort((a, b) => a - b);
  await connectThroughOAuth(world, 'xero', xero);
  await world.syncMirror();
}, 60_000);
afterAll(async () => {
  await world?.close();
  await xero?.close();
});

describe('Xero invoices mode', () => {
  it('refuses to write before the mode is chosen (a new connection observes)', async () => {
    expect((await sync(ids[0]!)).outcome).toBe('mode_off');
    expect(writes()).toBe(0);
  });

  it('waits for a person to confirm mappings once, writing nothing partial', async () => {
    await setModeChecked(world, 'invoices');
    // A check-paid and a card-paid invoice: their needs are recorded with suggestions by name.
    expect((await sync(ids[0]!)).outcome).toBe('needs_mapping');
    expect((await sync(ids[1]!)).outcome).toBe('needs_mapping');
    // The customer was created as a contact (ledgered) — the only write so far.
    expect(xero.invoices.size).toBe(0);
    expect(xero.payments.size).toBe(0);
    expect([...xero.contacts.values()].map((c) => c.Name)).toEqual(['Pat Customer']);
    const card = xero.accounts.find((a) => a.Code === '091')!;
    const rows = await reviewMappings(world, {
      'tax:zone:1': { id: 'OUTPUT', name: 'Sales Tax on Income' },
      'payment:Credit Card': { id: card.AccountID, name: 'Card Clearing' },
    });
    const byKey = new Map(rows.map((r) => [`${r.kind}:${r.stKey}`, r]));
    // Suggested by name: "Material revenue" → 220 Material Sales; "Check deposits" → the checking account.
    expect(byKey.get('account:Material')?.externalName).toBe('220 Material Sales');
    expect(byKey.get('payment:Check')?.externalName).toBe('090 Checking Account');
    expect(byKey.get('tax:exempt')?.externalId).toBe('NONE');
    expect([...byKey.keys()].sort()).toEqual(
      ['account:Material', 'payment:Check', 'payment:Credit Card', 'tax:exempt', 'tax:zone:1'].sort(),
    );
  });

  it('posts every invoice and payment once under after-commit faults', async () => {
    xero.state.afterCommit = { rate: 0.35, mode: 'error' };
    for (const [n, id] of ids.entries()) {
      if (n === Math.floor(ids.length / 2)) xero.state.afterCommit = { rate: 0.35, mode: 'timeout' };
      outcomes.push((await syncUntilDone(id)).outcome);
    }
    xero.state.afterCommit = null;
    console.log(
      `xero: ${ids.length} invoices, ${xero.state.stats.afterCommit} answers lost after commit, ${failures} failed attempts, ${xero.state.stats.idempotentReplays} idempotent replays, ${xero.calls.length} calls`,
    );
    expect(xero.state.stats.afterCommit).toBeGreaterThan(5);
    expect(outcomes.every((o) => o === 'synced')).toBe(true);
    expect(xero.duplicates()).toEqual([]);
    expect(xero.invoices.size).toBe(INVOICES);
    // Payments: one per (ST payment, invoice) application; none twice.
    const expected = world.sim.tenant.payments.size + 1; // the split payment covers two invoices
    expect(xero.payments.size).toBe(expected);
    const refs = [...xero.payments.values()].map((p) => `${p.Reference}|${p.InvoiceID}`);
    expect(new Set(refs).size).toBe(refs.length);
  }, 240_000);

  it('matches ServiceTitan to the cent: number, total, tax, amount due', async () => {
    const byNumber = new Map([...xero.invoices.values()].map((i) => [i.InvoiceNumber, i]));
    for (const id of ids) {
      const st = world.sim.tenant.invoices.get(id)!;
      const x = byNumber.get(st.referenceNumber!)!;
      expect(x, st.referenceNumber!).toBeDefined();
      expect(fromAmountString(String(x.Total)).equals(fromAmountString(st.total))).toBe(true);
      expect(fromAmountString(String(x.TotalTax)).equals(fromAmountString(st.salesTax))).toBe(true);
      expect(fromAmountString(String(x.AmountDue)).equals(fromAmountString(st.balance ?? st.total))).toBe(
        true,
      );
      // ServiceTitan marked exported, with Xero's id.
      expect(st.syncStatus).toBe('Exported');
      expect((st as { _exportMark?: { externalId: string } })._exportMark?.externalId).toBe(x.InvoiceID);
    }
    const docs = await world.database.db.accountingDocument.findMany({
      where: { tenantId: TENANT, kind: 'invoice' },
    });
    expect(docs.filter((d) => d.status === 'synced')).toHaveLength(INVOICES);
    const open = await world.database.db.stWrite.count({
      where: { key: { startsWith: 'books:' }, status: { not: 'completed' } },
    });
    expect(open).toBe(0);
  });

  it('writes nothing on a second full pass', async () => {
    const before = writes();
    for (const id of ids) expect((await sync(id)).outcome).toBe('synced');
    expect(writes()).toBe(before);
    expect(xero.invoices.size).toBe(INVOICES);
  });

  it('finds an invoice by number when our ledger lost its row, and adopts it instead of creating a twin', async () => {
    const id = ids[3]!;
    await world.database.db.stWrite.delete({ where: { key: invoiceCreateKey('xero', TENANT, id) } });
    const before = writes();
    const result = await sync(id);
    expect(result.outcome).toBe('synced');
    expect(writes()).toBe(before);
    expect(xero.duplicates()).toEqual([]);
    const finding = await world.database.db.accountingFinding.findFirst({
      where: { tenantId: TENANT, kind: 'adopted', stId: String(id) },
    });
    expect(finding?.detail).toContain('adopted');
  });
});
