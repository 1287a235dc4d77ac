// The customer's assistant conversations shown on a review item: the one handed over as this item,
// and any about the item's invoice, each linking to its transcript on /conversations.
import type { ItemView } from '../review/load.ts';
import type { ConsoleServices } from '../services.ts';
import type { ConversationLink } from '../views/item.ts';

export async function itemConversations(
  services: Pick<ConsoleServices, 'db'>,
  view: Pick<ItemView, 'item' | 'run'>,
): Promise<ConversationLink[]> {
  const invoiceId = view.run?.stInvoiceId ?? null;
  const rows = await services.db.assistantConversation.findMany({
    where: {
      tenantId: view.item.tenantId,
      OR: [{ reviewItemId: view.item.id }, ...(invoiceId !== null ? [{ invoiceId }] : [])],
    },
    orderBy: { updatedAt: 'desc' },
    take: 10,
    include: { _count: { select: { turns: true } } },
  });
  return rows.map((c) => ({
    href: `/conversations?tenant=${encodeURIComponent(c.tenantId)}&id=${c.id}`,
    questions: c._count.turns,
    handoff: c.handoffReason,
    updatedAt: c.updatedAt,
  }));
}
