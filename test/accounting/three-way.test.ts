// The three-way report (ServiceTitan ↔ books ↔ bank, per day) on a generated month: 90 posted
// invoices of varied amounts over 30 days, their payments, the books as the shop's own export
// left them (observe mode) and a bank statement as the payment reconciliation decided it (one
// deposit per check, one card batch per day net of fees). Differences are planted on every leg
// (an invoice missing from the books, a changed amount, a payment on the wrong invoice; a
// payment never deposited, a deposit of another amount, a deposit nobody explains): the report
// must find each of them and nothing else, each as one review item. Prints the figure.
import { createHash } from 'node:crypto';
import { Decimal, fromAmountString, toMoneyString } from '@invoicer/core';
import { saveReconciliation, storeBankStatement } from '@invoicer/db';
import type { Payment, TenantFixture } from '@invoicer/servicetitan';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { reconcileBooks } from '../../apps/workers/src/accounting/reconcile.ts';
import { type FakeXero, startFakeXero } from '../support/fake-xero.ts';
import { miniTenant } from '../support/mini-tenant.ts';
import { connectThroughOAuth, startWorld, TENANT, type World } from './harness.ts';

const INVOICES = 90;
const day = (i: number) => `2026-01-${String(1 + Math.floor(i / 3)).padStart(2, '0')}`;
const plants = {
  missing: [5, 40, 71, 88],
  amount: [8, 33, 52, 77],
  /** Full check payments of `from` recorded on `to` in the books. */
  wrongInvoice: [
    [12, 14],
    [45, 47],
    [60, 62],
    [81, 83],
  ] as [number, number][],
  notDeposited: [3, 30, 57],
  depositAmount: [6, 36, 66],
  unexplained: 3,
};

/** A month: amounts from a fixed sequence; i % 3 = 0 paid in full by check, 1 by card in part. */
function month(): { fixture: TenantFixture; payments: Payment[] } {
  const fixture = miniTenant(INVOICES);
  const payments: Payment[] = [];
  for (const [i, invoice] of fixture['accounting/invoices'].entries()) {
    const sub = new Decimal(100 + ((i * 7919) % 800)).plus(new Decimal((i * 37) % 100).dividedBy(100));
    const tax = sub.times('0.0625').toDecimalPlaces(2);
    const total = sub.plus(tax);
    Object.assign(invoice.items![0]!, { price: toMoneyString(sub), total: toMoneyString(sub) });
    Object.assign(invoice, {
      syncStatus: 'Exported',
      invoiceDate: `${day(i)}T00:00:00Z`,
      subTotal: toMoneyString(sub),
      salesTax: toMoneyString(tax),
      total: toMoneyString(total),
      balance: toMoneyString(total),
    });
    const base = {
      syncStatus: 'Posted',
      date: `${day(i)}T00:00:00Z`,
      customer: { id: 100, name: 'Pat Customer' },
      active: true,
    };
    const pay = (id: number, type: string, amount: Decimal) => {
      payments.push({
        ...base,
        id,
        type,
        total: toMoneyString(amount),
        appliedTo: [{ appliedTo: invoice.id, appliedAmount: toMoneyString(amount) }],
      });
      invoice.balance = toMoneyString(fromAmountString(invoice.balance!).minus(amount));
    };
    if (i % 3 === 0) pay(80_000 + i, 'Check', total);
    else if (i % 3 === 1) pay(80_000 + i, 'Credit Card', new Decimal(50));
  }
  fixture['accounting/payments'] = payments as never;
  return { fixture, payments };
}

let world: World;
let xero: FakeXero;
const expected: string[] = [];

