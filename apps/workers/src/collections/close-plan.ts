// A plan that completed or broke, taken back out of ServiceTitan's screens, each write a ledgered
// step (st_writes via runSteps) confirmed by reading back, so it happens once however often the
// job runs: the invoice custom field says how the plan ended; the customer tag comes off (unless
// another running plan of the customer still needs it); the pinned plan note, which cannot be
// edited or unpinned, is replaced by an unpinned closing note (written first, so the history is
// never lost); and a broken plan puts back the invoice dueDate it had moved. The plan's task stays:
// the Task Management API has no update or close endpoint.
import { formatCents, toCents } from '@invoicer/collections';
import type { CollectionsSettings } from '@invoicer/core';
import { InvalidInputError } from '@invoicer/core';
import { getWrite, type PaymentPlan, sql } from '@invoicer/db';
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
import { dueDay, planReference } from './represent-plan.ts';
import { deleteCustomerNote, listTagTypes, untagCustomer } from './st-calls.ts';

interface Snapshot {
  invoice: Invoice;
  customer: Customer;
  notes: CustomerNote[];
}

export async function closePlan(
  services: Pick<WorkerServices, 'db'>,
  client: StClient,
  settings: CollectionsSettings['plans'],
  plan: PaymentPlan,
  now: Date,
): Promise<{ sent: number; tagKept: boolean }> {
  if (plan.state !== 'completed' && plan.state !== 'broken')
    throw new InvalidInputError(`plan ${plan.id} is ${plan.state}, not completed or broken`);
  const invoiceId = Number(plan.invoiceId);
  const customerId = Number(plan.customerId);
  const ref = planReference(plan);
  const closedRef = `${ref} closed`;
  const read = async (): Promise<Snapshot> => {
    const [invoice, customer, notes] = await Promise.all([
      client.getInvoice(invoiceId),
      client.getCustomer(customerId),
      listCustomerNotes(client, customerId),
    ]);
    if (!invoice) throw new Error(`invoice ${invoiceId} is not in ServiceTitan`);
    return { invoice, customer, notes };
  };
  const snapshot = await read();
  const key = (what: string) => `plan:${plan.id}:${what}`;
  const day = now.toISOString().slice(0, 10);
  const value = `Plan ${plan.state} ${day} ${ref}`;
  const paid = Number(plan.balanceCents) - toCents(String(snapshot.invoice.balance ?? '0'));
  const pinned = (s: Snapshot) =>
    s.notes.find((n) => n.isPinned && n.text.includes(ref) && !n.text.includes(closedRef));
  const pinnedNow = pinned(snapshot);
  const specs: StepSpec<Record<string, unknown>>[] = [
    {
      key: key('close-field'),
      operation: 'invoice.customFields',
      request: { name: settings.customField, value },
      send: () => client.setInvoiceCustomField(invoiceId, settings.customField, value),
      find: (s) =>
        ((s as Snapshot).invoice.customFields ?? []).some(
          (f) =>
            f.name === settings.customField &&
            String(f.value).startsWith(`Plan ${plan.state} `) &&
            String(f.value).endsWith(ref),
        )
          ? { field: value }
          : null,
    },
    {
      key: key('close-note'),
      operation: 'customer.note',
      request: { customerId, pinToTop: false },
      send: () =>
        createCustomerNote(client, customerId, {
          text: `Payment plan for invoice ${invoiceId} ${plan.state} on ${day}: ${formatCents(Math.max(0, paid))} of ${formatCents(Number(plan.balanceCents))} paid since it was agreed. ${closedRef}`,
          pinToTop: false,
        }).then(() => undefined),
      find: (s) =>
        (s as Snapshot).notes.some((n) => n.text.includes(closedRef)) ? { note: closedRef } : null,
    },
    {
      key: key('close-unpin'),
      operation: 'customer.note.delete',
      request: { customerId, noteId: pinnedNow?.id ?? null },
      // Nothing pinned any more (a person removed it): nothing to send; the read-back confirms.
      send: async () => {
        if (pinnedNow?.id) await deleteCustomerNote(client, customerId, pinnedNow.id);
      },
      find: (s) => (pinned(s as Snapshot) ? null : { unpinned: true }),
    },
  ];
  // The tag marks the customer as "on a plan": it stays while another of their plans runs.
  const [other] = await sql<{ id: string }>(
    services.db,
    `SELECT id::text FROM payment_plans WHERE tenant_id = $1 AND customer_id = $2 AND id <> $3::uuid
       AND state IN ('accepted', 'current', 'late') LIMIT 1`,
    [plan.tenantId, customerId, plan.id],
  );
  const tagType = (await listTagTypes(client)).find((t) => t.name === settings.tagType);
  if (tagType && !other)
    specs.push({
      key: key('close-tag'),
      operation: 'customer.untag',
      request: { customerId, tagTypeId: tagType.id },
      send: () => untagCustomer(client, customerId, tagType.id),
      find: (s) =>
        ((s as Snapshot).customer.tagTypeIds ?? []).includes(tagType.id) ? null : { untagged: tagType.id },
    });
  const moved = await getWrite(services.db, key('st-due-date'));
  if (plan.state === 'broken' && moved?.status === 'completed') {
    const previous = ((moved.request ?? {}) as { previousDueDate?: string | null }).previousDueDate ?? null;
    specs.push({
      key: key('close-due-date'),
      operation: 'invoice.dueDate',
      request: { dueDate: previous },
      send: () => client.patchInvoice(invoiceId, { dueDate: previous }).then(() => undefined),
      find: (s) => (dueDay((s as Snapshot).invoice) === previous ? { dueDate: previous } : null),
    });
  }
  const { outcomes } = await runSteps(
    services.db,
    { tenantId: plan.tenantId, runId: null },
    specs,
    snapshot,
    read,
  );
  return { sent: outcomes.filter((o) => o.how === 'sent').length, tagKept: Boolean(other) };
}
