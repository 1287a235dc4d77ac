// After sync, an invoice changes in ServiceTitan: by the tenant's rule it is updated in place
// (default) or voided and issued again as <number>-R1 — once, whatever the retries; an invoice
// with payments is not voided, and one edited in the books meanwhile is not overwritten: both
// become findings for a person.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

let world: World;
let xero: FakeXero;
let ids: number[] = [];
const sync = (invoiceId: number, version = 'v1') =>
  syncInvoice(world.services, { tenantId: TENANT, invoiceId, version }, world.overrides);
const writes = () =>
  xero.calls
    .filter((c) => c.method !== 'GET')
    .map((c) => `${c.method} ${c.path.replace(/[0-9a-f-]{36}/, ':id')}`);

/** Someone in the office changes the price of the invoice's line in ServiceTitan: $160 + $10 tax. */
function editInServiceTitan(id: number) {
  const invoice = world.sim.tenant.invoices.get(id)!;
  const paid = Number(invoice.total) - Number(invoice.balance ?? invoice.total);
  Object.assign(invoice.items![0]!, { price: '160.00', total: '160.00' });
  Object.assign(invoice, {
    subTotal: '160.00',
    salesTax: '10.00',
    total: '170.00',
    balance: (170 - paid).toFixed(2),
    modifiedOn: new Date().toISOString(),
  });
  world.sim.tenant.invoices.touch(id);
}
const inXero = (id: number) =>
  [...xero.invoices.values()].filter((i) => i.InvoiceNumber.startsWith(`INV-${id}`));

beforeAll(async () => {
  xero = await startFakeXero();
  world = await startWorld(postedTenant(9), {
    limits: { xero: { windows: [{ ms: 60_000, limit: 100_000 }], concurrent: 5 } },
  });
  xero.state.limits.perMinute = 100_000;
  ids = [...world.sim.tenant.invoices.values()].map((i) => i.id).sort((a, b) => a - b);
  await connectThroughOAuth(world, 'xero', xero);
  await world.syncMirror();
  await readyForInvoices(world, xero, sync, ids.slice(0, 2));
  for (const id of ids) expect((await sync(id)).outcome).toBe('synced');
}, 120_000);
afterAll(async () => {
  await world?.close();
  await xero?.close();
});

describe('changes after sync', () => {
  it('updates the invoice in place by default, once', async () => {
    const id = ids[2]!; // unpaid
    editInServiceTitan(id);
    const before = writes().length;
    const result = await sync(id, 'v2');
    expect(result).toMatchObject({ outcome: 'synced', change: 'updated' });
    expect(writes().slice(before)).toEqual(['POST /Invoices/:id']);
    expect(inXero(id)).toHaveLength(1);
    expect(inXero(id)[0]).toMatchObject({ Total: 170, TotalTax: 10, Status: 'AUTHORISED' });
    expect((await sync(id, 'v3')).change).toBeNull();
    expect(writes()).toHaveLength(before + 1);
  });

  it('voids and re-issues by the tenant rule, once', async () => {
    await world.database.db.accountingConnection.update({
      where: { tenantId: TENANT },
      data: { rules: { onChange: 'void_reissue' } },
    });
    const id = ids[5]!; // unpaid
    editInServiceTitan(id);
    const before = writes().length;
    const result = await sync(id, 'v2');
    expect(result).toMatchObject({ outcome: 'synced', change: 'reissued' });
    expect(writes().slice(before)).toEqual(['POST /Invoices/:id', 'PUT /Invoices']);
    const copies = inXero(id)
      .map((i) => `${i.InvoiceNumber} ${i.Status} ${i.Total}`)
      .sort();
    expect(copies).toEqual([`INV-${id} VOIDED 154.06`, `INV-${id}-R1 AUTHORISED 170`]);
    expect(xero.duplicates()).toEqual([]);
    const doc = await world.database.db.accountingDocument.findFirstOrThrow({
      where: { tenantId: TENANT, stId: String(id), kind: 'invoice' },
    });
    expect(doc.number).toBe(`INV-${id}-R1`);
    expect((await sync(id, 'v3')).change).toBeNull();
    expect(writes()).toHaveLength(before + 2);
  });

  it('does not void an invoice with payments: a finding for a person', async () => {
    const id = ids[1]!; // $50 paid
    editInServiceTitan(id);
    const before = writes().length;
    const result = await sync(id, 'v2');
    expect(result).toMatchObject({ outcome: 'difference', change: 'refused' });
    expect(writes()).toHaveLength(before);
    const finding = await world.database.db.accountingFinding.findFirst({
      where: { tenantId: TENANT, stId: String(id), kind: 'changed_after_sync', resolvedAt: null },
    });
    expect(finding?.detail).toContain('has payments');
  });

  it('does not overwrite an invoice edited in the books since we wrote it', async () => {
    await world.database.db.accountingConnection.update({
      where: { tenantId: TENANT },
      data: { rules: { onChange: 'update' } },
    });
    const id = ids[3]!;
    const copy = inXero(id)[0]!;
    copy.Reference = 'edited by the bookkeeper';
    copy.updated = Date.now() + 1000;
    editInServiceTitan(id);
    const before = writes().length;
    const result = await sync(id, 'v2');
    expect(result).toMatchObject({ outcome: 'difference', change: 'refused' });
    expect(writes()).toHaveLength(before);
    const finding = await world.database.db.accountingFinding.findFirst({
      where: { tenantId: TENANT, stId: String(id), kind: 'changed_after_sync' },
    });
    expect(finding?.detail).toContain('edited in the books');
  });
});
