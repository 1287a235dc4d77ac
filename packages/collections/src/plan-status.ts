// Where a running payment plan stands: what was paid since acceptance is allocated to the
// installments oldest first (an overpayment runs into the next one); an installment unpaid
// `graceDays` after its due date makes the plan late (dunning resumes), `brokenDays` after it
// broken; all paid: completed.

import type { Installment } from './installments.ts';
import { DAY_MS } from './ledger.ts';

export type PlanState = 'current' | 'late' | 'broken' | 'completed';

export interface PlanStatus {
  state: PlanState;
  paidInstallments: number;
  /** The first installment not fully paid, or null when all are. */
  next: (Installment & { owedCents: number }) | null;
}

export function planStatus(
  installments: readonly Installment[],
  paidCents: number,
  now: Date,
  options: { graceDays?: number; brokenDays?: number } = {},
): PlanStatus {
  const { graceDays = 1, brokenDays = 30 } = options;
  let left = Math.max(0, paidCents);
  let paidInstallments = 0;
  for (const i of installments) {
    if (left < i.cents) {
      const overdueDays = (now.getTime() - Date.parse(`${i.dueDate}T23:59:59Z`)) / DAY_MS;
      const state: PlanState =
        overdueDays > brokenDays ? 'broken' : overdueDays > graceDays ? 'late' : 'current';
      return { state, paidInstallments, next: { ...i, owedCents: i.cents - left } };
    }
    left -= i.cents;
    paidInstallments += 1;
  }
  return { state: 'completed', paidInstallments, next: null };
}

/**
 * Days past due as dunning counts them. An invoice on a late plan is late since its first unpaid
 * installment (the plan, not the invoice's due date, is what the customer broke; and the invoice
 * dueDate may have been moved to the plan's end); otherwise the invoice's own days past due.
 */
export function dunningDaysPastDue(
  invoiceDaysPastDue: number | null,
  plan: { state: string; installments: readonly Installment[]; balanceCents: number } | null,
  balanceCents: number,
  now: Date,
): number | null {
  if (plan?.state !== 'late') return invoiceDaysPastDue;
  const next = planStatus(plan.installments, plan.balanceCents - balanceCents, now).next;
  if (!next) return invoiceDaysPastDue;
  return Math.floor((now.getTime() - Date.parse(`${next.dueDate}T00:00:00Z`)) / DAY_MS);
}
