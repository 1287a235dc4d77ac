// The day-one risk scorecard: points for what makes "not paid within 30 days after due" more
// likely, each with a reason code that names its value. Works with no history at all; the
// per-tenant model (model.ts) takes over once a shop has enough closed invoices.
import type { RiskFeatures } from './features.ts';
import { formatCents } from './ledger.ts';

export interface Reason {
  code: string;
  points: number;
  text: string;
}

export interface RiskScore {
  points: number;
  /** P(not paid within 30 days after due), from the points (a fixed logistic mapping). */
  risk: number;
  reasons: Reason[];
  source: 'scorecard' | 'model';
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function scorecard(f: RiskFeatures): RiskScore {
  const reasons: Reason[] = [];
  const add = (code: string, points: number, text: string) => reasons.push({ code, points, text });
  const d = f.daysPastDue;
  add(
    'days_past_due',
    // A point a day, from 30 days before the due date to 90 after: the closer to the
    // 30-days-late line an unpaid invoice is, the likelier it crosses it.
    Math.max(-30, Math.min(90, d)),
    d > 0 ? `${plural(d, 'day')} past due` : d === 0 ? 'due today' : `due in ${plural(-d, 'day')}`,
  );
  if (f.recentClosed === 0) add('no_history', 5, 'no paid invoices yet (new customer)');
  else
    add(
      'late_history',
      Math.round((30 * f.recentLate) / f.recentClosed),
      `${f.recentLate} of last ${f.recentClosed} invoices paid more than 30 days after due`,
    );
  if (f.medianDaysLate !== null)
    add(
      'median_days_late',
      f.medianDaysLate > 30 ? 10 : 0,
      f.medianDaysLate > 0
        ? `pays a median ${Math.round(f.medianDaysLate)} days after due (${plural(f.closedCount, 'paid invoice')})`
        : `pays by the due date (median, ${plural(f.closedCount, 'paid invoice')})`,
    );
  if (f.otherOverdueCount > 0)
    add(
      'other_overdue',
      Math.min(20, 10 * f.otherOverdueCount),
      `${plural(f.otherOverdueCount, 'other invoice')} over 30 days past due (${formatCents(f.otherOverdueCents)})`,
    );
  add('balance', f.balanceCents >= 200_000 ? 5 : 0, `open balance ${formatCents(f.balanceCents)}`);
  if (f.disputes > 0) add('dispute', 25, `${plural(f.disputes, 'dispute')} recorded by a collector`);
  if (f.brokenPromises > 0) add('broken_promise', 15, `${plural(f.brokenPromises, 'broken promise')} to pay`);
  if (f.wrongNumber) add('wrong_number', 10, 'a collector reached a wrong number');
  if (f.openPromise) add('open_promise', -10, 'promised to pay, date not yet passed');
  const points = reasons.reduce((s, r) => s + r.points, 0);
  reasons.sort((a, b) => b.points - a.points || a.code.localeCompare(b.code));
  return { points, risk: 1 / (1 + Math.exp(-(points - 20) / 12)), reasons, source: 'scorecard' };
}
