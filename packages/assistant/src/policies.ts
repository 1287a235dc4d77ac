// The shop's policy documents (warranty, payment terms, trip charges...): uploaded as text or
// Markdown in the console, chunked by heading, searched with Postgres full-text search (falling
// back to trigram similarity for misspelled words). Only approved documents are searched.
import { type Db, sql } from '@invoicer/db';

export const POLICY_KINDS = ['warranty', 'payment_terms', 'trip_charge', 'membership', 'other'] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

export const MAX_POLICY_BYTES = 200_000;

export interface PolicyChunkText {
  heading: string;
  body: string;
}

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;

/** Split a document at its Markdown headings (a heading and the text under it are one chunk). */
export function chunkPolicy(title: string, text: string): PolicyChunkText[] {
  const chunks: PolicyChunkText[] = [];
  let heading = title;
  let lines: string[] = [];
  const flush = () => {
    const body = lines.join('\n').trim();
    if (body) chunks.push({ heading, body: body.slice(0, 8000) });
    lines = [];
  };
  const clean = text
    .replace(/\r\n?/g, '\n')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are removed
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
  for (const line of clean.split('\n')) {
    const m = HEADING.exec(line);
    if (m) {
      flush();
      heading = m[2]!.slice(0, 200);
    } else lines.push(line);
  }
  flush();
  return chunks;
}

export async function addPolicyDocument(
  db: Db,
  input: {
    tenantId: string;
    title: string;
    kind: PolicyKind;
    body: string;
    uploadedBy: string;
    approved?: boolean;
  },
): Promise<{ id: string; chunks: number }> {
  const title = input.title.trim().slice(0, 200);
  if (!title) throw new Error('a policy needs a title');
  if (!input.body.trim()) throw new Error('the policy document is empty');
  if (Buffer.byteLength(input.body) > MAX_POLICY_BYTES)
    throw new Error(`the policy document is larger than ${MAX_POLICY_BYTES / 1000} KB`);
  const chunks = chunkPolicy(title, input.body);
  return db.$transaction(async (tx) => {
    const doc = await tx.policyDocument.create({
      data: {
        tenantId: input.tenantId,
        title,
        kind: input.kind,
        body: input.body,
        approved: input.approved ?? false,
        uploadedBy: input.uploadedBy,
      },
    });
    await tx.policyChunk.createMany({
      data: chunks.map((c, position) => ({ documentId: doc.id, tenantId: input.tenantId, position, ...c })),
    });
    return { id: doc.id, chunks: chunks.length };
  });
}

export async function setPolicyApproved(
  db: Db,
  tenantId: string,
  id: string,
  approved: boolean,
): Promise<boolean> {
  const { count } = await db.policyDocument.updateMany({ where: { id, tenantId }, data: { approved } });
  return count > 0;
}

export async function deletePolicyDocument(db: Db, tenantId: string, id: string): Promise<boolean> {
  const { count } = await db.policyDocument.deleteMany({ where: { id, tenantId } });
  return count > 0;
}

export async function listPolicyDocuments(db: Db, tenantId: string) {
  return db.policyDocument.findMany({
    where: { tenantId },
    orderBy: { createdAt: 'desc' },
    select: {
      id: true,
      title: true,
      kind: true,
      approved: true,
      uploadedBy: true,
      createdAt: true,
      _count: { select: { chunks: true } },
    },
  });
}

export interface PolicyHit {
  chunkId: string;
  document: string;
  heading: string;
  text: string;
}

/** The best approved chunks of this tenant's policies for a question (at most `limit`). */
export async function searchPolicies(
  db: Db,
  tenantId: string,
  query: string,
  limit = 3,
): Promise<PolicyHit[]> {
  const q = query.slice(0, 300);
  const rows = await sql<{ id: bigint; title: string; heading: string; body: string }>(
    db,
    `WITH q AS (SELECT websearch_to_tsquery('english', $2) AS fts,
                       to_tsquery('english', coalesce((SELECT string_agg(quote_literal(w), ' | ')
                         FROM unnest(tsvector_to_array(to_tsvector('english', $2))) AS w), '')) AS anyword)
     SELECT c.id, d.title, c.heading, c.body
     FROM policy_chunks c JOIN policy_documents d ON d.id = c.document_id, q
     WHERE c.tenant_id = $1 AND d.approved
       AND (c.search @@ q.anyword OR similarity(c.body, $2) > 0.2)
     ORDER BY ts_rank(c.search, q.fts) * 2 + ts_rank(c.search, q.anyword) + similarity(c.body, $2) DESC, c.id
     LIMIT $3`,
    [tenantId, q, limit],
  );
  return rows.map((r) => ({ chunkId: String(r.id), document: r.title, heading: r.heading, text: r.body }));
}
