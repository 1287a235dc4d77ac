// Once a message is accepted: record the send in ServiceTitan, and for the invoice itself plan
// its reminders. Both are idempotent (the ST write ledger; the message ledger's key), so they
// also run when a retry finds the row already accepted.
import { getMessage, type Message } from '@invoicer/db';
import type { DeliveryContext } from './context.ts';
import type { RecipientFacts } from './recipient.ts';
import { planReminders } from './reminders.ts';
import { recordSendInServiceTitan } from './st-record.ts';

export async function afterAccepted(
  ctx: DeliveryContext,
  row: Message,
  _facts: RecipientFacts | null,
): Promise<void> {
  const { services, delivery } = ctx;
  const current = (await getMessage(services.db, row.id)) ?? row;
  const content = (current.content ?? {}) as {
    customerId?: number;
    dueDate?: string | null;
    timeZone?: string;
    balanceCents?: number;
  };
  const client = await services.runtime.client(current.tenantId);
  if (current.subjectKind === 'invoice' && content.customerId)
    await recordSendInServiceTitan(
      services,
      client,
      delivery,
      current,
      content.customerId,
      current.acceptedAt ?? ctx.now,
    );
  if (current.purpose === 'invoice' && current.subjectKind === 'invoice')
    await planReminders(
      services,
      delivery,
      current,
      {
        dueDate: content.dueDate ?? null,
        timeZone: content.timeZone ?? delivery.defaultTimeZone,
        balanceCents: content.balanceCents ?? 0,
      },
      ctx.now,
    );
}
