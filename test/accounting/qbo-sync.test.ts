// QuickBooks Online, invoices mode: posted invoices and payments reach QuickBooks once under
// after-commit faults (500s and timeouts), to the cent, balances equal ServiceTitan's; a repeated
// `requestid` is answered with the original; an update with a stale SyncToken is refused and
// one with the current token applies; never more than 10 calls at a time.
import { BooksApiError, openBooks } from '@invoicer/accounting';
import { fromAmountString } from '@invoicer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncInvoice } from '../../apps/workers/src/accounting/sync.ts';
import { type FakeQbo, startFakeQbo } from '../support/fake-qbo.ts';
import {
  booksOpts,
  connectThroughOAuth,
  postedTenant,
  reviewMappings,
  setModeChecked,
  startWorld,
  TENANT,
  type World,
} from './harness.ts';

const INVOICES = 30;
let world: World;
let qbo: FakeQbo;
let ids: number[] = [];
let failures = 0;
const sync = (invoiceId: number) =>
  syncInvoice(world.services, { tenantId: TENANT, invoiceId, version: 'v1' }, world.overrides);

beforeAll(async () => {
  qbo = await startFakeQbo();
  qbo.state.hangMs = 1200;
  world = await startWorld(postedTenant(INVOICES), { timeoutMs: 800, maxInlineWaitMs: 5000 });
  ids = [...world.sim.tenant.invoices.values()].map((i) => i.id).sort((a, b) => a - b);
  const connected = await connectThroughOAuth(world, 'qbo', qbo);
  expect(connected.externalTenantId).toBe(qbo.realmId);
  await world.syncMirror();
}, 60_000);
afterAll(async () => {
  await world?.close();
  await qbo?.close();
});

