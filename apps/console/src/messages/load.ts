// The messages of a review item's invoice: the ledger rows for the run (or, for a delivery item,
// the message it was opened for and its siblings), with their events, and the customer's
// contacts read from ServiceTitan for "send to another contact".
import { type Message, type MessageEvent, messagesForSubject } from '@invoicer/db';
import { listCustomerContacts } from '@invoicer/servicetitan';
import type { ConsoleServices } from '../services.ts';

export interface ItemMessages {
  itemId: string;
  tenantId: string;
  /** The message a resend copies (the invoice's own send), or null when nothing was sent yet. */
  base: Message | null;
  messages: (Message & { events: MessageEvent[] })[];
  contacts: { id: number; type: string; value: string; doNotText: boolean }[] | null;
}

export async function loadItemMessages(
  services: ConsoleServices,
  itemId: string,
  options: { contacts?: boolean } = {},
): Promise<ItemMessages | null> {
  const item = await services.db.reviewItem.findUnique({ where: { id: itemId } });
  if (!item) return null;
  const messageId = (item.details as { messageId?: unknown } | null)?.messageId;
  const anchor =
    typeof messageId === 'string'
      ? await services.db.message.findUnique({ where: { id: messageId } })
      : item.runId
        ? await services.db.message.findFirst({ where: { runId: item.runId }, orderBy: { createdAt: 'asc' } })
        : null;
  if (!anchor || anchor.tenantId !== item.tenantId)
    return { itemId, tenantId: item.tenantId, base: null, messages: [], contacts: null };
  const messages = await messagesForSubject(
    services.db,
    anchor.tenantId,
    anchor.subjectKind,
    anchor.subjectId,
  );
  const base = messages.find((m) => m.purpose === 'invoice' && m.step === 'send') ?? anchor;
  let contacts: ItemMessages['contacts'] = null;
  if (options.contacts && base.customerId !== null) {
    try {
      const client = await services.runtime.client(anchor.tenantId);
      contacts = (await listCustomerContacts(client, Number(base.customerId))).map((c) => ({
        id: c.id,
        type: c.type,
        value: c.value,
        doNotText: c.phoneSettings?.doNotText ?? false,
      }));
    } catch (error) {
      services.log.warn({ item: itemId, err: (error as Error).message }, 'could not read contacts');
    }
  }
  return { itemId, tenantId: item.tenantId, base, messages, contacts };
}
