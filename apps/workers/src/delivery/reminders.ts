// Plan an invoice's reminders once it has been sent: one ledger row per step with its due time
// (the reminder window's opening in the customer's zone), each driven by a BullMQ delayed job.
// Whether a reminder really goes is decided when it is due (balance, pauses, opt-outs, caps).
import type { DeliverySettings } from '@invoicer/core';
import { type Message, planMessage, recordMessageEvent } from '@invoicer/db';
import { reminderSchedule } from '@invoicer/messaging';
import type { WorkerServices } from '../services.ts';
import { enqueueAt } from './ledger-key.ts';

export async function planReminders(
  services: Pick<WorkerServices, 'db' | 'queues'>,
  settings: DeliverySettings,
  invoiceMessage: Message,
  facts: { dueDate: string | null; timeZone: string; balanceCents: number },
  now: Date,
): Promise<Message[]> {
  if (!settings.reminders.enabled || !facts.dueDate || facts.balanceCents <= 0) return [];
  const steps = reminderSchedule({
    dueDate: facts.dueDate,
    offsetsDays: settings.reminders.offsetsDays,
    timeZone: facts.timeZone,
    at: settings.contactPolicy.reminderHours.start,
    now,
  });
  const planned: Message[] = [];
  for (const step of steps) {
    const { row, created } = await planMessage(services.db, {
      tenantId: invoiceMessage.tenantId,
      subjectKind: invoiceMessage.subjectKind,
      subjectId: invoiceMessage.subjectId,
      purpose: 'reminder',
      step: step.step,
      revision: invoiceMessage.revision,
      category: 'reminder',
      runId: invoiceMessage.runId,
      customerId: invoiceMessage.customerId === null ? null : Number(invoiceMessage.customerId),
      dueAt: step.dueAt,
    });
    if (created)
      await recordMessageEvent(services.db, {
        messageId: row.id,
        tenantId: row.tenantId,
        kind: 'planned',
        detail: { dueAt: step.dueAt.toISOString(), timeZone: facts.timeZone, offsetDays: step.offsetDays },
      });
    if (row.state === 'planned' && row.dueAt) await enqueueAt(services, row, row.dueAt);
    planned.push(row);
  }
  return planned;
}