describe('QuickBooks Online invoices mode', () => {
  it('records the mappings with suggestions; a person confirms them once', async () => {
    await setModeChecked(world, 'invoices');
    expect((await sync(ids[0]!)).outcome).toBe('needs_mapping');
    expect((await sync(ids[1]!)).outcome).toBe('needs_mapping');
    expect(qbo.tables.Invoice.size).toBe(0);
    const find = (table: 'Item' | 'Account', name: string) =>
      [...qbo.tables[table].values()].find((r) => r.Name === name)!.Id;
    const rows = await reviewMappings(world, {
      'tax:zone:1': { id: 'TAX', name: 'TAX' },
      // The suggestion for "Tax exempt" is TAX by name: the person corrects it.
      'tax:exempt': { id: 'NON', name: 'NON' },
      'payment:Credit Card': { id: find('Account', 'Undeposited Funds'), name: 'Undeposited Funds' },
    });
    const byKey = new Map(rows.map((r) => [`${r.kind}:${r.stKey}`, r]));
    expect(byKey.get('account:Material')?.externalId).toBe(find('Item', 'Materials'));
    expect(byKey.get('payment:Check')?.externalId).toBe(find('Account', 'Checking'));
  });

  it('posts every invoice and payment once under after-commit faults', async () => {
    qbo.state.afterCommit = { rate: 0.35, mode: 'error' };
    for (const [n, id] of ids.entries()) {
      if (n === Math.floor(ids.length / 2)) qbo.state.afterCommit = { rate: 0.35, mode: 'timeout' };
      for (let attempt = 1; ; attempt++) {
        try {
          expect((await sync(id)).outcome).toBe('synced');
          break;
        } catch (error) {
          failures += 1;
          if (attempt >= 8) throw error;
        }
      }
    }
    qbo.state.afterCommit = null;
    console.log(
      `qbo: ${ids.length} invoices, ${qbo.state.stats.afterCommit} answers lost after commit, ${failures} failed attempts, ${qbo.calls.length} calls`,
    );
    expect(qbo.state.stats.afterCommit).toBeGreaterThan(5);
    expect(qbo.duplicates()).toEqual([]);
    expect(qbo.tables.Invoice.size).toBe(INVOICES);
    // One QuickBooks payment per (ServiceTitan payment, invoice): the split payment makes two.
    expect(qbo.tables.Payment.size).toBe(world.sim.tenant.payments.size + 1);
    const refs = [...qbo.tables.Payment.values()].map((p) => `${p.PrivateNote}|${JSON.stringify(p.Line)}`);
    expect(new Set(refs).size).toBe(refs.length);
    const byNumber = new Map([...qbo.tables.Invoice.values()].map((i) => [String(i.DocNumber), i]));
    for (const id of ids) {
      const st = world.sim.tenant.invoices.get(id)!;
      const q = byNumber.get(st.referenceNumber!)!;
      expect(fromAmountString(String(q.TotalAmt)).equals(fromAmountString(st.total))).toBe(true);
      expect(
        fromAmountString(String((q.TxnTaxDetail as { TotalTax: number }).TotalTax)).equals(
          fromAmountString(st.salesTax),
        ),
      ).toBe(true);
      expect(fromAmountString(String(q.Balance)).equals(fromAmountString(st.balance ?? st.total))).toBe(true);
      expect(st.syncStatus).toBe('Exported');
    }
    const before = qbo.calls.filter((c) => c.method === 'POST').length;
    for (const id of ids) expect((await sync(id)).outcome).toBe('synced');
    expect(qbo.calls.filter((c) => c.method === 'POST').length).toBe(before);
  }, 240_000);

  it('answers a repeated requestid with the original; a stale SyncToken is refused', async () => {
    const open = (await openBooks(booksOpts(world), TENANT))!;
    const invoice = (await open.books.findInvoiceByNumber(`INV-${ids[5]}`))!;
    const draft = {
      number: 'INV-REPLAY',
      reference: 'replay test',
      date: '2026-01-09',
      dueDate: '2026-01-09',
      contactId: invoice.contactId!,
      lines: [
        {
          description: 'x',
          quantity: '1',
          unitAmount: '10.00',
          lineAmount: '10.00',
          accountCode: [...qbo.tables.Item.keys()][0]!,
          itemCode: null,
          taxType: 'NON',
          taxAmount: '0.00',
        },
      ],
      subTotal: '10.00',
      totalTax: '0.00',
      total: '10.00',
    };
    await open.books.createInvoice(draft, 'books:qbo:acme:replay-test');
    await open.books.createInvoice(draft, 'books:qbo:acme:replay-test');
    expect([...qbo.tables.Invoice.values()].filter((i) => i.DocNumber === 'INV-REPLAY')).toHaveLength(1);
    expect(qbo.state.stats.idempotentReplays).toBeGreaterThan(0);
    const current = (await open.books.findInvoiceByNumber('INV-REPLAY'))!;
    const stale = { ...current, version: String(Number(current.version) - 1) };
    const refused = await open.books
      .updateInvoice(stale, { ...draft, reference: 'stale' }, 'books:qbo:acme:stale')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BooksApiError);
    expect((refused as BooksApiError).detail).toContain('5010');
    await open.books.updateInvoice(current, { ...draft, reference: 'fresh' }, 'books:qbo:acme:fresh');
    const updated = [...qbo.tables.Invoice.values()].find((i) => i.DocNumber === 'INV-REPLAY')!;
    expect(updated.PrivateNote).toBe('fresh');
    expect(updated.SyncToken).toBe(String(Number(current.version) + 1));
  });

  it('keeps to 10 concurrent calls per company', async () => {
    qbo.state.stats.maxConcurrent = 0;
    const results = await Promise.all(ids.map((id) => sync(id)));
    expect(results.every((r) => r.outcome === 'synced')).toBe(true);
    expect(qbo.state.stats.maxConcurrent).toBeGreaterThan(1);
    expect(qbo.state.stats.maxConcurrent).toBeLessThanOrEqual(10);
    expect(qbo.state.stats.throttled).toBe(0);
  });
});
