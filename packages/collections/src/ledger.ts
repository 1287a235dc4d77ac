// Receivables as a ledger: each invoice with its total and the payments applied to it, in
// integer cents (exact; sums stay far below 2^53). Balances at any moment are replayed from the
// applications, so a past month's AR is what it was then, not what the mirror says today.
import { fromAmountString } from '@invoicer/core';

export const DAY_MS = 86_400_000;

export interface Application {
  at: Date;
  cents: number;
}

export interface ArInvoice {
  id: number;
  customerId: number;
  customerName: string;
  businessUnitId: number | null;
  businessUnitName: string;
  invoiceDate: Date;
  /** Null when the invoice has no payment term: listed in its own bucket, never dropped. */
  dueDate: Date | null;
  totalCents: number;
  /** The balance ServiceTitan reports now (the mirror's `balance`). */
  balanceCents: number;
  termName: string | null;
  applications: Application[];
}

/** "12.34" → 1234; throws on anything that is not an amount to the cent. */
export function toCents(amount: string | number): number {
  const d = fromAmountString(String(amount)).times(100);
  if (!d.isInteger()) throw new TypeError(`not an amount to the cent: "${amount}"`);
  return d.toNumber();
}

export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}$${whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** Cents applied to the invoice up to and including `at`. */
export function appliedBy(inv: ArInvoice, at: Date): number {
  let cents = 0;
  for (const a of inv.applications) if (a.at.getTime() <= at.getTime()) cents += a.cents;
  return cents;
}

/** The open balance at `at`: 0 before the invoice existed. */
export function balanceAt(inv: ArInvoice, at: Date): number {
  if (inv.invoiceDate.getTime() > at.getTime()) return 0;
  return inv.totalCents - appliedBy(inv, at);
}

/** When the applications first covered the total (null: not yet paid in full). */
export function paidInFullAt(inv: ArInvoice): Date | null {
  if (inv.totalCents <= 0) return inv.invoiceDate;
  let cents = 0;
  const sorted = [...inv.applications].sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const a of sorted) {
    cents += a.cents;
    if (cents >= inv.totalCents) return a.at.getTime() < inv.invoiceDate.getTime() ? inv.invoiceDate : a.at;
  }
  return null;
}

/** Whole days from the due date to `at` (negative: not yet due). Null without a due date. */
export function daysPastDue(inv: ArInvoice, at: Date): number | null {
  if (!inv.dueDate) return null;
  return Math.floor((at.getTime() - inv.dueDate.getTime()) / DAY_MS);
}
