// Journal mode: one summarised journal per day and business unit, built like an accountant would
// from ServiceTitan's cleared invoices and recorded payments, balanced to the cent.
//   Invoices of the day: Dr Accounts receivable (totals)  /  Cr revenue by account (line totals),
//                        Cr sales tax payable by tax zone (ServiceTitan's salesTax).
//   Payments of the day: Dr deposit account by payment type  /  Cr Accounts receivable (applied),
//                        Cr customer deposits (the part applied to no invoice: a liability).
// A day that changes after posting gets an adjusting entry with the differences per line, never
// a second full entry. Amounts are signed: debit positive, credit negative (Xero's convention).
// Pure; unmapped accounts are reported, never guessed.
import { createHash } from 'node:crypto';
import { Decimal, fromAmountString, InvalidInputError, sum, toMoneyString } from '@invoicer/core';
import type { Invoice, Payment } from '@invoicer/servicetitan';
import { type MappingNeed, type MappingTable, taxKey } from './documents.ts';

/** A line's role in the day (stable across revisions) and the ledger mapping it posts to. */
export interface JournalLine {
  /** e.g. "ar.invoiced", "revenue:Material", "tax:zone:1", "deposit:Check", "ar.paid", "unapplied". */
  role: string;
  /** The books' account (Xero account code, QuickBooks account id). */
  accountId: string;
  /** Signed, two places: debit positive, credit negative. */
  amount: string;
  description: string;
}

export interface DayUnit {
  /** YYYY-MM-DD */
  day: string;
  /** ServiceTitan business unit id, or "none". */
  businessUnit: string;
  businessUnitName: string;
}

export interface JournalContent extends DayUnit {
  lines: JournalLine[];
  invoiceIds: number[];
  paymentIds: number[];
  /** What ServiceTitan says the day holds (for the three-way report and the read-back check). */
  invoiced: string;
  received: string;
}

const NONE = 'none';
const money = (d: Decimal) => toMoneyString(d);
const dayOf = (s: string | null | undefined) => (s ?? '').slice(0, 10);

export const businessUnitOf = (i: { businessUnit?: { id?: number | null } | null }): string =>
  i.businessUnit?.id ? String(i.businessUnit.id) : NONE;

/** The ledger mapping keys (kind "ledger") a line role posts to. */
export function ledgerKey(role: string): string {
  if (role === 'ar.invoiced' || role === 'ar.paid') return 'receivable';
  return role;
}

function ledgerName(key: string): string {
  if (key === 'receivable') return 'Accounts Receivable';
  if (key === 'unapplied') return 'Customer Deposits';
  if (key.startsWith('revenue:')) return `${key.slice(8)} Revenue`;
  if (key.startsWith('deposit:')) return `Undeposited Funds ${key.slice(8)}`;
  return key;
}

/** Every (day, business unit) that invoices or payments touch, with their content. */
export function journalsByDay(
  cleared: Invoice[],
  payments: Payment[],
  allInvoices: Map<number, Invoice>,
): Map<string, { unit: DayUnit; invoices: Invoice[]; portions: PaymentPortion[] }> {
  const out = new Map<string, { unit: DayUnit; invoices: Invoice[]; portions: PaymentPortion[] }>();
  const slot = (day: string, bu: string, name: string | null | undefined) => {
    const k = `${day}:${bu}`;
    let s = out.get(k);
    if (!s) {
      s = {
        unit: {
          day,
          businessUnit: bu,
          businessUnitName: name ?? (bu === NONE ? 'No business unit' : `BU ${bu}`),
        },
        invoices: [],
        portions: [],
      };
      out.set(k, s);
    }
    return s;
  };
  for (const i of cleared) {
    const day = dayOf(i.invoiceDate ?? i.createdOn);
    if (!day) throw new InvalidInputError(`invoice ${i.id} has no date`);
    slot(day, businessUnitOf(i), i.businessUnit?.name).invoices.push(i);
  }
  for (const p of payments) {
    if (p.active === false) continue;
    const day = dayOf(p.date ?? p.createdOn);
    if (!day) throw new InvalidInputError(`payment ${p.id} has no date`);
    // The unapplied rest goes with the invoice the payment is applied to first, else the
    // payment's own business unit.
    const firstApplied = (p.appliedTo ?? []).map((a) => allInvoices.get(a.appliedTo)).find(Boolean);
    for (const portion of splitPayment(p)) {
      const inv = portion.invoiceId === null ? firstApplied : allInvoices.get(portion.invoiceId);
      const bu = inv ? businessUnitOf(inv) : businessUnitOf(p);
      slot(day, bu, (inv ?? p).businessUnit?.name).portions.push(portion);
    }
  }
  return out;
}

