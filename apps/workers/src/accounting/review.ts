// Differences between ServiceTitan, the books and the bank become review items billing staff
// clear: one item per difference (subject key = tenant + finding key), its text refreshed while
// the difference lasts, resolved by the system when the difference disappears. An item a person
// resolved stays resolved while the same difference persists (their decision stands); it opens
// again only if the difference went away and came back.
import { appendAuditTx, openReviewItem, type ReviewKind } from '@invoicer/db';
import type { WorkerServices } from '../services.ts';

/** Finding kind → review reason (packages/core reasons.ts). Kinds not listed open no item. */
export const FINDING_REASONS: Record<string, string> = {
  missing_in_books: 'books_missing_invoice',
  missing_in_st: 'books_unknown_invoice',
  duplicate_in_books: 'books_duplicate',
  amount: 'books_amount',
  tax: 'books_amount',
  payment: 'books_payment',
  payment_wrong_invoice: 'books_payment_wrong_invoice',
  changed_after_sync: 'books_changed_after_sync',
  exported_elsewhere: 'books_exported_elsewhere',
  journal: 'books_journal',
  not_in_bank: 'bank_missing_deposit',
  bank_only: 'bank_unexplained_deposit',
  bank_amount: 'bank_amount',
};

export const reviewSubject = (tenantId: string, findingKey: string) => `books:${tenantId}:${findingKey}`;
const SYSTEM = 'system:accounting';

export async function reviewFindings(
  services: Pick<WorkerServices, 'db' | 'runtime'>,
  tenantId: string,
): Promise<{ opened: number; updated: number; closed: number }> {
  const { db } = services;
  const findings = await db.accountingFinding.findMany({ where: { tenantId } });
  const items = new Map(
    (
      await db.reviewItem.findMany({
        where: { tenantId, kind: 'accounting' },
        select: { id: true, subjectKey: true, status: true, summary: true, resolvedBy: true },
      })
    ).map((i) => [i.subjectKey, i]),
  );
  const settings = await services.runtime.settings(tenantId);
  let opened = 0;
  let updated = 0;
  let closed = 0;
  for (const f of findings) {
    const reason = FINDING_REASONS[f.kind];
    if (!reason) continue;
    const subjectKey = reviewSubject(tenantId, f.key);
    const item = items.get(subjectKey);
    const open = item && ['open', 'on_hold', 'escalated'].includes(item.status);
    if (f.resolvedAt) {
      if (!item || !open) continue;
      await db.$transaction(async (tx) => {
        await tx.reviewItem.update({
          where: { id: item.id },
          data: {
            status: 'resolved',
            resolvedAt: new Date(),
            resolvedBy: SYSTEM,
            resolution: { how: 'difference_gone', at: f.resolvedAt!.toISOString() },
          },
        });
        await appendAuditTx(tx, {
          tenantId,
          actorType: 'system',
          actor: 'accounting',
          action: 'accounting.difference_resolved',
          reviewItemId: item.id,
          data: { key: f.key, kind: f.kind },
        });
      });
      closed += 1;
      continue;
    }
    // A person's resolution stands while the same difference persists.
    if (item && !open && item.resolvedBy !== SYSTEM) continue;
    const summary = f.number ? `${f.number}: ${f.detail}` : f.detail;
    if (item && open && item.summary === summary) continue;
    await db.$transaction(async (tx) => {
      const { item: saved, created } = await openReviewItem(tx, {
        tenantId,
        // A kind of its own: the item page shows the difference, not invoice approve buttons.
        kind: 'accounting' as ReviewKind,
        subjectKey,
        reasons: [reason],
        amount: (f.stAmount ?? f.booksAmount)?.toFixed(2) ?? '0.00',
        summary: summary.slice(0, 500),
        details: {
          findingKey: f.key,
          kind: f.kind,
          provider: f.provider,
          day: f.day?.toISOString().slice(0, 10) ?? null,
          stId: f.stId,
          externalId: f.externalId,
          number: f.number,
          stAmount: f.stAmount?.toFixed(2) ?? null,
          booksAmount: f.booksAmount?.toFixed(2) ?? null,
        },
        slaHours: settings.policy.reviewSlaHours,
      });
      if (created || !open)
        await appendAuditTx(tx, {
          tenantId,
          actorType: 'system',
          actor: 'accounting',
          action: 'accounting.difference_opened',
          reviewItemId: saved.id,
          data: { key: f.key, kind: f.kind, detail: f.detail },
        });
    });
    if (item) updated += 1;
    else opened += 1;
  }
  return { opened, updated, closed };
}
