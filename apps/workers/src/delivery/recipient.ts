// Everything about the recipient the channel choice and the contact policy need, read just
// before sending: the invoice as ServiceTitan has it now (balance), the customer (preference
// field, location zone), its contacts, our opt-out lists and ServiceTitan's, pauses, and what
// failed before for this subject.
import type { DeliverySettings } from '@invoicer/core';
import { activePauses, type Db, optOutSet } from '@invoicer/db';
import { type ContactPoint, normalisePhone, timeZoneOfState } from '@invoicer/messaging';
import {
  type Customer,
  getOptOuts,
  type Invoice,
  listCustomerContacts,
  type StClient,
} from '@invoicer/servicetitan';

export interface RecipientFacts {
  invoice: Invoice;
  customer: Customer;
  contacts: ContactPoint[];
  preference: string | null;
  timeZone: string;
  smsOptOuts: Set<string>;
  stOptOuts: Set<string>;
  emailUnsubscribes: Set<string>;
  failed: Set<string>;
  pauses: string[];
}

export async function readRecipientFacts(
  db: Db,
  client: StClient,
  settings: DeliverySettings,
  message: { tenantId: string; subjectKind: string; subjectId: string },
  now: Date,
): Promise<RecipientFacts> {
  const invoice = await client.getInvoice(Number(message.subjectId));
  if (!invoice) throw new Error(`invoice ${message.subjectId} is not in ServiceTitan`);
  const customerId = invoice.customer?.id;
  if (!customerId) throw new Error(`invoice ${invoice.id} has no customer`);
  const [customer, stContacts, smsOptOuts, emailUnsubscribes, pauses, failedRows] = await Promise.all([
    client.getCustomer(customerId),
    listCustomerContacts(client, customerId),
    optOutSet(db, message.tenantId, 'sms'),
    optOutSet(db, message.tenantId, 'email'),
    activePauses(db, message.tenantId, message.subjectKind, message.subjectId, now),
    db.message.findMany({
      where: {
        tenantId: message.tenantId,
        subjectKind: message.subjectKind,
        subjectId: message.subjectId,
        state: { in: ['bounced', 'failed'] },
      },
      select: { recipient: true },
    }),
  ]);
  const contacts: ContactPoint[] = stContacts.map((c) => ({
    id: c.id,
    type: c.type,
    value: c.value,
    doNotText: c.phoneSettings?.doNotText ?? false,
  }));
  const mobiles = contacts
    .filter((c) => c.type === 'MobilePhone')
    .map((c) => normalisePhone(c.value))
    .filter((n): n is string => n !== null);
  const stOptOuts = new Set((await getOptOuts(client, mobiles)).map((o) => o.contactNumber));
  const field = (customer.customFields ?? []).find(
    (f) => f.name?.trim().toLowerCase() === settings.preferenceField.trim().toLowerCase(),
  );
  const state = invoice.locationAddress?.state ?? invoice.customerAddress?.state ?? customer.address?.state;
  return {
    invoice,
    customer,
    contacts,
    preference: typeof field?.value === 'string' ? field.value : null,
    timeZone: timeZoneOfState(state, settings.defaultTimeZone),
    smsOptOuts,
    stOptOuts,
    emailUnsubscribes,
    failed: new Set(failedRows.map((r) => r.recipient).filter((r): r is string => r !== null)),
    pauses,
  };
}
