// Draft revisions. Revision 1 comes from the pipeline; each human edit adds one. Posting is
// keyed by (run, revision), so an edited draft is a new, separately idempotent write.
import type { Db, Tx } from '../client.ts';
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

export async function saveDraft(db: Db | Tx, input: DraftInput): Promise<Draft> {
  const data = {
    lines: JSON.parse(JSON.stringify(input.lines)) as object,
    subTotal: input.subTotal,
    salesTax: input.salesTax,
    total: input.total,
    document: JSON.parse(JSON.stringify(input.document)) as object,
    createdBy: input.createdBy,
  };
  return db.draft.upsert({
    where: { runId_revision: { runId: input.runId, revision: input.revision } },
    create: { runId: input.runId, revision: input.revision, ...data },
    update: data,
  });
}

export async function latestDraft(db: Db | Tx, runId: string): Promise<Draft | null> {
  return db.draft.findFirst({ where: { runId }, orderBy: { revision: 'desc' } });
}

export async function getDraft(db: Db | Tx, runId: string, revision: number): Promise<Draft | null> {
  return db.draft.findUnique({ where: { runId_revision: { runId, revision } } });
}
