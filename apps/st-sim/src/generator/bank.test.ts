import { fromAmountString, toMoneyString, ZERO } from '@invoicer/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cardFee } from './bank.ts';
import { type GeneratedTenant, generateTenant } from './index.ts';

let gen: GeneratedTenant;
beforeAll(() => {
  gen = generateTenant({ jobs: 2500, seed: 11, payments: true });
});

const money = fromAmountString;

/** An independent BAI2 reader: checks record order, 49/98/99 control totals and record counts. */
function checkBai2(text: string) {
  const records = text.trimEnd().split('\n');
  expect(records[0]).toMatch(/^01,/);
  expect(records[records.length - 1]).toMatch(/^99,/);
  let fileTotal = 0n;
  let groups = 0;
  let groupRecords = 0;
  let groupTotal = 0n;
  let accountRecords = 0;
  let accountTotal = 0n;
  let last = '';
  let status: string[] = [];
  let credits = 0n;
  let debits = 0n;
  let prevClosing: bigint | null = null;
  const closeStatus = () => {
    if (!status.length) return;
    const fields = status.join(',').replace(/\/$/, '').split(',').slice(3);
    const byType = new Map<string, bigint>();
    for (let i = 0; i + 1 < fields.length; i += 4) {
      const amount = BigInt(fields[i + 1] || '0');
      byType.set(fields[i]!, amount);
      accountTotal += amount;
    }
    status = [];
    return byType;
  };
  let summary: Map<string, bigint> | undefined;
  for (const [n, rec] of records.entries()) {
    expect(rec.length, `record ${n + 1} length`).toBeLessThanOrEqual(80);
    const code = rec.slice(0, 2);
    const fields = rec.split(',');
    if (code !== '88' && last === '03') summary = closeStatus();
    if (groupRecords) groupRecords++;
    if (accountRecords) accountRecords++;
    switch (code) {
      case '02':
        groupRecords = 1;
        groupTotal = 0n;
        break;
      case '03':
        accountRecords = 1;
        accountTotal = 0n;
        credits = 0n;
        debits = 0n;
        status = [rec];
        break;
      case '88':
        if (last === '03') status.push(rec.slice(3));
        break;
      case '16': {
        const amount = BigInt(fields[2]!);
        accountTotal += amount;
        if (Number(fields[1]) < 400) credits += amount;
        else debits += amount;
        break;
      }
      case '49': {
        expect(BigInt(fields[1]!), `49 control total at record ${n + 1}`).toBe(accountTotal);
        expect(Number(fields[2]!.replace('/', ''))).toBe(accountRecords);
        expect(summary!.get('100')).toBe(credits);
        expect(summary!.get('400')).toBe(debits);
        expect(summary!.get('015')).toBe(summary!.get('010')! + credits - debits);
        if (prevClosing !== null) expect(summary!.get('010')).toBe(prevClosing);
        prevClosing = summary!.get('015')!;
        groupTotal += accountTotal;
        accountRecords = 0;
        break;
      }
      case '98':
        expect(BigInt(fields[1]!)).toBe(groupTotal);
        expect(fields[2]).toBe('1');
        expect(Number(fields[3]!.replace('/', ''))).toBe(groupRecords);
        fileTotal += groupTotal;
        groups++;
        groupRecords = 0;
        break;
      case '99':
        expect(BigInt(fields[1]!)).toBe(fileTotal);
        expect(Number(fields[2])).toBe(groups);
        expect(Number(fields[3]!.replace('/', ''))).toBe(records.length);
        break;
      default:
        expect(['01']).toContain(code);
    }
    if (code !== '88') last = code;
  }
  return { groups };
}

