// Undoing an approval inside its window, before posting starts. In one transaction: the item's
// row is locked, the approval must still be inside its window and be the viewer's (or the viewer
// a manager), and the run moves approved → awaiting_review through the state machine
// (`approval_undone`, a compare-and-set: once the post stage has claimed the run it is posting and
// the move is refused). The item goes back to open, claimed by whoever undid it, and the undo is
// audited. Only then is the delayed post job removed; should it run anyway, the post stage finds
// the run in review and refuses to post it.
import { errorMessage } from '@invoicer/core';
import { Prisma, type ReviewItem } from '@invoicer/db';
import { auditUser } from '../audit/record.ts';
import { isManager } from '../auth/roles.ts';
import type { SessionUser } from '../auth/session.ts';
import { HttpError } from '../http/errors.ts';
import type { ConsoleServices } from '../services.ts';
import { moveRun } from './actions.ts';
import { type ActionResult, claimTtl, itemRefs, snapshot } from './decision.ts';
import { cancelScheduledPost } from './enqueue.ts';

interface ApprovalResolution {
  action: 'approve';
  revision: number;
  by: string;
  undoUntil?: string;
}

/** The approval on an item, when it can still be undone at `now`. */
export function undoableApproval(
  item: Pick<ReviewItem, 'status' | 'resolution'>,
  now = new Date(),
): (ApprovalResolution & { until: Date }) | null {
  const r = item.resolution as Partial<ApprovalResolution> | null;
  if (item.status !== 'approved' || r?.action !== 'approve' || !r.undoUntil || !r.revision) return null;
  const until = new Date(r.undoUntil);
  if (Number.isNaN(until.getTime()) || until <= now) return null;
  return { ...(r as ApprovalResolution), until };
}

const TOO_LATE = 'Posting has already started; this approval can no longer be undone.';

export async function undoApproval(
  services: ConsoleServices,
  user: SessionUser,
  itemId: string,
): Promise<ActionResult> {
  const { db } = services;
  const undone = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM review_items WHERE id = ${itemId}::uuid FOR UPDATE`;
    const item = await tx.reviewItem.findUnique({ where: { id: itemId } });
    if (!item) throw new HttpError(404, 'There is no such review item.');
    const approval = undoableApproval(item);
    if (!approval)
      throw new HttpError(409, item.status === 'approved' ? TOO_LATE : 'This item is not waiting to post.');
    if (approval.by !== user.id && !isManager(user.role))
      throw new HttpError(
        403,
        'Only the person who approved it, or a billing manager, can undo this approval.',
      );
    const run = item.runId ? await tx.pipelineRun.findUnique({ where: { id: item.runId } }) : null;
    if (run?.status !== 'approved' || run.draftRevision !== approval.revision)
      throw new HttpError(409, TOO_LATE);
    try {
      await moveRun(tx, run, 'approval_undone');
    } catch (error) {
      if (error instanceof HttpError) throw new HttpError(409, TOO_LATE);
      throw error;
    }
    const after = await tx.reviewItem.update({
      where: { id: item.id },
      data: {
        status: 'open',
        resolvedAt: null,
        resolvedBy: null,
        resolution: Prisma.DbNull,
        // Back with the person who undid it, to correct it or approve it again.
        claimedBy: user.id,
        claimExpiresAt: new Date(Date.now() + claimTtl(services)),
      },
    });
    await auditUser(tx, user, {
      ...itemRefs(item),
      action: 'review.approval_undone',
      data: {
        revision: approval.revision,
        approvedBy: approval.by,
        secondsLeft: Math.max(0, Math.round((approval.until.getTime() - Date.now()) / 1000)),
        before: { ...snapshot(item), runStatus: 'approved' },
        after: { ...snapshot(after), runStatus: 'awaiting_review' },
      },
    });
    return { tenantId: item.tenantId, runId: run.id, revision: approval.revision };
  });
  services.metrics.actions.inc({ action: 'undo' });
  try {
    const outcome = await cancelScheduledPost(services.queues, undone);
    if (outcome === 'started')
      services.log.warn(
        { itemId, runId: undone.runId },
        'approval undone while its post job was starting; the post stage will refuse it',
      );
  } catch (error) {
    // The run is in review: a post job that still runs is refused by the post stage.
    services.log.warn({ itemId, err: errorMessage(error) }, 'could not remove the delayed post job');
  }
  return { itemId, status: 'open' };
}
