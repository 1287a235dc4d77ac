// The review queue. One item per subject (an invoice run, or a payment/bank line), so
// re-running a stage updates the open item instead of adding another.
import { type Db, rawQuery, type Tx, type Writer } from '../client.ts';
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

/**
 * Open the subject's review item, or refresh the one it has (reopening a resolved item is
 * deliberate: a post mismatch). One upsert on the unique subject key, on any writer.
 */
export async function openReviewItem(
  writer: Writer,
  input: OpenReviewInput,
): Promise<{ item: { id: string }; created: boolean }> {
  const rows = await rawQuery<{ id: string; created: boolean }>(
    writer,
    `INSERT INTO review_items (id, tenant_id, kind, subject_key, run_id, status, reasons, amount, st_job_id,
       business_unit_id, job_type_id, customer_name, summary, details, needs_manager, sla_due_at,
       created_at, updated_at)
     VALUES (gen_random_uuid(), $1, $2, $3, $4::uuid, 'open', $5::text[], $6::numeric, $7::bigint, $8::bigint,
       $9::bigint, $10, $11, $12::jsonb, $13, $14::timestamptz, now(), now())
     ON CONFLICT (subject_key) DO UPDATE SET reasons = EXCLUDED.reasons, amount = EXCLUDED.amount,
       st_job_id = EXCLUDED.st_job_id, business_unit_id = EXCLUDED.business_unit_id,
       job_type_id = EXCLUDED.job_type_id, customer_name = EXCLUDED.customer_name,
       summary = EXCLUDED.summary, details = EXCLUDED.details, needs_manager = EXCLUDED.needs_manager,
       status = 'open', resolved_at = NULL, resolved_by = NULL, updated_at = now()
     RETURNING id, (xmax = 0) AS created`,
    [
      input.tenantId,
      input.kind,
      input.subjectKey,
      input.runId ?? null,
      [...new Set(input.reasons)],
      input.amount,
      input.stJobId == null ? null : String(input.stJobId),
      input.businessUnitId == null ? null : String(input.businessUnitId),
      input.jobTypeId == null ? null : String(input.jobTypeId),
      input.customerName ?? null,
      input.summary,
      JSON.stringify(input.details ?? {}),
      input.needsManager ?? false,
      new Date(Date.now() + input.slaHours * 3600_000).toISOString(),
    ],
  );
  const row = rows[0]!;
  return { item: { id: row.id }, created: row.created };
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