describe('bank statement', () => {
  it('is valid BAI2 with consistent control totals, counts and running balances', () => {
    const { groups } = checkBai2(gen.bank!.bai2);
    expect(groups).toBeGreaterThanOrEqual(19);
    expect(gen.bank!.bai2).toMatch(/^88,/m);
  });

  it('fails the checker when a control total is off', () => {
    const broken = gen.bank!.bai2.replace(/^49,(\d+),/m, (_, n: string) => `49,${BigInt(n) + 1n},`);
    expect(() => checkBai2(broken)).toThrow();
  });

  it('has a CSV with one row per truth line and matching amounts', () => {
    const rows = gen.bank!.csv.trimEnd().split('\n');
    expect(rows[0]).toBe('date,amount,description,reference');
    expect(rows).toHaveLength(gen.truth.bank.length + 1);
    const keys = new Set(gen.truth.bank.map((l) => `${l.date}|${l.amount}|${l.reference}`));
    expect(keys.size).toBe(gen.truth.bank.length);
    for (const row of rows.slice(1)) {
      const cells = row.split(',');
      expect(keys.has(`${cells[0]}|${cells[1]}|${cells[cells.length - 1]}`)).toBe(true);
    }
  });

  it('maps card payouts and deposits to recorded payments, net of fees', () => {
    const payments = new Map(gen.fixture['accounting/payments'].map((p) => [p.id, p]));
    const kinds = new Set(gen.truth.bank.map((l) => l.kind));
    expect(kinds).toEqual(
      new Set([
        'card_payout',
        'recorded_deposit',
        'recorded_ach',
        'customer_payment',
        'unidentified',
        'bank_debit',
        'other_credit',
      ]),
    );
    for (const line of gen.truth.bank) {
      if (line.outcome.type !== 'batch') continue;
      let gross = ZERO;
      let fee = ZERO;
      for (const id of line.outcome.paymentIds) {
        const p = payments.get(id)!;
        expect(p, `payment ${id}`).toBeDefined();
        if (line.kind === 'card_payout') expect(p.type).toBe('Credit Card');
        gross = gross.plus(money(p.total));
        if (line.kind === 'card_payout') fee = fee.plus(cardFee(money(p.total)));
      }
      expect(line.outcome.gross).toBe(toMoneyString(gross));
      expect(line.outcome.fee).toBe(toMoneyString(fee));
      expect(line.outcome.net).toBe(line.amount);
      expect(toMoneyString(gross.minus(fee))).toBe(line.amount);
    }
  });

  it('expects unrecorded customer payments to be allocated to open invoices', () => {
    const invoices = new Map(gen.fixture['accounting/invoices'].map((i) => [i.id, i]));
    const variants = new Set<string>();
    for (const line of gen.truth.bank) {
      if (line.kind === 'customer_payment') expect(line.outcome.type).toBe('allocate');
      if (line.outcome.type !== 'allocate') continue;
      variants.add(line.outcome.variant);
      let allocated = ZERO;
      for (const a of line.outcome.allocations) {
        const inv = invoices.get(a.invoiceId)!;
        expect(inv.customer!.id).toBe(line.outcome.customerId);
        expect(inv.referenceNumber).toBe(a.referenceNumber);
        expect(money(a.amount).lessThanOrEqualTo(money(inv.balance!))).toBe(true);
        allocated = allocated.plus(money(a.amount));
      }
      expect(toMoneyString(allocated.plus(money(line.outcome.unapplied)))).toBe(line.amount);
      if (line.outcome.variant === 'overpay') expect(money(line.outcome.unapplied).greaterThan(0)).toBe(true);
      if (line.outcome.variant === 'multi_invoice')
        expect(line.outcome.allocations.length).toBeGreaterThan(1);
    }
    expect(variants.size).toBeGreaterThanOrEqual(5);
  });

  it('leaves a realistic share of invoices open or partly paid', () => {
    const billed = gen.fixture['accounting/invoices'].filter((i) => money(i.total).greaterThan(0));
    const open = billed.filter((i) => money(i.balance!).greaterThan(0));
    const partial = open.filter((i) => money(i.balance!).lessThan(money(i.total)));
    expect(open.length / billed.length).toBeGreaterThan(0.08);
    expect(open.length / billed.length).toBeLessThan(0.45);
    expect(partial.length).toBeGreaterThan(10);
  });
});
