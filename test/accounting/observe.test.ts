// Observe mode: a shop whose own export (ServiceTitan's integration) already posts to Xero. We
// only read: the planted differences (an invoice missing from the books, a changed amount, a
// payment on the wrong invoice, an invoice only the books have) are all found, nothing else is
// reported, nothing is written; and invoices mode is refused with the evidence.
import { ModeRefusedError } from '@invoicer/accounting';
import { fromAmountString, toMoneyString } from '@invoicer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileBooks } from '../../apps/workers/src/accounting/reconcile.ts';
import { syncInvoice } from '../../apps/workers/src/accounting/sync.ts';
import { type FakeXero, startFakeXero } from '../support/fake-xero.ts';
import {
  connectThroughOAuth,
  postedTenant,
  setModeChecked,
  startWorld,
  TENANT,
  type World,
} from './harness.ts';

let world: World;
let xero: FakeXero;
const planted = { missing: 0, amount: 0, wrongPaymentFrom: 0, wrongPaymentTo: 0, booksOnly: 'INV-OTHER-1' };

beforeAll(async () => {
  xero = await startFakeXero();
  const fixture = postedTenant(30);
  const invoices = fixture['accounting/invoices'];
  // The shop's export marked them exported in ServiceTitan and put them in Xero.
  for (const i of invoices) i.syncStatus = 'Exported';
  planted.missing = invoices[4]!.id;
  planted.amount = invoices[7]!.id;
  // A $50 card payment (i % 3 = 1) recorded in the books on the next invoice instead.
  planted.wrongPaymentFrom = invoices[10]!.id;
  planted.wrongPaymentTo = invoices[11]!.id;
  world = await startWorld(fixture);
  await connectThroughOAuth(world, 'xero', xero);
  for (const i of invoices) {
    if (i.id === planted.missing) continue;
    let paid = fromAmountString(i.total).minus(fromAmountString(i.balance ?? i.total));
    if (i.id === planted.wrongPaymentFrom) paid = paid.minus(50);
    if (i.id === planted.wrongPaymentTo) paid = paid.plus(50);
    xero.seedInvoice({
      number: i.referenceNumber!,
      contact: 'Pat Customer',
      date: i.invoiceDate!.slice(0, 10),
      subTotal: i.id === planted.amount ? '150.00' : i.subTotal,
      tax: i.salesTax,
      paid: toMoneyString(paid),
    });
  }
  xero.seedInvoice({
    number: planted.booksOnly,
    contact: 'Walk-in',
    date: '2026-01-05',
    subTotal: '80.00',
    tax: '0.00',
  });
  await world.syncMirror();
}, 60_000);
afterAll(async () => {
  await world?.close();
  await xero?.close();
});

describe('observe mode', () => {
  it('finds every planted difference and nothing else, writing nothing', async () => {
    const result = await reconcileBooks(world.services, { tenantId: TENANT, version: 'r1' }, world.overrides);
    expect(result).toMatchObject({ stInvoices: 30, booksInvoices: 30 });
    const findings = await world.database.db.accountingFinding.findMany({
      where: { tenantId: TENANT, resolvedAt: null },
    });
    const got = findings.map((f) => `${f.kind}:${f.stId ?? f.number}`).sort();
    expect(got).toEqual(
      [
        `missing_in_books:${planted.missing}`,
        `amount:${planted.amount}`,
        `payment_wrong_invoice:${planted.wrongPaymentFrom}`,
        `missing_in_st:${planted.booksOnly}`,
      ].sort(),
    );
    const amount = findings.find((f) => f.kind === 'amount')!;
    expect(amount.stAmount?.toString()).toBe('154.06');
    expect(amount.booksAmount?.toString()).toBe('159.06');
    const wrong = findings.find((f) => f.kind === 'payment_wrong_invoice')!;
    expect(wrong.detail).toBe(
      `a payment of 50.00 that ServiceTitan applies to INV-${planted.wrongPaymentFrom} is on INV-${planted.wrongPaymentTo} in the books`,
    );
    expect(xero.calls.filter((c) => c.method !== 'GET')).toEqual([]);
    // Each difference is one review item for billing staff, with its reason.
    const items = await world.database.db.reviewItem.findMany({
      where: { tenantId: TENANT, kind: 'accounting' },
    });
    expect(items.map((i) => i.reasons.join()).sort()).toEqual(
      [
        'books_amount',
        'books_missing_invoice',
        'books_payment_wrong_invoice',
        'books_unknown_invoice',
      ].sort(),
    );
    expect(items.every((i) => i.status === 'open')).toBe(true);
    // A second comparison finds the same differences: no new item.
    await reconcileBooks(world.services, { tenantId: TENANT, version: 'r1b' }, world.overrides);
    expect(
      await world.database.db.reviewItem.count({ where: { tenantId: TENANT, kind: 'accounting' } }),
    ).toBe(4);
  });

  it('resolves a difference once the books are corrected', async () => {
    const x = [...xero.invoices.values()].find((i) => i.InvoiceNumber === `INV-${planted.amount}`)!;
    Object.assign(x, { SubTotal: 145, Total: 154.06, AmountDue: 154.06 - x.AmountPaid });
    await reconcileBooks(world.services, { tenantId: TENANT, version: 'r2' }, world.overrides);
    const amount = await world.database.db.accountingFinding.findFirst({
      where: { tenantId: TENANT, kind: 'amount' },
    });
    expect(amount?.resolvedAt).not.toBeNull();
    const item = await world.database.db.reviewItem.findFirstOrThrow({
      where: { tenantId: TENANT, kind: 'accounting', reasons: { has: 'books_amount' } },
    });
    expect(item).toMatchObject({ status: 'resolved', resolvedBy: 'system:accounting' });
    expect(
      await world.database.db.reviewItem.count({
        where: { tenantId: TENANT, kind: 'accounting', status: 'open' },
      }),
    ).toBe(3);
  });

  it('refuses invoices mode while the shop’s own export posts, with the evidence', async () => {
    const refused = await setModeChecked(world, 'invoices').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ModeRefusedError);
    expect((refused as ModeRefusedError).evidence?.exportedNotByUs.length).toBe(30);
    expect((refused as ModeRefusedError).message).toMatch(
      /exported by another integration.*Turn off the other export/,
    );
    const connection = await world.database.db.accountingConnection.findUniqueOrThrow({
      where: { tenantId: TENANT },
    });
    expect(connection.mode).toBe('observe');
    // Even if the mode were forced, an invoice exported elsewhere is never posted.
    await world.database.db.accountingConnection.update({
      where: { tenantId: TENANT },
      data: { mode: 'invoices' },
    });
    const result = await syncInvoice(
      world.services,
      { tenantId: TENANT, invoiceId: planted.missing, version: 'x' },
      world.overrides,
    );
    expect(result.outcome).toBe('exported_elsewhere');
    expect(xero.calls.filter((c) => c.method !== 'GET')).toEqual([]);
  });
});
