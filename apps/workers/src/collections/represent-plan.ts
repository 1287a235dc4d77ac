// An accepted payment plan, represented in ServiceTitan by its real objects (it has no schedule
// object): an invoice custom field, a customer tag, a pinned customer note, and a task with one
// dated sub-task per installment for the collector. Each write is a ledgered step (st_writes via
// runSteps) confirmed by reading back; the plan's reference in every text lets a retry after a
// lost answer find what was already written instead of writing it again.

import { formatCents, type Installment } from '@invoicer/collections';
import type { CollectionsSettings } from '@invoicer/core';
import { InvalidInputError } from '@invoicer/core';
import type { PaymentPlan } from '@invoicer/db';
import { runSteps, type StepSpec } from '@invoicer/pipeline';
import {
  type Customer,
  type CustomerNote,
  createCustomerNote,
  type Invoice,
  listCustomerNotes,
  type StClient,
} from '@invoicer/servicetitan';
import type { WorkerServices } from '../services.ts';
import {
  createSubTask,
  createTask,
  listCustomerTasks,
  listTagTypes,
  type Task,
  tagCustomer,
} from './st-calls.ts';

interface Snapshot {
  invoice: Invoice;
  customer: Customer;
  notes: CustomerNote[];
  tasks: Task[];
}

/** The invoice's due date as ServiceTitan has it, as a calendar date (null: none). */
export const dueDay = (invoice: Invoice) => invoice.dueDate?.slice(0, 10) ?? null;

/**
 * The invoice's dueDate moved to the final installment. The ledger keeps the date it replaced
 * (the request of the first attempt), so a broken plan can put it back (close-plan.ts).
 */
function dueDateStep(
  client: StClient,
  plan: PaymentPlan,
  snapshot: { invoice: Invoice },
): StepSpec<Record<string, unknown>> {
  const installments = plan.installments as unknown as Installment[];
  const last = installments[installments.length - 1]!.dueDate;
  return {
    key: `plan:${plan.id}:st-due-date`,
    operation: 'invoice.dueDate',
    request: { dueDate: last, previousDueDate: dueDay(snapshot.invoice) },
    send: () => client.patchInvoice(Number(plan.invoiceId), { dueDate: last }).then(() => undefined),
    find: (s) => (dueDay((s as { invoice: Invoice }).invoice) === last ? { dueDate: last } : null),
  };
}

export const planReference = (plan: Pick<PaymentPlan, 'id'>) => `[plan ${plan.id.slice(0, 8)}]`;

export function planFieldValue(plan: PaymentPlan, installments: Installment[]): string {
  const first = installments[0]!;
  const last = installments[installments.length - 1]!;
  const amounts =
    first.cents === last.cents
      ? `${installments.length} × ${formatCents(first.cents)}`
      : `${installments.length} payments (${formatCents(first.cents)}, last ${formatCents(last.cents)})`;
  return `Plan: ${amounts}, next ${first.dueDate} ${planReference(plan)}`;
}

