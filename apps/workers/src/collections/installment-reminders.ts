// A payment plan's own reminders, through the delivery's message ledger: one row per (plan,
// installment, days before its due date), keyed by the plan and installment in its step, due at
// the reminder window's opening in the customer's zone and driven by a BullMQ delayed job (no
// scan). Whether it really goes is decided when it is due, from facts read then: the plan still
// running, the installment still owed (the live ServiceTitan balance against the plan), and the
// delivery's contact policy (opt-outs, disputes, quiet hours, caps). A running plan pauses
// dunning, never its own reminders.
import { type Installment, planStatus } from '@invoicer/collections';
import type { TenantSettings } from '@invoicer/core';
import {
  getPaymentPlan,
  livePlanForInvoice,
  type Message,
  type PaymentPlan,
  planMessage,
  recordMessageEvent,
} from '@invoicer/db';
import { type InstallmentFacts, reminderSchedule } from '@invoicer/messaging';
import { enqueueAt } from '../delivery/ledger-key.ts';
import type { WorkerServices } from '../services.ts';

export const INSTALLMENT_PURPOSE = 'installment';

export const installmentStep = (planId: string, number: number, step: string) =>
  `plan-${planId}-i${number}-${step}`;

const STEP = /^plan-([0-9a-f-]{36})-i(\d+)-(d[-+]?\d+)$/;

export async function planInstallmentReminders(
  services: Pick<WorkerServices, 'db' | 'queues'>,
  settings: TenantSettings,
  plan: PaymentPlan,
  timeZone: string,
  now: Date,
): Promise<Message[]> {
  const installments = (plan.installments ?? []) as unknown as Installment[];
  const daysBefore = settings.collections.plans.reminderDaysBefore;
  const planned: Message[] = [];
  for (const inst of installments) {
    const steps = reminderSchedule({
      dueDate: inst.dueDate,
      offsetsDays: daysBefore.map((d) => -d),
      timeZone,
      at: settings.delivery.contactPolicy.reminderHours.start,
      now,
    });
    for (const step of steps) {
      const { row, created } = await planMessage(services.db, {
        tenantId: plan.tenantId,
        subjectKind: 'invoice',
        subjectId: String(plan.invoiceId),
        purpose: INSTALLMENT_PURPOSE,
        step: installmentStep(plan.id, inst.number, step.step),
        revision: 0,
        category: 'installment',
        customerId: Number(plan.customerId),
        dueAt: step.dueAt,
      });
      if (created)
        await recordMessageEvent(services.db, {
          messageId: row.id,
          tenantId: row.tenantId,
          kind: 'planned',
          detail: { dueAt: step.dueAt.toISOString(), timeZone, planId: plan.id, installment: inst.number },
        });
      if (row.state === 'planned' && row.dueAt) await enqueueAt(services, row, row.dueAt);
      planned.push(row);
    }
  }
  return planned;
}

export type InstallmentAtSend =
  | { send: false; reason: string }
  | { send: true; facts: InstallmentFacts; dueDate: string };

/** Just before sending: is the installment still owed, and how much of it (cents → "12.34"). */
export async function installmentAtSend(
  db: WorkerServices['db'],
  row: Pick<Message, 'tenantId' | 'step'>,
  liveBalanceCents: number,
  now: Date,
): Promise<InstallmentAtSend> {
  const m = STEP.exec(row.step);
  if (!m) return { send: false, reason: `"${row.step}" is not an installment reminder step` };
  const plan = await getPaymentPlan(db, m[1]!);
  if (!plan || plan.tenantId !== row.tenantId) return { send: false, reason: 'the payment plan is gone' };
  if (plan.state !== 'current' && plan.state !== 'late')
    return { send: false, reason: `the payment plan is ${plan.state}` };
  const installments = (plan.installments ?? []) as unknown as Installment[];
  const number = Number(m[2]);
  const inst = installments.find((i) => i.number === number);
  if (!inst) return { send: false, reason: `the plan has no installment ${number}` };
  const status = planStatus(installments, Number(plan.balanceCents) - liveBalanceCents, now);
  if (status.paidInstallments >= number) return { send: false, reason: `installment ${number} is paid` };
  const owed = status.next?.number === number ? status.next.owedCents : inst.cents;
  return {
    send: true,
    dueDate: inst.dueDate,
    facts: { number, count: installments.length, amount: (owed / 100).toFixed(2) },
  };
}

/**
 * A collection message about an invoice whose plan is late speaks of the missed installment
 * ("payment 2 of 3, $1,200.00, past due since …"), not of the invoice's due date (which may be
 * the plan's last). Null when the invoice has no late plan: the usual reminder wording.
 */
export async function missedInstallment(
  db: WorkerServices['db'],
  row: Pick<Message, 'tenantId' | 'subjectKind' | 'subjectId'>,
  liveBalanceCents: number,
  now: Date,
): Promise<Extract<InstallmentAtSend, { send: true }> | null> {
  if (row.subjectKind !== 'invoice') return null;
  const plan = await livePlanForInvoice(db, row.tenantId, Number(row.subjectId));
  if (plan?.state !== 'late') return null;
  const installments = (plan.installments ?? []) as unknown as Installment[];
  const next = planStatus(installments, Number(plan.balanceCents) - liveBalanceCents, now).next;
  if (!next) return null;
  return {
    send: true,
    dueDate: next.dueDate,
    facts: { number: next.number, count: installments.length, amount: (next.owedCents / 100).toFixed(2) },
  };
}