export interface PaymentPortion {
  paymentId: number;
  type: string;
  /** The invoice it is applied to; null for the part applied to none (a deposit). */
  invoiceId: number | null;
  amount: Decimal;
}

/** A payment as the parts applied to each invoice, plus the unapplied rest. */
export function splitPayment(p: Payment): PaymentPortion[] {
  const type = p.type?.trim() || 'Unknown';
  const total = fromAmountString(p.total);
  const parts: PaymentPortion[] = (p.appliedTo ?? [])
    .map((a) => ({
      paymentId: p.id,
      type,
      invoiceId: a.appliedTo,
      amount: fromAmountString(a.appliedAmount),
    }))
    .filter((a) => !a.amount.isZero());
  const rest = total.minus(sum(parts.map((a) => a.amount)));
  if (!rest.isZero()) parts.push({ paymentId: p.id, type, invoiceId: null, amount: rest });
  return parts;
}

/** The ledger mappings a day's journal needs. */
export function journalNeeds(invoices: Invoice[], portions: PaymentPortion[]): MappingNeed[] {
  const keys = new Set<string>();
  if (invoices.length || portions.some((p) => p.invoiceId !== null)) keys.add('receivable');
  for (const i of invoices) {
    for (const item of activeItems(i)) keys.add(`revenue:${item.type}`);
    if (!fromAmountString(i.salesTax).isZero()) keys.add(`tax:${taxKey(i).stKey}`);
  }
  for (const p of portions) {
    keys.add(`deposit:${p.type}`);
    if (p.invoiceId === null) keys.add('unapplied');
  }
  const names = new Map(
    invoices.map((i) => [`tax:${taxKey(i).stKey}`, `Sales Tax Payable ${taxKey(i).stName}`]),
  );
  return [...keys].sort().map((k) => ({ kind: 'ledger', stKey: k, stName: names.get(k) ?? ledgerName(k) }));
}

const activeItems = (i: Invoice) => (i.items ?? []).filter((x) => x.active !== false);

