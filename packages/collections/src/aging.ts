// AR aging: open balances by days past the due date (current, 1–30, 31–60, 61–90, 91+), with
// invoices that have no due date in their own bucket, per customer, per business unit and in
// total. Balances come from a function so the same code ages "now" (the mirror's balance) and
// any past date (replayed from payments).
import { type ArInvoice, balanceAt, daysPastDue } from './ledger.ts';

export const BUCKETS = ['current', 'd1_30', 'd31_60', 'd61_90', 'd91_plus', 'no_due_date'] as const;
export type Bucket = (typeof BUCKETS)[number];
export const BUCKET_LABELS: Record<Bucket, string> = {
  current: 'Current',
  d1_30: '1–30',
  d31_60: '31–60',
  d61_90: '61–90',
  d91_plus: '90+',
  no_due_date: 'No due date',
};

export type BucketCents = Record<Bucket, number> & { total: number };

export interface AgingRow {
  key: number | null;
  name: string;
  cents: BucketCents;
  openInvoices: number;
}

export interface AgingReport {
  asOf: Date;
  total: BucketCents;
  byCustomer: AgingRow[];
  byBusinessUnit: AgingRow[];
}

export function bucketOf(days: number | null): Bucket {
  if (days === null) return 'no_due_date';
  if (days <= 0) return 'current';
  if (days <= 30) return 'd1_30';
  if (days <= 60) return 'd31_60';
  if (days <= 90) return 'd61_90';
  return 'd91_plus';
}

export function emptyBuckets(): BucketCents {
  return { current: 0, d1_30: 0, d31_60: 0, d61_90: 0, d91_plus: 0, no_due_date: 0, total: 0 };
}

export type BalanceOf = (inv: ArInvoice, asOf: Date) => number;
/** Today's figure: the balance ServiceTitan reports. */
export const mirrorBalance: BalanceOf = (inv) => inv.balanceCents;
/** A past date's figure: total less what was applied by then. */
export const replayedBalance: BalanceOf = balanceAt;

export function ageReceivables(
  invoices: readonly ArInvoice[],
  asOf: Date,
  balanceOf: BalanceOf = mirrorBalance,
): AgingReport {
  const total = emptyBuckets();
  const customers = new Map<number, AgingRow>();
  const units = new Map<number | null, AgingRow>();
  const add = (map: Map<number | null, AgingRow>, key: number | null, name: string, b: Bucket, c: number) => {
    let row = map.get(key);
    if (!row) {
      row = { key, name, cents: emptyBuckets(), openInvoices: 0 };
      map.set(key, row);
    }
    row.cents[b] += c;
    row.cents.total += c;
    row.openInvoices += 1;
  };
  for (const inv of invoices) {
    if (inv.invoiceDate.getTime() > asOf.getTime()) continue;
    const cents = balanceOf(inv, asOf);
    if (cents === 0) continue;
    const b = bucketOf(daysPastDue(inv, asOf));
    total[b] += cents;
    total.total += cents;
    add(customers as Map<number | null, AgingRow>, inv.customerId, inv.customerName, b, cents);
    add(units, inv.businessUnitId, inv.businessUnitName, b, cents);
  }
  const order = (a: AgingRow, b: AgingRow) =>
    b.cents.total - a.cents.total || String(a.key).localeCompare(String(b.key));
  return {
    asOf,
    total,
    byCustomer: [...customers.values()].sort(order),
    byBusinessUnit: [...units.values()].sort(order),
  };
}
