// Collection metrics with the standard formulas, over a period [start, end):
//   DSO  = ending total AR / credit sales in the period × days in the period
//   BPDSO (best possible DSO) = ending current AR / credit sales × days
//   ADD  (average days delinquent) = DSO − BPDSO
//   CEI  = (beginning AR + credit sales − ending total AR)
//          / (beginning AR + credit sales − ending current AR) × 100
// (Delta Recovery, "DSO, CEI and ADD", http://www.deltarecovery.com/newsletters/news_mar05.htm;
// https://maxyfi.com/blog/collection-effectiveness-index-cei). "Current" = not yet past due at
// the period end; an invoice without a due date counts as current (it is not delinquent).
// Ratios are computed in decimal and rounded to 0.1 for display; money stays in cents.
import { Decimal } from '@invoicer/core';
import { type ArInvoice, balanceAt, DAY_MS, daysPastDue } from './ledger.ts';

export interface PeriodFigures {
  beginningArCents: number;
  creditSalesCents: number;
  endingArCents: number;
  endingCurrentArCents: number;
  days: number;
}

export interface PeriodMetrics extends PeriodFigures {
  start: Date;
  end: Date;
  /** Null when there were no credit sales (the ratio is undefined). */
  dso: number | null;
  bestPossibleDso: number | null;
  averageDaysDelinquent: number | null;
  /** Null when the denominator is 0 (nothing was collectable). */
  cei: number | null;
}

const one = (d: Decimal) => d.toDecimalPlaces(1, Decimal.ROUND_HALF_UP).toNumber();

export function metricsFromFigures(
  f: PeriodFigures,
): Omit<PeriodMetrics, 'start' | 'end' | keyof PeriodFigures> {
  const sales = new Decimal(f.creditSalesCents);
  let dso: Decimal | null = null;
  let bp: Decimal | null = null;
  if (!sales.isZero()) {
    dso = new Decimal(f.endingArCents).div(sales).times(f.days);
    bp = new Decimal(f.endingCurrentArCents).div(sales).times(f.days);
  }
  const collectable = f.beginningArCents + f.creditSalesCents - f.endingCurrentArCents;
  const collected = f.beginningArCents + f.creditSalesCents - f.endingArCents;
  const cei = collectable === 0 ? null : new Decimal(collected).div(collectable).times(100);
  return {
    dso: dso && one(dso),
    bestPossibleDso: bp && one(bp),
    averageDaysDelinquent: dso && bp && one(dso.minus(bp)),
    cei: cei && one(cei),
  };
}

export function periodFigures(invoices: readonly ArInvoice[], start: Date, end: Date): PeriodFigures {
  // AR at the start is measured just before it; at the end, just before the next period.
  const justBeforeStart = new Date(start.getTime() - 1);
  const justBeforeEnd = new Date(end.getTime() - 1);
  let beginningArCents = 0;
  let creditSalesCents = 0;
  let endingArCents = 0;
  let endingCurrentArCents = 0;
  for (const inv of invoices) {
    const t = inv.invoiceDate.getTime();
    if (t < start.getTime()) beginningArCents += balanceAt(inv, justBeforeStart);
    else if (t < end.getTime()) creditSalesCents += inv.totalCents;
    if (t >= end.getTime()) continue;
    const open = balanceAt(inv, justBeforeEnd);
    endingArCents += open;
    const late = daysPastDue(inv, justBeforeEnd);
    if (late === null || late <= 0) endingCurrentArCents += open;
  }
  const days = Math.round((end.getTime() - start.getTime()) / DAY_MS);
  return { beginningArCents, creditSalesCents, endingArCents, endingCurrentArCents, days };
}

export function periodMetrics(invoices: readonly ArInvoice[], start: Date, end: Date): PeriodMetrics {
  const f = periodFigures(invoices, start, end);
  return { start, end, ...f, ...metricsFromFigures(f) };
}

/** Calendar months (UTC) ending with the month before `asOf`'s month, oldest first. */
export function monthlyMetrics(invoices: readonly ArInvoice[], asOf: Date, months: number): PeriodMetrics[] {
  const out: PeriodMetrics[] = [];
  for (let i = months; i >= 1; i--) {
    const start = new Date(Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth() - i, 1));
    const end = new Date(Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth() - i + 1, 1));
    out.push(periodMetrics(invoices, start, end));
  }
  return out;
}
