// Record a send in ServiceTitan (it cannot mark an invoice sent): the invoice custom field
// "Sent by invoicer" and a customer note, each ledgered in st_writes and confirmed by reading
// back. A note carries the message's reference so a retry finds it instead of adding another.
import type { DeliverySettings } from '@invoicer/core';
import { getWrite, type Message } from '@invoicer/db';
import { runSteps, type StepSpec } from '@invoicer/pipeline';
import {
  type CustomerNote,
  createCustomerNote,
  type Invoice,
  listCustomerNotes,
  type StClient,
} from '@invoicer/servicetitan';
import type { WorkerServices } from '../services.ts';
import { maskAddress } from './ledger-key.ts';

interface Snapshot {
  invoice: Invoice;
  notes: CustomerNote[];
}

export const stRecordKeys = (row: Message) => ({
  field: `msg:${row.id}:st-field`,
  note: `msg:${row.id}:st-note`,
});
const reference = (row: Message) => `[invoicer ${row.id.slice(0, 8)}]`;

export async function recordSendInServiceTitan(
  services: Pick<WorkerServices, 'db'>,
  client: StClient,
  settings: DeliverySettings,
  row: Message,
  customerId: number,
  sentAt: Date,
): Promise<void> {
  const keys = stRecordKeys(row);
  const [field, note] = await Promise.all([
    getWrite(services.db, keys.field),
    getWrite(services.db, keys.note),
  ]);
  if (field?.status === 'completed' && (note?.status === 'completed' || !settings.customerNote)) return;
  const invoiceId = Number(row.subjectId);
  const what = row.purpose === 'invoice' ? 'invoice' : `${row.purpose} ${row.step}`;
  const value = `${row.channel} ${sentAt.toISOString().slice(0, 16).replace('T', ' ')} UTC to ${maskAddress(row.recipient ?? '')} (${what})`;
  const text = `Invoice ${row.subjectId} ${what} sent by ${row.channel} to ${maskAddress(row.recipient ?? '')} at ${sentAt.toISOString()} ${reference(row)}`;
  const read = async (): Promise<Snapshot> => {
    const invoice = await client.getInvoice(invoiceId);
    if (!invoice) throw new Error(`invoice ${invoiceId} is not in ServiceTitan`);
    return { invoice, notes: settings.customerNote ? await listCustomerNotes(client, customerId) : [] };
  };
  const steps: StepSpec<Record<string, string>>[] = [
    {
      key: keys.field,
      operation: 'invoice.customFields',
      request: { name: settings.sentField, value },
      send: () => client.setInvoiceCustomField(invoiceId, settings.sentField, value),
      find: (snapshot: unknown) => {
        const f = ((snapshot as Snapshot).invoice.customFields ?? []).find(
          (c) => c.name === settings.sentField,
        );
        return f?.value === value ? { [settings.sentField]: value } : null;
      },
    },
  ];
  if (settings.customerNote)
    steps.push({
      key: keys.note,
      operation: 'customer.note',
      request: { customerId, text },
      send: () => createCustomerNote(client, customerId, { text }).then(() => undefined),
      find: (snapshot: unknown) =>
        (snapshot as Snapshot).notes.some((n) => n.text.includes(reference(row)))
          ? { note: reference(row) }
          : null,
    });
  await runSteps(services.db, { tenantId: row.tenantId, runId: row.runId }, steps, await read(), read);
}
