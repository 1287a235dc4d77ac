// The tenant's cached reference data and the retrieval query behind note-to-SKU matching:
// word similarity (pg_trgm, tolerant of typos and abbreviations) or any shared word
// (full-text), ranked by the better of the two; plus votes from past invoice lines whose
// descriptions resemble the mention, counting only lines that existed before the job.
import type { Db } from '../client.ts';

export const SKU_KINDS = ['service', 'material', 'equipment', 'fee', 'discount'] as const;

export interface CatalogRow {
  kind: string;
  stId: number;
  code: string | null;
  name: string;
  searchText: string;
  active: boolean;
  data: unknown;
  modifiedOn: string | null;
}

const CHUNK = 1000;

export async function upsertCatalog(db: Db, tenantId: string, rows: CatalogRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await db.$executeRawUnsafe(
      `INSERT INTO catalog_items (tenant_id, kind, st_id, code, name, search_text, active, data, modified_on, updated_at)
       SELECT $1, u.kind, u.st_id, u.code, u.name, u.search_text, u.active, u.data::jsonb, u.modified_on, now()
       FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::text[], $9::timestamptz[])
         AS u(kind, st_id, code, name, search_text, active, data, modified_on)
       ON CONFLICT (tenant_id, kind, st_id) DO UPDATE
         SET code = EXCLUDED.code, name = EXCLUDED.name, search_text = EXCLUDED.search_text, active = EXCLUDED.active,
             data = EXCLUDED.data, modified_on = EXCLUDED.modified_on, updated_at = now()`,
      tenantId,
      chunk.map((r) => r.kind),
      chunk.map((r) => r.stId),
      chunk.map((r) => r.code),
      chunk.map((r) => r.name),
      chunk.map((r) => r.searchText),
      chunk.map((r) => r.active),
      chunk.map((r) => JSON.stringify(r.data)),
      chunk.map((r) => r.modifiedOn),
    );
  }
}

export async function loadCatalog(
  db: Db,
  tenantId: string,
  kinds?: readonly string[],
): Promise<CatalogRow[]> {
  const rows = await db.catalogItem.findMany({
    where: { tenantId, ...(kinds ? { kind: { in: [...kinds] } } : {}) },
    orderBy: [{ kind: 'asc' }, { stId: 'asc' }],
  });
  return rows.map((r) => ({
    kind: r.kind,
    stId: Number(r.stId),
    code: r.code,
    name: r.name,
    searchText: r.searchText,
    active: r.active,
    data: r.data,
    modifiedOn: r.modifiedOn?.toISOString() ?? null,
  }));
}

export async function catalogUpdatedAt(db: Db, tenantId: string): Promise<Date | null> {
  const row = await db.catalogItem.findFirst({
    where: { tenantId },
    orderBy: { updatedAt: 'desc' },
    select: { updatedAt: true },
  });
  return row?.updatedAt ?? null;
}

export interface SearchHit {
  kind: string;
  stId: number;
  similarity: number;
}

/** Candidate SKUs for a mention. `words` are the mention's content words (for full-text). */
export async function searchSkus(
  db: Db,
  tenantId: string,
  text: string,
  words: string[],
  limit: number,
): Promise<SearchHit[]> {
  const query = words
    .map((w) => w.replace(/[^a-z0-9]/gi, ''))
    .filter((w) => w.length > 1)
    .join(' | ');
  const rows = await db.$queryRawUnsafe<{ kind: string; st_id: bigint; similarity: number }[]>(
    // Trigram similarity against the short name and code (long descriptions make it slow and
    // noisy); full-text over everything, descriptions included.
    `SELECT kind, st_id, GREATEST(word_similarity($2, name || ' ' || coalesce(code, '')),
              CASE WHEN $3 <> '' THEN ts_rank_cd(to_tsvector('simple', search_text), to_tsquery('simple', $3), 1) ELSE 0 END
            )::float8 AS similarity
     FROM catalog_items
     WHERE tenant_id = $1 AND kind = ANY($5::text[])
       AND ($2 <% (name || ' ' || coalesce(code, '')) OR ($3 <> '' AND to_tsvector('simple', search_text) @@ to_tsquery('simple', $3)))
     ORDER BY similarity DESC, st_id
     LIMIT $4`,
    tenantId,
    text,
    query,
    limit,
    [...SKU_KINDS],
  );
  return rows.map((r) => ({
    kind: r.kind,
    stId: Number(r.st_id),
    similarity: Math.min(1, Number(r.similarity)),
  }));
}

/** Past invoice lines (created before `before`) whose descriptions resemble `text`, by SKU. */
export async function historyLineVotes(
  db: Db,
  tenantId: string,
  text: string,
  before: Date,
): Promise<Map<number, number>> {
  const rows = await db.$queryRawUnsafe<{ sku_id: bigint; votes: bigint }[]>(
    // Similar descriptions first, once: without statistics (a fresh tenant, before ANALYZE) the
    // planner otherwise re-runs the trigram test for every history line (seconds, not ms).
    `WITH matching AS MATERIALIZED (
       SELECT digest FROM history_descriptions WHERE tenant_id = $1 AND $2 <% description
     )
     SELECT l.sku_id, count(*) AS votes
     FROM matching d
     JOIN history_lines l ON l.tenant_id = $1 AND md5(l.description) = d.digest
     WHERE l.sku_id IS NOT NULL AND l.created_on < $3
     GROUP BY l.sku_id ORDER BY votes DESC, l.sku_id LIMIT 10`,
    tenantId,
    text,
    before,
  );
  return new Map(rows.map((r) => [Number(r.sku_id), Number(r.votes)]));
}
