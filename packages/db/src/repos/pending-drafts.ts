// Drafts our pipeline prepared for a ServiceTitan invoice and has not posted yet, and the
// invoice review items of the jobs behind invoices: what reconciliation needs to explain a
// payment that already includes a line still waiting in review, and to link to that review.
import type { Db, Tx } from '../client.ts';

/** Runs whose latest draft is not (yet) on the ServiceTitan invoice. */
export const PENDING_RUN_STATUSES = ['awaiting_review', 'approved', 'posting', 'failed'] as const;
/** How long a failed run's draft still counts as pending. */
export const FAILED_RUN_PENDING_DAYS = 30;

export interface PendingDraftRow {
  runId: string;
  stJobId: number;
  stInvoiceId: number;
  status: string;
  revision: number;
  /** The draft's total, a decimal string. */
  total: string;
  /** The draft's lines as stored (PricedLine[] from @invoicer/billing). */
  lines: unknown;
  /** The newest invoice review item of the run, whatever its status. */
  reviewItemId: string | null;
}

export async function pendingDrafts(db: Db | Tx, tenantId: string): Promise<PendingDraftRow[]> {
  const rows = await db.$queryRaw<
    {
      run_id: string;
      st_job_id: string;
      st_invoice_id: string;
      status: string;
      revision: number;
      total: string;
      lines: unknown;
      review_item_id: string | null;
    }[]
  >`
    SELECT r.id::text AS run_id, r.st_job_id::text AS st_job_id, r.st_invoice_id::text AS st_invoice_id,
           r.status, d.revision, d.total::text AS total, d.lines, ri.id::text AS review_item_id
      FROM pipeline_runs r
      JOIN LATERAL (SELECT revision, total, lines FROM drafts
                     WHERE run_id = r.id ORDER BY revision DESC LIMIT 1) d ON true
      LEFT JOIN LATERAL (SELECT id FROM review_items
                          WHERE run_id = r.id AND kind = 'invoice' ORDER BY created_at DESC LIMIT 1) ri ON true
     WHERE r.tenant_id = ${tenantId} AND r.st_invoice_id IS NOT NULL
       AND r.status = ANY(${[...PENDING_RUN_STATUSES]}::text[])
       -- A run that failed and was left alone for weeks will not be posted: it no longer explains
       -- a payment (and failed runs would otherwise pile up here, read on every decision).
       AND (r.status <> 'failed' OR r.updated_at > now() - make_interval(days => ${FAILED_RUN_PENDING_DAYS}))`;
  return rows.map((r) => ({
    runId: r.run_id,
    stJobId: Number(r.st_job_id),
    stInvoiceId: Number(r.st_invoice_id),
    status: r.status,
    revision: r.revision,
    total: r.total,
    lines: r.lines,
    reviewItemId: r.review_item_id,
  }));
}

export interface InvoiceReviewLink {
  stInvoiceId: number;
  stJobId: number;
  reviewItemId: string;
  status: string;
}

/** The newest invoice review item of the job behind each of these ServiceTitan invoices. */
export async function invoiceReviewLinks(
  db: Db | Tx,
  tenantId: string,
  stInvoiceIds: number[],
): Promise<Map<number, InvoiceReviewLink>> {
  const ids = [...new Set(stInvoiceIds.filter((id) => Number.isSafeInteger(id) && id > 0))];
  if (ids.length === 0) return new Map();
  const rows = await db.$queryRaw<
    { st_invoice_id: string; st_job_id: string; review_item_id: string; status: string }[]
  >`
    SELECT DISTINCT ON (r.st_invoice_id) r.st_invoice_id::text AS st_invoice_id, r.st_job_id::text AS st_job_id,
           ri.id::text AS review_item_id, ri.status
      FROM pipeline_runs r
      JOIN review_items ri ON ri.run_id = r.id AND ri.kind = 'invoice'
     WHERE r.tenant_id = ${tenantId} AND r.st_invoice_id = ANY(${ids.map(String)}::bigint[])
     ORDER BY r.st_invoice_id, ri.created_at DESC`;
  return new Map(
    rows.map((r) => [
      Number(r.st_invoice_id),
      {
        stInvoiceId: Number(r.st_invoice_id),
        stJobId: Number(r.st_job_id),
        reviewItemId: r.review_item_id,
        status: r.status,
      },
    ]),
  );
}