export async function representPlan(
  services: Pick<WorkerServices, 'db'>,
  client: StClient,
  settings: CollectionsSettings['plans'],
  plan: PaymentPlan,
): Promise<{ taskId: number; subTaskIds: number[]; sent: number }> {
  const installments = plan.installments as unknown as Installment[] | null;
  if (!installments?.length) throw new InvalidInputError(`plan ${plan.id} has no accepted installments`);
  const invoiceId = Number(plan.invoiceId);
  const customerId = Number(plan.customerId);
  const ref = planReference(plan);
  const tagType = (await listTagTypes(client)).find((t) => t.name === settings.tagType && t.active !== false);
  if (!tagType)
    throw new InvalidInputError(
      `ServiceTitan has no tag type "${settings.tagType}": an admin must create it once`,
    );
  const read = async (): Promise<Snapshot> => {
    const [invoice, customer, notes, tasks] = await Promise.all([
      client.getInvoice(invoiceId),
      client.getCustomer(customerId),
      listCustomerNotes(client, customerId),
      listCustomerTasks(client, customerId),
    ]);
    if (!invoice) throw new Error(`invoice ${invoiceId} is not in ServiceTitan`);
    return { invoice, customer, notes, tasks };
  };
  const owner = { tenantId: plan.tenantId, runId: null };
  const key = (what: string) => `plan:${plan.id}:${what}`;
  const value = planFieldValue(plan, installments);
  const total = formatCents(Number(plan.balanceCents));
  const schedule = installments
    .map((i) => `${i.number}. ${formatCents(i.cents)} due ${i.dueDate}`)
    .join('; ');
  const taskOf = (s: Snapshot) => s.tasks.find((t) => t.description?.includes(ref)) ?? null;
  const first: StepSpec<Record<string, unknown>>[] = [
    {
      key: key('st-field'),
      operation: 'invoice.customFields',
      request: { name: settings.customField, value },
      send: () => client.setInvoiceCustomField(invoiceId, settings.customField, value),
      find: (s) =>
        ((s as Snapshot).invoice.customFields ?? []).some(
          (f) => f.name === settings.customField && f.value === value,
        )
          ? { field: value }
          : null,
    },
    {
      key: key('st-tag'),
      operation: 'customer.tag',
      request: { customerId, tagTypeId: tagType.id },
      send: () => tagCustomer(client, customerId, tagType.id),
      find: (s) =>
        ((s as Snapshot).customer.tagTypeIds ?? []).includes(tagType.id) ? { tagTypeId: tagType.id } : null,
    },
    {
      key: key('st-note'),
      operation: 'customer.note',
      request: { customerId, pinToTop: true },
      send: () =>
        createCustomerNote(client, customerId, {
          text: `Payment plan for invoice ${invoiceId}: ${total} in ${schedule}. No finance charge. ${ref}`,
          pinToTop: true,
        }).then(() => undefined),
      find: (s) => ((s as Snapshot).notes.some((n) => n.text.includes(ref)) ? { note: ref } : null),
    },
    {
      key: key('st-task'),
      operation: 'task.create',
      request: { customerId, installments: installments.length },
      send: () =>
        createTask(client, {
          name: `Payment plan: invoice ${invoiceId}`,
          description: `Collect ${total} in ${installments.length} installments: ${schedule}. ${ref}`,
          customerId,
          priority: 'Normal',
          isClosed: false,
          reportedDate: new Date().toISOString(),
          completeBy: `${installments[installments.length - 1]!.dueDate}T17:00:00Z`,
          ...(settings.collectorId ? { assignedToId: settings.collectorId } : {}),
          ...(settings.reportedById ? { reportedById: settings.reportedById } : {}),
        }).then(() => undefined),
      find: (s) => {
        const t = taskOf(s as Snapshot);
        return t ? { taskId: t.id } : null;
      },
    },
  ];
  const batch1 = await runSteps(services.db, owner, first, await read(), read);
  const taskId = batch1.outcomes[3]!.result.taskId as number;
  const subName = (i: Installment) =>
    `Installment ${i.number} of ${installments.length}: ${formatCents(i.cents)} ${ref}`;
  const second: StepSpec<Record<string, unknown>>[] = installments.map((i) => ({
    key: key(`st-subtask-${i.number}`),
    operation: 'task.subtask',
    request: { taskId, number: i.number, dueDate: i.dueDate, cents: i.cents },
    send: () =>
      createSubTask(client, taskId, {
        name: subName(i),
        isClosed: false,
        dueDateTime: `${i.dueDate}T17:00:00Z`,
        ...(settings.collectorId ? { assignedToId: settings.collectorId } : {}),
      }).then(() => undefined),
    find: (s, taken) => {
      const sub = (taskOf(s as Snapshot)?.subTasks ?? []).find(
        (x) => x.name === subName(i) && !taken.has(x.id),
      );
      if (!sub) return null;
      taken.add(sub.id);
      return { itemId: sub.id };
    },
  }));
  const batch2 = await runSteps(services.db, owner, second, batch1.snapshot, read);
  const batch3 = settings.moveInvoiceDueDate
    ? await runSteps(services.db, owner, [dueDateStep(client, plan, batch2.snapshot)], batch2.snapshot, read)
    : { outcomes: [] };
  const sent = [...batch1.outcomes, ...batch2.outcomes, ...batch3.outcomes].filter(
    (o) => o.how === 'sent',
  ).length;
  return { taskId, subTaskIds: batch2.outcomes.map((o) => o.result.itemId as number), sent };
}
