// The bank leg of the three-way report (ServiceTitan ↔ books ↔ bank), per day: every ServiceTitan
// payment should reach the bank (a bank line the payment reconciliation matched it to), every
// bank deposit should be explained by ServiceTitan payments, to the cent (a processor's fee
// included). Plus the per-day totals the console and CSV show. Pure.
import { type Decimal, fromAmountString, sum, toMoneyString } from '@invoicer/core';
import type { Invoice, Payment } from '@invoicer/servicetitan';
import type { FindingInput } from './store.ts';
import type { BooksInvoice, Provider } from './types.ts';

export interface BankLine {
  fingerprint: string;
  /** YYYY-MM-DD (booking date) */
  day: string;
  amount: string;
  fee: string | null;
  description: string;
  /** The payment reconciliation's decision for the line, if any. */
  status: string | null;
  stPaymentIds: number[];
}

/** Reconciliation decisions that tie a bank line to ServiceTitan payments. */
const EXPLAINED = new Set(['matched', 'applied', 'shadow']);
/** Decisions that leave a line to a person already (payment review) or call it no receipt. */
const ELSEWHERE = new Set(['review', 'ignored']);

const day = (s: string | null | undefined) => (s ?? '').slice(0, 10);

/**
 * Bank differences. A payment counts as missing from the bank only when the imported statements
 * run at least `settleDays` past its day (card batches and checks take days to land).
 */
export function bankFindings(
  provider: Provider,
  payments: Payment[],
  lines: BankLine[],
  settleDays = 3,
): FindingInput[] {
  const out: FindingInput[] = [];
  const byId = new Map(payments.map((p) => [p.id, p]));
  const deposited = new Set<number>();
  for (const line of lines) {
    const amount = fromAmountString(line.amount);
    if (amount.lte(0)) continue;
    const base = { provider, day: line.day, booksAmount: toMoneyString(amount) };
    if (line.status && EXPLAINED.has(line.status) && line.stPaymentIds.length) {
      for (const id of line.stPaymentIds) deposited.add(id);
      const known = line.stPaymentIds.map((id) => byId.get(id)).filter((p): p is Payment => !!p);
      const expected = sum(known.map((p) => fromAmountString(p.total)));
      const received = amount.plus(fromAmountString(line.fee ?? '0'));
      if (known.length === line.stPaymentIds.length && !expected.equals(received))
        out.push({
          ...base,
          key: `bank:amount:${line.fingerprint}`,
          kind: 'bank_amount',
          stAmount: toMoneyString(expected),
          stId: line.stPaymentIds.join(','),
          detail: `bank deposit of ${toMoneyString(amount)} on ${line.day} (${line.description.slice(0, 60)}) is for ServiceTitan payments totalling ${toMoneyString(expected)}`,
        });
      continue;
    }
    if (line.status && ELSEWHERE.has(line.status)) continue;
    out.push({
      ...base,
      key: `bank:only:${line.fingerprint}`,
      kind: 'bank_only',
      detail: `bank deposit of ${toMoneyString(amount)} on ${line.day} (${line.description.slice(0, 60)}) has no ServiceTitan payment`,
    });
  }
  const days = lines.map((l) => l.day).sort();
  if (!days.length) return out;
  const first = days[0]!;
  const last = new Date(`${days.at(-1)}T00:00:00Z`);
  last.setUTCDate(last.getUTCDate() - settleDays);
  const settledBy = last.toISOString().slice(0, 10);
  for (const p of payments) {
    const d = day(p.date ?? p.createdOn);
    if (p.active === false || deposited.has(p.id) || d < first || d > settledBy) continue;
    if (fromAmountString(p.total).lte(0)) continue;
    out.push({
      provider,
      key: `bank:missing:${p.id}`,
      kind: 'not_in_bank',
      stId: String(p.id),
      stAmount: p.total,
      day: d,
      detail: `ServiceTitan ${p.type ?? ''} payment ${p.id} of ${p.total} on ${d} is in no bank deposit`,
    });
  }
  return out;
}

export interface DayTotals {
  day: string;
  stInvoiced: string;
  booksInvoiced: string;
  stReceived: string;
  bankDeposited: string;
}

/** Per day: ServiceTitan's invoices vs the books' (by invoice date), payments vs bank credits. */
export function dayTotals(
  st: Invoice[],
  books: BooksInvoice[],
  payments: Payment[],
  lines: BankLine[],
): DayTotals[] {
  const days = new Map<string, { st: Decimal[]; books: Decimal[]; paid: Decimal[]; bank: Decimal[] }>();
  const slot = (d: string) => days.get(d) ?? days.set(d, { st: [], books: [], paid: [], bank: [] }).get(d)!;
  for (const i of st) slot(day(i.invoiceDate ?? i.createdOn)).st.push(fromAmountString(i.total));
  for (const b of books) if (b.date) slot(b.date).books.push(fromAmountString(b.total));
  for (const p of payments)
    if (p.active !== false) slot(day(p.date ?? p.createdOn)).paid.push(fromAmountString(p.total));
  for (const l of lines) {
    const amount = fromAmountString(l.amount);
    if (amount.gt(0)) slot(l.day).bank.push(amount.plus(fromAmountString(l.fee ?? '0')));
  }
  const money = (xs: Decimal[]) => toMoneyString(sum(xs));
  return [...days]
    .filter(([d]) => d)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([d, v]) => ({
      day: d,
      stInvoiced: money(v.st),
      booksInvoiced: money(v.books),
      stReceived: money(v.paid),
      bankDeposited: money(v.bank),
    }));
}