beforeAll(async () => {
  xero = await startFakeXero();
  const { fixture, payments } = month();
  const invoices = fixture['accounting/invoices'];
  world = await startWorld(fixture);
  await connectThroughOAuth(world, 'xero', xero);
  // The books, as the shop's own export left them, with the planted differences.
  const paidInBooks = new Map(
    invoices.map((i) => [i.id, fromAmountString(i.total).minus(fromAmountString(i.balance!))]),
  );
  for (const [from, to] of plants.wrongInvoice) {
    const moved = paidInBooks.get(invoices[from]!.id)!;
    paidInBooks.set(invoices[from]!.id, new Decimal(0));
    paidInBooks.set(invoices[to]!.id, paidInBooks.get(invoices[to]!.id)!.plus(moved));
    expected.push(`payment_wrong_invoice:${invoices[from]!.id}`);
  }
  for (const [n, i] of invoices.entries()) {
    if (plants.missing.includes(n)) {
      expected.push(`missing_in_books:${i.id}`);
      continue;
    }
    const changed = plants.amount.includes(n);
    if (changed) expected.push(`amount:${i.id}`);
    xero.seedInvoice({
      number: i.referenceNumber!,
      contact: 'Pat Customer',
      date: day(n),
      subTotal: changed ? toMoneyString(fromAmountString(i.subTotal).plus('12.34')) : i.subTotal,
      tax: i.salesTax,
      paid: toMoneyString(paidInBooks.get(i.id)!),
    });
  }
  // The bank: each check deposited the next day, card payments batched per day less 2.9 %.
  const lines: {
    fingerprint: string;
    day: string;
    amount: Decimal;
    fee: Decimal | null;
    ids: number[];
    what: string;
  }[] = [];
  const next = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  for (const [n, i] of invoices.entries()) {
    const p = payments.find((x) => x.appliedTo![0]!.appliedTo === i.id && x.type === 'Check');
    if (!p) continue;
    if (plants.notDeposited.includes(n)) {
      expected.push(`not_in_bank:${p.id}`);
      continue;
    }
    let amount = fromAmountString(p.total);
    if (plants.depositAmount.includes(n)) {
      amount = amount.minus(10);
      expected.push(`bank_amount:${p.id}`);
    }
    lines.push({
      fingerprint: `chk-${p.id}`,
      day: next(day(n)),
      amount,
      fee: null,
      ids: [p.id],
      what: `CHECK DEPOSIT ${p.id}`,
    });
  }
  for (let d = 0; d < 30; d++) {
    const cards = payments.filter((p) => p.type === 'Credit Card' && p.date!.startsWith(day(d * 3)));
    const gross = cards.reduce((s, p) => s.plus(fromAmountString(p.total)), new Decimal(0));
    const fee = gross.times('0.029').toDecimalPlaces(2);
    lines.push({
      fingerprint: `card-${d}`,
      day: next(day(d * 3)),
      amount: gross.minus(fee),
      fee,
      ids: cards.map((p) => p.id),
      what: 'CARD SETTLEMENT',
    });
  }
  for (let u = 0; u < plants.unexplained; u++) {
    lines.push({
      fingerprint: `other-${u}`,
      day: `2026-01-${10 + u * 5}`,
      amount: new Decimal(77 + u),
      fee: null,
      ids: [],
      what: 'DEPOSIT',
    });
    expected.push(`bank_only:other-${u}`);
  }
  const db = world.database.db;
  await db.$transaction((tx) =>
    storeBankStatement(
      tx,
      {
        tenantId: TENANT,
        digest: createHash('sha256').update('jan').digest('hex'),
        format: 'csv',
        fileName: 'jan.csv',
        accountId: 'checking',
        currency: 'USD',
        statementRef: null,
        periodStart: '2026-01-01',
        periodEnd: '2026-01-31',
        openingBalance: null,
        closingBalance: null,
        issues: [],
        transactionCount: lines.length,
        importedBy: 'test',
      },
      lines.map((l, n) => ({
        fingerprint: l.fingerprint,
        format: 'csv',
        accountId: 'checking',
        bookingDate: l.day,
        valueDate: null,
        amount: toMoneyString(l.amount),
        currency: 'USD',
        description: l.what,
        reference: null,
        counterpartyName: null,
        remittance: [],
        checkNumber: null,
        typeCode: null,
        fee: l.fee ? toMoneyString(l.fee) : null,
        line: n + 1,
        raw: null,
      })),
    ),
  );
  // The payment reconciliation's decisions: every line but the unexplained ones matched.
  for (const l of lines.filter((x) => x.ids.length))
    await saveReconciliation(db, {
      tenantId: TENANT,
      subjectKind: 'bank_line',
      subjectId: l.fingerprint,
      status: 'matched',
      action: 'match',
      reasons: [],
      amount: toMoneyString(l.amount),
      confidence: 1,
      rule: 'test',
      allocations: [],
      writeOffTotal: null,
      credit: null,
      fee: l.fee ? toMoneyString(l.fee) : null,
      stPaymentIds: l.ids,
      createdPaymentId: null,
      evidence: [],
      decision: {},
      reviewItemId: null,
      version: 'v1',
      decidedBy: 'test',
    });
  for (const u of lines.filter((x) => !x.ids.length))
    await saveReconciliation(db, {
      tenantId: TENANT,
      subjectKind: 'bank_line',
      subjectId: u.fingerprint,
      status: 'no_match',
      action: 'none',
      reasons: ['no_match'],
      amount: toMoneyString(u.amount),
      confidence: null,
      rule: null,
      allocations: [],
      writeOffTotal: null,
      credit: null,
      fee: null,
      stPaymentIds: [],
      createdPaymentId: null,
      evidence: [],
      decision: {},
      reviewItemId: null,
      version: 'v1',
      decidedBy: 'test',
    });
  await world.syncMirror();
}, 120_000);
afterAll(async () => {
  await world?.close();
  await xero?.close();
});

