// collections.act: one action, idempotent by its own ledger.
//   plan <planId> represent — write an accepted plan's ServiceTitan objects (represent-plan.ts),
//     mark the plan current, and plan its installment reminders (message ledger rows with delayed
//     jobs, installment-reminders.ts);
//   plan <planId> close — a completed or broken plan taken back out of ServiceTitan (close-plan.ts);
//   dunning <invoiceId> <level> — the tenant's dunning level for the invoice: email and SMS
//     levels are ledger messages (purpose 'collection', step = the level), sent by the delivery
//     code with its contact policy (opt-outs, disputes, plans, zero balance, quiet hours, caps);
//     a call level is a ServiceTitan task for the collectors (ledgered, read back); a manager
//     review is an audit event the receivables page lists. Paid, disputed and planned invoices
//     are skipped before anything is written.
import { InvalidInputError, type PayloadOf } from '@invoicer/core';
import { getPaymentPlan, setPaymentPlanState } from '@invoicer/db';
import { timeZoneOfState } from '@invoicer/messaging';
import type { WorkerServices } from '../services.ts';
import { closePlan } from './close-plan.ts';
import { runDunningLevel } from './dunning.ts';
import { planInstallmentReminders } from './installment-reminders.ts';
import { representPlan } from './represent-plan.ts';

export async function act(services: WorkerServices, payload: PayloadOf<'collections.act'>, now = new Date()) {
  if (payload.kind === 'plan') {
    if (payload.step !== 'represent' && payload.step !== 'close')
      throw new InvalidInputError(`unknown plan step "${payload.step}"`);
    const plan = await getPaymentPlan(services.db, payload.subjectId);
    if (!plan || plan.tenantId !== payload.tenantId)
      throw new InvalidInputError(`plan ${payload.subjectId} is not this tenant's`);
    const settings = await services.runtime.settings(payload.tenantId);
    const client = await services.runtime.client(payload.tenantId);
    const log = services.log.child({ tenant: plan.tenantId, planId: plan.id });
    if (payload.step === 'close') {
      const result = await closePlan(services, client, settings.collections.plans, plan, now);
      log.info({ state: plan.state, ...result }, 'payment plan closed in ServiceTitan');
      return 'closed';
    }
    if (plan.state === 'proposed') throw new InvalidInputError(`plan ${plan.id} was not accepted`);
    if (plan.state !== 'accepted' && plan.state !== 'current' && plan.state !== 'late') return plan.state;
    const result = await representPlan(services, client, settings.collections.plans, plan);
    await setPaymentPlanState(services.db, plan.id, 'current', ['accepted']);
    const invoice = await client.getInvoice(Number(plan.invoiceId));
    const state = invoice?.locationAddress?.state ?? invoice?.customerAddress?.state;
    const reminders = await planInstallmentReminders(
      services,
      settings,
      plan,
      timeZoneOfState(state, settings.delivery.defaultTimeZone),
      now,
    );
    log.info({ ...result, reminders: reminders.length }, 'payment plan in ServiceTitan');
    return 'represented';
  }
  return runDunningLevel(services, payload.tenantId, Number(payload.subjectId), payload.step, now);
}
