// Handing a conversation to a person: one review item per conversation (kind `assistant`, the
// transcript in its details; a later handoff or dispute refreshes it and adds its reason), an audit
// event in the same transaction, and a pause on the invoice's reminders.
import { appendAuditTx, type Db, openReviewItem, type ReviewKind, setPause } from '@invoicer/db';
import type { CustomerFacts } from './facts.ts';
import type { LinkScope } from './link.ts';

export interface HandoffInput {
  scope: LinkScope;
  conversationId: string;
  action: 'handoff' | 'dispute';
  facts: CustomerFacts;
  details: Record<string, unknown>;
  slaHours: number;
}

export const REASONS = { handoff: 'customer_asked_for_person', dispute: 'customer_dispute' } as const;

export async function handOff(db: Db, input: HandoffInput): Promise<string> {
  const { scope, facts } = input;
  const dispute = input.action === 'dispute';
  const subjectKey = `assistant:${input.conversationId}`;
  const itemId = await db.$transaction(async (tx) => {
    const existing = await tx.reviewItem.findUnique({
      where: { subjectKey },
      select: { reasons: true, status: true },
    });
    const open = existing && ['open', 'on_hold', 'escalated'].includes(existing.status);
    const { item, created } = await openReviewItem(tx, {
      tenantId: scope.tenantId,
      // A kind of its own: the item carries the conversation, not a draft to approve.
      kind: 'assistant' as ReviewKind,
      subjectKey,
      reasons: [...(open ? existing.reasons : []), REASONS[input.action]],
      amount: facts.invoice.balance.replace(/[$,]/g, ''),
      customerName: facts.customerName || null,
      summary: `${dispute ? 'Customer disputes' : 'Customer asked for a person about'} invoice ${facts.invoice.invoiceNumber}`,
      details: input.details,
      slaHours: input.slaHours,
    });
    await appendAuditTx(tx, {
      tenantId: scope.tenantId,
      actorType: 'system',
      actor: 'invoice-assistant',
      action: dispute ? 'assistant.dispute' : 'assistant.handoff',
      reviewItemId: item.id,
      data: {
        conversationId: input.conversationId,
        customerId: scope.customerId,
        invoiceId: scope.invoiceId,
        reviewItemCreated: created,
      },
    });
    await tx.assistantConversation.update({
      where: { id: input.conversationId },
      data: { reviewItemId: item.id, handoffReason: input.action },
    });
    return item.id;
  });
  // The delivery worker honours 'dispute' pauses: reminders stop until a clerk clears it.
  await setPause(db, {
    tenantId: scope.tenantId,
    subjectKind: 'invoice',
    subjectId: String(scope.invoiceId),
    reason: 'dispute',
    note: dispute ? 'customer disputed through the invoice assistant' : 'customer asked for a person',
  });
  return itemId;
}
