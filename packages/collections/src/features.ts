// What is known about an invoice and its customer at a moment `at`, and nothing later: only
// payments applied by then, only invoices closed by then count as history. The same features
// feed the day-one scorecard, the per-tenant model and the backtest.
import { type ArInvoice, balanceAt, DAY_MS, daysPastDue, paidInFullAt } from './ledger.ts';

export type CollectorOutcome = 'promise_to_pay' | 'dispute' | 'wrong_number' | 'no_answer' | 'paid_claimed';
export const COLLECTOR_OUTCOMES: readonly CollectorOutcome[] = [
  'promise_to_pay',
  'dispute',
  'wrong_number',
  'no_answer',
  'paid_claimed',
];

export interface OutcomeRecord {
  invoiceId: number;
  customerId: number;
  outcome: CollectorOutcome;
  at: Date;
  /** For a promise: the date promised. */
  promisedFor: Date | null;
}

export interface RiskFeatures {
  daysPastDue: number;
  balanceCents: number;
  /** Days between invoice and due date (0 = due on receipt). */
  termDays: number;
  closedCount: number;
  /** Of the customer's last (up to) 5 closed invoices, how many were paid > 30 days after due. */
  recentClosed: number;
  recentLate: number;
  medianDaysToPay: number | null;
  /** Median days between due date and payment over the customer's paid invoices (negative: early). */
  medianDaysLate: number | null;
  /** The customer's other invoices more than 30 days past due at `at`. */
  otherOverdueCount: number;
  otherOverdueCents: number;
  disputes: number;
  brokenPromises: number;
  openPromise: boolean;
  wrongNumber: boolean;
}

export interface CustomerIndex {
  byCustomer: Map<number, ArInvoice[]>;
  paidAt: Map<number, Date | null>;
}

export function indexCustomers(invoices: readonly ArInvoice[]): CustomerIndex {
  const byCustomer = new Map<number, ArInvoice[]>();
  const paidAt = new Map<number, Date | null>();
  for (const inv of invoices) {
    const list = byCustomer.get(inv.customerId);
    if (list) list.push(inv);
    else byCustomer.set(inv.customerId, [inv]);
    paidAt.set(inv.id, paidInFullAt(inv));
  }
  return { byCustomer, paidAt };
}

const LATE_DAYS = 30;

export function riskFeatures(
  inv: ArInvoice,
  at: Date,
  index: CustomerIndex,
  outcomes: readonly OutcomeRecord[] = [],
): RiskFeatures {
  const t = at.getTime();
  const closed: { paid: number; late: number; toPay: number }[] = [];
  let otherOverdueCount = 0;
  let otherOverdueCents = 0;
  for (const other of index.byCustomer.get(inv.customerId) ?? []) {
    if (other.id === inv.id || other.invoiceDate.getTime() > t) continue;
    const paid = index.paidAt.get(other.id) ?? null;
    if (paid && paid.getTime() <= t) {
      const due = (other.dueDate ?? other.invoiceDate).getTime();
      closed.push({
        paid: paid.getTime(),
        late: (paid.getTime() - due) / DAY_MS,
        toPay: (paid.getTime() - other.invoiceDate.getTime()) / DAY_MS,
      });
    } else {
      const late = daysPastDue(other, at);
      const open = balanceAt(other, at);
      if (late !== null && late > LATE_DAYS && open > 0) {
        otherOverdueCount += 1;
        otherOverdueCents += open;
      }
    }
  }
  closed.sort((a, b) => b.paid - a.paid);
  const recent = closed.slice(0, 5);
  const toPay = closed.map((c) => c.toPay).sort((a, b) => a - b);
  const late = closed.map((c) => c.late).sort((a, b) => a - b);
  const mine = outcomes.filter((o) => o.customerId === inv.customerId && o.at.getTime() <= t);
  const promises = mine.filter((o) => o.outcome === 'promise_to_pay' && o.promisedFor);
  const brokenPromises = promises.filter((o) => {
    const p = index.byCustomer.get(o.customerId)?.find((i) => i.id === o.invoiceId);
    const paid = p ? index.paidAt.get(p.id) : null;
    const deadline = o.promisedFor!.getTime() + DAY_MS;
    return deadline < t && !(paid && paid.getTime() <= deadline);
  }).length;
  return {
    daysPastDue: daysPastDue(inv, at) ?? 0,
    balanceCents: balanceAt(inv, at),
    termDays: inv.dueDate ? Math.round((inv.dueDate.getTime() - inv.invoiceDate.getTime()) / DAY_MS) : 0,
    closedCount: closed.length,
    recentClosed: recent.length,
    recentLate: recent.filter((c) => c.late > LATE_DAYS).length,
    medianDaysToPay: toPay.length ? toPay[Math.floor((toPay.length - 1) / 2)]! : null,
    medianDaysLate: late.length ? late[Math.floor((late.length - 1) / 2)]! : null,
    otherOverdueCount,
    otherOverdueCents,
    disputes: mine.filter((o) => o.outcome === 'dispute').length,
    brokenPromises,
    openPromise: promises.some((o) => o.promisedFor!.getTime() + DAY_MS >= t),
    wrongNumber: mine.some((o) => o.outcome === 'wrong_number'),
  };
}

/** Stored collector outcomes (any id type) as the records the features read; unknown kinds are left out. */
export function toOutcomeRecords(
  rows: readonly {
    invoiceId: bigint | number;
    customerId: bigint | number;
    outcome: string;
    createdAt: Date;
    promisedFor: Date | null;
  }[],
): OutcomeRecord[] {
  return rows
    .filter((o) => (COLLECTOR_OUTCOMES as readonly string[]).includes(o.outcome))
    .map((o) => ({
      invoiceId: Number(o.invoiceId),
      customerId: Number(o.customerId),
      outcome: o.outcome as CollectorOutcome,
      at: o.createdAt,
      promisedFor: o.promisedFor,
    }));
}
