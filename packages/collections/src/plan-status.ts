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
