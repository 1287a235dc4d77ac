// A manager's view of escalations: every escalated item of a tenant with the clerk's note, who
// escalated it and when (the latest review.escalated audit event, served by a partial index),
// and "send back": the manager answers the note and returns the item to the queue.
import { type Db, lockClaimedItem } from '@invoicer/db';
import { z } from 'zod';
import { auditUser } from '../audit/record.ts';
import type { SessionUser } from '../auth/session.ts';
import { HttpError } from '../http/errors.ts';
import type { ConsoleServices } from '../services.ts';
import { type ActionResult, claimTtl, itemRefs, snapshot } from './decision.ts';

export interface EscalatedItem {
  id: string;
  stJobId: number | null;
  customerName: string | null;
  summary: string;
  amount: string;
  reasons: string[];
  runId: string | null;
  draftRevision: number | null;
  createdAt: Date;
  claimedBy: string | null;
  claimExpiresAt: Date | null;
  escalatedAt: Date | null;
  escalatedBy: string | null;
  escalatedByName: string | null;
  note: string;
  /** Whether the item needed a manager before it was escalated (restored on send back). */
  neededManagerBefore: boolean | null;
}

interface Row extends Omit<EscalatedItem, 'stJobId'> {
  stJobId: bigint | null;
}

export async function listEscalations(db: Db, tenantId: string, limit = 200): Promise<EscalatedItem[]> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT r.id::text AS id, r.st_job_id AS "stJobId", r.customer_name AS "customerName", r.summary,
      r.amount::text AS amount, r.reasons, r.run_id::text AS "runId", p.draft_revision AS "draftRevision",
      r.created_at AS "createdAt", r.claimed_by AS "claimedBy", r.claim_expires_at AS "claimExpiresAt",
      e.occurred_at AS "escalatedAt", e.actor AS "escalatedBy", e.data -> 'by' ->> 'name' AS "escalatedByName",
      coalesce(e.data ->> 'note', '') AS note,
      (e.data -> 'before' ->> 'needsManager')::boolean AS "neededManagerBefore"
    FROM review_items r
    LEFT JOIN pipeline_runs p ON p.id = r.run_id
    LEFT JOIN LATERAL (
      SELECT a.occurred_at, a.actor, a.data FROM audit_events a
      WHERE a.review_item_id = r.id AND a.action = 'review.escalated'
      ORDER BY a.id DESC LIMIT 1) e ON TRUE
    WHERE r.tenant_id = ${tenantId} AND r.status = 'escalated'
    ORDER BY coalesce(e.occurred_at, r.created_at), r.id
    LIMIT ${limit}`;
  return rows.map((r) => ({ ...r, stJobId: r.stJobId === null ? null : Number(r.stJobId) }));
}

export const SendBackForm = z.object({
  note: z
    .string()
    .trim()
    .min(3, 'tell the clerk what to do (at least 3 characters)')
    .max(1000, 'must be at most 1000 characters'),
});

/** The manager answers the escalation and hands the item back to the queue (unclaimed). */
export async function sendBack(
  services: ConsoleServices,
  user: SessionUser,
  itemId: string,
  input: { note: string },
): Promise<ActionResult> {
  await services.db.$transaction(async (tx) => {
    const item = await lockClaimedItem(tx, itemId, user.id, claimTtl(services));
    if (item.status !== 'escalated') throw new HttpError(409, 'This item is not escalated.');
    const escalation = await tx.auditEvent.findFirst({
      where: { reviewItemId: item.id, action: 'review.escalated' },
      orderBy: { id: 'desc' },
      select: { data: true },
    });
    const before = (escalation?.data as { before?: { needsManager?: boolean } } | null)?.before;
    const after = await tx.reviewItem.update({
      where: { id: item.id },
      data: {
        status: 'open',
        // What it was before the clerk escalated it (the manager threshold still applies).
        needsManager: before?.needsManager ?? item.needsManager,
        claimedBy: null,
        claimExpiresAt: null,
      },
    });
    await auditUser(tx, user, {
      ...itemRefs(item),
      action: 'review.sent_back',
      data: { note: input.note, before: snapshot(item), after: snapshot(after) },
    });
  });
  services.metrics.actions.inc({ action: 'send_back' });
  return { itemId, status: 'open' };
}