/** The full journal for a day and business unit, or the mappings still missing. */
export function buildJournal(
  unit: DayUnit,
  invoices: Invoice[],
  portions: PaymentPortion[],
  mappings: MappingTable,
): { journal: JournalContent; missing: [] } | { journal: null; missing: MappingNeed[] } {
  const missing = journalNeeds(invoices, portions).filter((n) => !mappings.ledger.has(n.stKey));
  if (missing.length) return { journal: null, missing };
  const account = (role: string) => mappings.ledger.get(ledgerKey(role))!.externalId;
  const totals = new Map<string, { amount: Decimal; description: string }>();
  const add = (role: string, amount: Decimal, description: string) => {
    const t = totals.get(role) ?? { amount: new Decimal(0), description };
    totals.set(role, { amount: t.amount.plus(amount), description: t.description });
  };
  let invoiced = new Decimal(0);
  for (const i of invoices) {
    const lines = activeItems(i).map((x) => ({ type: x.type, total: fromAmountString(x.total) }));
    const subTotal = sum(lines.map((l) => l.total));
    if (!subTotal.equals(fromAmountString(i.subTotal)))
      throw new InvalidInputError(
        `invoice ${i.id}: lines add up to ${money(subTotal)}, ServiceTitan's subtotal is ${i.subTotal}`,
      );
    const tax = fromAmountString(i.salesTax);
    const total = fromAmountString(i.total);
    if (!subTotal.plus(tax).equals(total))
      throw new InvalidInputError(`invoice ${i.id}: subtotal + tax is not ServiceTitan's total ${i.total}`);
    invoiced = invoiced.plus(total);
    add('ar.invoiced', total, 'Invoices posted in ServiceTitan');
    for (const l of lines) add(`revenue:${l.type}`, l.total.negated(), `${l.type} revenue`);
    if (!tax.isZero()) add(`tax:${taxKey(i).stKey}`, tax.negated(), `Sales tax ${taxKey(i).stName}`);
  }
  let received = new Decimal(0);
  for (const p of portions) {
    received = received.plus(p.amount);
    add(`deposit:${p.type}`, p.amount, `${p.type} payments received`);
    if (p.invoiceId === null) add('unapplied', p.amount.negated(), 'Payments not applied to an invoice');
    else add('ar.paid', p.amount.negated(), 'Payments applied to invoices');
  }
  const lines: JournalLine[] = [...totals]
    .filter(([, t]) => !t.amount.isZero())
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([role, t]) => ({
      role,
      accountId: account(role),
      amount: money(t.amount),
      description: t.description,
    }));
  assertBalanced(lines, `${unit.day} ${unit.businessUnit}`);
  return {
    journal: {
      ...unit,
      lines,
      invoiceIds: invoices.map((i) => i.id).sort((a, b) => a - b),
      paymentIds: [...new Set(portions.map((p) => p.paymentId))].sort((a, b) => a - b),
      invoiced: money(invoiced),
      received: money(received),
    },
    missing: [],
  };
}

export function assertBalanced(lines: Pick<JournalLine, 'amount'>[], what: string): void {
  const net = sum(lines.map((l) => fromAmountString(l.amount)));
  if (!net.isZero()) throw new Error(`journal ${what} does not balance: debits − credits = ${money(net)}`);
}

/**
 * What to post so the books hold `target`: the differences per (role, account) between the
 * target and everything already posted (every revision). Both balance, so the difference does.
 */
export function adjustment(target: JournalLine[], posted: JournalLine[][]): JournalLine[] {
  const net = new Map<string, { line: JournalLine; amount: Decimal }>();
  const key = (l: JournalLine) => `${l.role}\u0000${l.accountId}`;
  for (const l of target) net.set(key(l), { line: l, amount: fromAmountString(l.amount) });
  for (const l of posted.flat()) {
    const n = net.get(key(l)) ?? { line: l, amount: new Decimal(0) };
    net.set(key(l), { line: n.line, amount: n.amount.minus(fromAmountString(l.amount)) });
  }
  return [...net.values()]
    .filter((n) => !n.amount.isZero())
    .sort((a, b) => key(a.line).localeCompare(key(b.line)))
    .map((n) => ({ ...n.line, amount: money(n.amount) }));
}

/** Our tag on a journal in the books: found again by it (Xero narration prefix, QBO DocNumber). */
export function journalTag(unit: Pick<DayUnit, 'day' | 'businessUnit'>, revision: number): string {
  const tag = `J${unit.day.replace(/-/g, '')}-${unit.businessUnit}-${revision}`;
  // QuickBooks' DocNumber holds 21 characters.
  return tag.length <= 21
    ? tag
    : `J${createHash('sha256').update(tag).digest('hex').slice(0, 16)}-${revision}`;
}

/** Debits and credits of a journal (both positive), for a person to read. */
export function journalTotals(lines: Pick<JournalLine, 'amount'>[]): { debits: string; credits: string } {
  const amounts = lines.map((l) => fromAmountString(l.amount));
  return {
    debits: money(sum(amounts.filter((a) => a.gt(0)))),
    credits: money(sum(amounts.filter((a) => a.lt(0))).negated()),
  };
}
