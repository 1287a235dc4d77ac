// What reviewers did with the lines our drafts added, per SKU: kept on the invoice they
// approved, or removed (or swapped for another SKU) before approving. Read by the billing
// learner (a suggestion reviewers keep removing stops being added on its own); only drafts a
// person approved before `before` count, so a backtest or an earlier day never sees later
// judgements.
import type { Db, Tx } from '../client.ts';

export interface ReviewerVerdict {
  /** Reviewed drafts that kept the added line. */
  kept: number;
  /** Reviewed drafts whose reviewer removed the added line or changed its SKU. */
  removed: number;
}

/** Review statuses of an invoice item a person approved (posting follows approval). */
const APPROVED = ['approved', 'posting', 'posted'];

export async function reviewerVerdicts(
  db: Db | Tx,
  tenantId: string,
  before: Date,
): Promise<Map<number, ReviewerVerdict>> {
  const rows = await db.$queryRaw<{ sku_id: string; kept: number; removed: number }[]>`
    WITH judged AS (
      SELECT DISTINCT ri.run_id, (line->>'skuId')::bigint AS sku_id
        FROM review_items ri
        JOIN drafts d ON d.run_id = ri.run_id AND d.revision = 1
        CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(d.lines) = 'array' THEN d.lines ELSE '[]'::jsonb END) AS line
       WHERE ri.tenant_id = ${tenantId} AND ri.kind = 'invoice' AND ri.status = ANY(${APPROVED})
         AND ri.resolved_by IS NOT NULL AND ri.resolved_at < ${before}
         AND line->>'origin' = 'added' AND (line->>'skuId') ~ '^[0-9]+$'
    )
    SELECT j.sku_id::text AS sku_id,
           count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM review_corrections c
                             WHERE c.run_id = j.run_id AND c.tenant_id = ${tenantId}
                               AND c.kind IN ('removed', 'sku') AND c.previous_sku_id = j.sku_id))::int AS kept,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM review_corrections c
                             WHERE c.run_id = j.run_id AND c.tenant_id = ${tenantId}
                               AND c.kind IN ('removed', 'sku') AND c.previous_sku_id = j.sku_id))::int AS removed
      FROM judged j
     GROUP BY j.sku_id`;
  return new Map(rows.map((r) => [Number(r.sku_id), { kept: r.kept, removed: r.removed }]));
}
