// The review queue. One item per subject (an invoice run, or a payment/bank line), so
// re-running a stage updates the open item instead of adding another.
import type { Db, Tx } from '../client.ts';
import type { ReviewItem } from '../generated/prisma/client.ts';

export type ReviewKind = 'invoice' | 'payment';
export type ReviewStatus =
  | 'open'
  | 'on_hold'
  | 'escalated'
  | 'approved'
  | 'rejected'
  | 'resolved'
  | 'posting'
  | 'posted';
export const OPEN_REVIEW_STATUSES: ReviewStatus[] = ['open', 'on_hold', 'escalated'];

export interface OpenReviewInput {
  tenantId: string;
  kind: ReviewKind;
  subjectKey: string;
  runId?: string | null;
  reasons: string[];
  amount: string;
  stJobId?: number | null;
  businessUnitId?: number | null;
  jobTypeId?: number | null;
  customerName?: string | null;
  summary: string;
  details?: Record<string, unknown>;
  needsManager?: boolean;
  slaHours: number;
}

export async function openReviewItem(
  db: Db | Tx,
  input: OpenReviewInput,
): Promise<{ item: ReviewItem; created: boolean }> {
  const existing = await db.reviewItem.findUnique({ where: { subjectKey: input.subjectKey } });
  const fields = {
    reasons: [...new Set(input.reasons)],
    amount: input.amount,
    stJobId: input.stJobId ?? null,
    businessUnitId: input.businessUnitId ?? null,
    jobTypeId: input.jobTypeId ?? null,
    customerName: input.customerName ?? null,
    summary: input.summary,
    details: JSON.parse(JSON.stringify(input.details ?? {})) as object,
    needsManager: input.needsManager ?? false,
  };
  if (existing) {
    // Reopening a resolved item is deliberate (a post mismatch); otherwise refresh in place.
    const item = await db.reviewItem.update({
      where: { id: existing.id },
      data: { ...fields, status: 'open', resolvedAt: null, resolvedBy: null, resolution: undefined },
    });
    return { item, created: false };
  }
  const item = await db.reviewItem.create({
    data: {
      tenantId: input.tenantId,
      kind: input.kind,
      subjectKey: input.subjectKey,
      runId: input.runId ?? null,
      status: 'open',
      slaDueAt: new Date(Date.now() + input.slaHours * 3600_000),
      ...fields,
    },
  });
  return { item, created: true };
}

export async function getReviewItem(db: Db | Tx, id: string): Promise<ReviewItem | null> {
  return db.reviewItem.findUnique({ where: { id } });
}

export async function getReviewItemForRun(db: Db | Tx, runId: string): Promise<ReviewItem | null> {
  return db.reviewItem.findUnique({ where: { subjectKey: `invoice:${runId}` } });
}

export function invoiceSubjectKey(runId: string): string {
  return `invoice:${runId}`;
}

export async function countOpenByReason(db: Db, tenantId?: string): Promise<Record<string, number>> {
  const rows = await db.$queryRaw<{ reason: string; n: bigint }[]>`
    SELECT unnest(reasons) AS reason, count(*) AS n
    FROM review_items
    WHERE status IN ('open', 'on_hold', 'escalated') AND (${tenantId ?? null}::text IS NULL OR tenant_id = ${tenantId ?? null})
    GROUP BY 1 ORDER BY 1`;
  return Object.fromEntries(rows.map((r) => [r.reason, Number(r.n)]));
}
