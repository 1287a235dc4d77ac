// Bulk approve: the items a supervisor ticked on the queue, each approved on its own exactly as
// the item page approves it (claim, revision check, manager rule, the state machine, audit, a
// delayed invoice.post job of its own), one after another. One refusal does not stop the rest;
// every item gets a line in the result saying what happened and why.
import { ClaimConflictError, userNames } from '@invoicer/db';
import { z } from 'zod';
import type { SessionUser } from '../auth/session.ts';
import { HttpError } from '../http/errors.ts';
import type { ConsoleServices } from '../services.ts';
import { approveItem } from './actions.ts';

const PICK = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):(\d{1,6})$/i;

export const BulkApproveForm = z.object({
  tenant: z.string().min(1, 'is missing').max(64),
  /** `<item id>:<draft revision the supervisor saw>`, one per ticked row. */
  item: z
    .union([z.string(), z.array(z.string())], { message: 'tick at least one item' })
    .transform((v) => [v].flat())
    .pipe(
      z
        .array(z.string().regex(PICK, 'is not an item and revision'))
        .min(1, 'tick at least one item')
        .max(100, 'approve at most 100 items at once'),
    ),
});
export type BulkApproveForm = z.infer<typeof BulkApproveForm>;

export interface BulkOutcome {
  itemId: string;
  /** Customer and job, as the queue showed them. */
  label: string;
  approved: boolean;
  /** Why it was refused, or a warning on an approval. */
  message: string;
  /** Until when the approval can be undone (approved items, when there is a window). */
  undoUntil?: string;
}

export function parsePicks(form: BulkApproveForm): { itemId: string; revision: number }[] {
  const seen = new Set<string>();
  const picks: { itemId: string; revision: number }[] = [];
  for (const value of form.item) {
    const [, itemId, revision] = PICK.exec(value)!;
    const id = itemId!.toLowerCase();
    if (seen.has(id)) continue;
    seen.add(id);
    picks.push({ itemId: id, revision: Number(revision) });
  }
  return picks;
}

async function refusal(services: ConsoleServices, error: unknown): Promise<string> {
  if (error instanceof ClaimConflictError) {
    if (error.result.reason === 'held') {
      const name = (await userNames(services.db, [error.result.heldBy])).get(error.result.heldBy);
      return `${name ?? 'Someone else'} is working on it right now.`;
    }
    if (error.result.reason === 'closed')
      return `Changed meanwhile: it is already ${error.result.status.replace('_', ' ')}.`;
    return 'There is no such review item.';
  }
  if (error instanceof HttpError) {
    if (error.status === 403) return `Above your approval limit: ${error.message}`;
    if (error.status === 409 && /now revision/.test(error.message))
      return `Changed meanwhile: ${error.message.replace('Review it before approving.', 'Open it to review the change.')}`;
    return error.message;
  }
  throw error;
}

export async function bulkApprove(
  services: ConsoleServices,
  user: SessionUser,
  tenantId: string,
  picks: { itemId: string; revision: number }[],
): Promise<BulkOutcome[]> {
  const rows = await services.db.reviewItem.findMany({
    where: { id: { in: picks.map((p) => p.itemId) }, tenantId },
    select: { id: true, customerName: true, stJobId: true, kind: true },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const outcomes: BulkOutcome[] = [];
  for (const pick of picks) {
    const row = byId.get(pick.itemId);
    // Another tenant's item reads as one that does not exist.
    if (!row) {
      outcomes.push({
        itemId: pick.itemId,
        label: 'Unknown item',
        approved: false,
        message: 'There is no such review item.',
      });
      continue;
    }
    const label = `${row.customerName ?? '(no customer)'}${row.stJobId ? ` · job ${row.stJobId}` : ''}`;
    try {
      const result = await approveItem(services, user, pick.itemId, { revision: pick.revision });
      const after = await services.db.reviewItem.findUnique({
        where: { id: pick.itemId },
        select: { resolution: true },
      });
      const undoUntil = (after?.resolution as { undoUntil?: string } | null)?.undoUntil;
      outcomes.push({
        itemId: pick.itemId,
        label,
        approved: true,
        message: result.warning ?? '',
        ...(undoUntil ? { undoUntil } : {}),
      });
    } catch (error) {
      outcomes.push({ itemId: pick.itemId, label, approved: false, message: await refusal(services, error) });
    }
  }
  return outcomes;
}
