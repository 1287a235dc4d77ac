// What every review decision shares: its result shape, the before/after snapshot for the
// audit log, the references an audit event carries, and the claim lifetime.
import type { ReviewItem } from '@invoicer/db';
import type { ConsoleServices } from '../services.ts';

export interface ActionResult {
  itemId: string;
  status: string;
  /** Set when the queue could not be reached; the decision is saved and will be resumed. */
  warning?: string;
}

export function snapshot(item: ReviewItem) {
  return {
    status: item.status,
    amount: item.amount.toString(),
    needsManager: item.needsManager,
    reasons: item.reasons,
  };
}

export function itemRefs(item: ReviewItem) {
  return {
    tenantId: item.tenantId,
    stJobId: item.stJobId === null ? null : Number(item.stJobId),
    runId: item.runId,
    reviewItemId: item.id,
  };
}

export function claimTtl(services: ConsoleServices): number {
  return services.env.CLAIM_TTL * 1000;
}

/** How long posting waits after an approval, so the approver can undo it (0: no window). */
export function undoWindowMs(services: ConsoleServices): number {
  return services.env.APPROVAL_UNDO_SECONDS * 1000;
}
