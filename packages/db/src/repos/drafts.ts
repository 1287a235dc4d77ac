// Draft revisions. Revision 1 comes from the pipeline; each human edit adds one. Posting is
// keyed by (run, revision), so an edited draft is a new, separately idempotent write.
import { type Db, runPart, type StatementPart, type Tx, type Writer } from '../client.ts';
import type { Draft } from '../generated/prisma/client.ts';

export interface DraftInput {
  runId: string;
  revision: number;
  lines: unknown[];
  subTotal: string;
  salesTax: string;
  total: string;
  document: Record<string, unknown>;
  createdBy: string;
}

/** Save (or overwrite) a draft revision; plain SQL, so it runs on any writer. */
export async function saveDraft(writer: Writer, input: DraftInput): Promise<{ id: string }> {
  const rows = await runPart<{ id: string }>(writer, draftUpsert(input, 0), 'id');
  return { id: rows[0]!.id };
}

/**
 * The draft's upsert as a statement part (see auditAppend): parameters from `$${offset + 1}`;
 * with `after`, only when that CTE returned a row.
 */
export function draftUpsert(input: DraftInput, offset: number, after?: string): StatementPart {
  const $ = (n: number) => `$${offset + n}`;
  return {
    ctes: `draft_saved AS (
       INSERT INTO drafts (id, run_id, revision, lines, sub_total, sales_tax, total, document, created_by, created_at)
       SELECT gen_random_uuid(), ${$(1)}::uuid, ${$(2)}::int, ${$(3)}::jsonb, ${$(4)}::numeric, ${$(5)}::numeric,
         ${$(6)}::numeric, ${$(7)}::jsonb, ${$(8)}, now()
       ${after ? `FROM ${after}` : ''}
       ON CONFLICT (run_id, revision) DO UPDATE SET lines = EXCLUDED.lines, sub_total = EXCLUDED.sub_total,
         sales_tax = EXCLUDED.sales_tax, total = EXCLUDED.total, document = EXCLUDED.document,
         created_by = EXCLUDED.created_by
       RETURNING id
     )`,
    result: 'draft_saved',
    values: [
      input.runId,
      input.revision,
      JSON.stringify(input.lines),
      input.subTotal,
      input.salesTax,
      input.total,
      JSON.stringify(input.document),
      input.createdBy,
    ],
  };
}

export async function latestDraft(db: Db | Tx, runId: string): Promise<Draft | null> {
  return db.draft.findFirst({ where: { runId }, orderBy: { revision: 'desc' } });
}

export async function getDraft(db: Db | Tx, runId: string, revision: number): Promise<Draft | null> {
  return db.draft.findUnique({ where: { runId_revision: { runId, revision } } });
}