it('finds 100% of the planted differences in a generated month, and nothing else', async () => {
  const result = await reconcileBooks(world.services, { tenantId: TENANT, version: 'm1' }, world.overrides);
  expect(result).toMatchObject({ stInvoices: INVOICES, booksInvoices: INVOICES - plants.missing.length });
  const db = world.database.db;
  const findings = await db.accountingFinding.findMany({ where: { tenantId: TENANT, resolvedAt: null } });
  const got = findings.map((f) =>
    f.kind.startsWith('bank') || f.kind === 'not_in_bank'
      ? `${f.kind}:${f.kind === 'bank_only' ? f.key.replace('bank:only:', '') : f.stId}`
      : `${f.kind}:${f.stId}`,
  );
  const found = expected.filter((e) => got.includes(e));
  const extra = got.filter((g) => !expected.includes(g));
  console.log(
    `three-way: ${found.length}/${expected.length} planted differences found (${((100 * found.length) / expected.length).toFixed(0)}%), ` +
      `${extra.length} other findings; ${INVOICES} invoices, ${result!.bankLines} bank lines, 30 days; ` +
      `review items opened ${result!.review.opened}`,
  );
  expect(extra).toEqual([]);
  expect(found.sort()).toEqual([...expected].sort());
  // One review item per difference, with its reason; a repeat comparison opens none.
  expect(await db.reviewItem.count({ where: { tenantId: TENANT, kind: 'accounting', status: 'open' } })).toBe(
    expected.length,
  );
  const again = await reconcileBooks(world.services, { tenantId: TENANT, version: 'm2' }, world.overrides);
  expect(again!.review).toEqual({ opened: 0, updated: 0, closed: 0 });
  // Per day, the three sides' totals are kept for the console and the CSV.
  const jan10 = await db.accountingDocument.findFirstOrThrow({
    where: { tenantId: TENANT, kind: 'day', stId: '2026-01-10' },
  });
  expect(jan10.detail).toMatchObject({ day: '2026-01-10' });
});

it('closes the review item when a difference disappears', async () => {
  const db = world.database.db;
  // The bookkeeper records the missing deposit.
  const p = 80_000 + plants.notDeposited[0]!;
  const invoice = [...world.sim.tenant.invoices.values()].sort((a, b) => a.id - b.id)[
    plants.notDeposited[0]!
  ]!;
  await db.$transaction((tx) =>
    storeBankStatement(
      tx,
      {
        tenantId: TENANT,
        digest: 'late',
        format: 'csv',
        fileName: 'late.csv',
        accountId: 'checking',
        currency: 'USD',
        statementRef: null,
        periodStart: null,
        periodEnd: null,
        openingBalance: null,
        closingBalance: null,
        issues: [],
        transactionCount: 1,
        importedBy: 'test',
      },
      [
        {
          fingerprint: `chk-${p}`,
          format: 'csv',
          accountId: 'checking',
          bookingDate: '2026-01-03',
          valueDate: null,
          amount: invoice.total,
          currency: 'USD',
          description: 'CHECK',
          reference: null,
          counterpartyName: null,
          remittance: [],
          checkNumber: null,
          typeCode: null,
          fee: null,
          line: 1,
          raw: null,
        },
      ],
    ),
  );
  await saveReconciliation(db, {
    tenantId: TENANT,
    subjectKind: 'bank_line',
    subjectId: `chk-${p}`,
    status: 'matched',
    action: 'match',
    reasons: [],
    amount: invoice.total,
    confidence: 1,
    rule: 'test',
    allocations: [],
    writeOffTotal: null,
    credit: null,
    fee: null,
    stPaymentIds: [p],
    createdPaymentId: null,
    evidence: [],
    decision: {},
    reviewItemId: null,
    version: 'v1',
    decidedBy: 'test',
  });
  const result = await reconcileBooks(world.services, { tenantId: TENANT, version: 'm3' }, world.overrides);
  expect(result!.review.closed).toBe(1);
  const item = await db.reviewItem.findFirstOrThrow({
    where: { subjectKey: `books:${TENANT}:bank:missing:${p}` },
  });
  expect(item).toMatchObject({
    status: 'resolved',
    resolvedBy: 'system:accounting',
    reasons: ['bank_missing_deposit'],
  });
});
