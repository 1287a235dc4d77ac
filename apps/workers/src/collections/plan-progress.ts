// Running plans against the mirror: what was paid since acceptance (the balance then less the
// balance now) is allocated to installments oldest first. A missed installment makes the plan
// late: its 'plan' pause is cleared, so dunning and reminders resume; paid up again, it is
// current and paused again; all paid, completed. A completed or broken plan is handed to
// collections.act to be taken back out of ServiceTitan (close-plan.ts), once per plan.
import { type Installment, planStatus } from '@invoicer/collections';
import { clearPause, type PaymentPlan, setPause, setPaymentPlanState } from '@invoicer/db';
import type { WorkerServices } from '../services.ts';

export async function updatePlanProgress(
  services: Pick<WorkerServices, 'db' | 'queues'>,
  plans: readonly PaymentPlan[],
  balanceOf: (invoiceId: number) => number | null,
  now: Date,
): Promise<Record<string, number>> {
  const { db } = services;
  const moved: Record<string, number> = {};
  for (const plan of plans) {
    if (plan.state !== 'current' && plan.state !== 'late') continue; // accepted: not in ServiceTitan yet
    const balance = balanceOf(Number(plan.invoiceId));
    if (balance === null) continue;
    const installments = (plan.installments ?? []) as unknown as Installment[];
    const status = planStatus(installments, Number(plan.balanceCents) - balance, now);
    if (status.state === plan.state) continue;
    if (!(await setPaymentPlanState(db, plan.id, status.state, [plan.state]))) continue;
    moved[status.state] = (moved[status.state] ?? 0) + 1;
    const pause = {
      tenantId: plan.tenantId,
      subjectKind: 'invoice',
      subjectId: String(plan.invoiceId),
      reason: 'plan',
    };
    if (status.state === 'current') await setPause(db, { ...pause, note: `payment plan ${plan.id}` });
    else await clearPause(db, pause);
    if (status.state === 'completed' || status.state === 'broken')
      await services.queues.enqueue('collections.act', {
        tenantId: plan.tenantId,
        kind: 'plan',
        subjectId: plan.id,
        step: 'close',
      });
  }
  return moved;
}
