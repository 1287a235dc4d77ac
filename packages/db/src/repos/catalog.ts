// The tenant's cached reference data and the retrieval query behind note-to-SKU matching:
// word similarity (pg_trgm, tolerant of typos and abbreviations) or any shared word
// (full-text), ranked by the better of the two; plus votes from past invoice lines whose
// descriptions resemble the mention, counting only lines that existed before the job.
import { type Db, sql } from '../client.ts';
import { type CatalogSearchIndex, learnSeparators, queryWordLexemes } from '../retrieval/catalog-index.ts';
import type { HistoryVoteIndex } from '../retrieval/history-index.ts';

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
    await sql(
      db,
      `INSERT INTO catalog_items (tenant_id, kind, st_id, code, name, search_text, active, data, modified_on, updated_at)
       SELECT $1, u.kind, u.st_id, u.code, u.name, u.search_text, u.active, u.data::jsonb, u.modified_on, now()
       FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::text[], $9::timestamptz[])
         AS u(kind, st_id, code, name, search_text, active, data, modified_on)
       ON CONFLICT (tenant_id, kind, st_id) DO UPDATE
         SET code = EXCLUDED.code, name = EXCLUDED.name, search_text = EXCLUDED.search_text, active = EXCLUDED.active,
             data = EXCLUDED.data, modified_on = EXCLUDED.modified_on, updated_at = now()`,
      [
        tenantId,
        chunk.map((r) => r.kind),
        chunk.map((r) => r.stId),
        chunk.map((r) => r.code),
        chunk.map((r) => r.name),
        chunk.map((r) => r.searchText),
        chunk.map((r) => r.active),
        chunk.map((r) => JSON.stringify(r.data)),
        chunk.map((r) => r.modifiedOn),
      ],
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

/** A mention to retrieve candidates for: its text (trigram) and content words (full-text). */
export interface MentionQuery {
  text: string;
  words: string[];
}

/** The full-text query for a mention's words: `a | b | c`, or '' when no word is usable. */
export function fullTextQuery(words: string[]): string {
  return words
    .map((w) => w.replace(/[^a-z0-9]/gi, ''))
    .filter((w) => w.length > 1)
    .join(' | ');
}

/** The items distinct by `key` (first occurrences, in order) and, per input, the index of its one. */
function distinct<T>(items: T[], key: (item: T) => string): { unique: T[]; slot: number[] } {
  const seen = new Map<string, number>();
  const unique: T[] = [];
  const slot = items.map((item) => {
    const k = key(item);
    let at = seen.get(k);
    if (at === undefined) {
      at = unique.length;
      seen.set(k, at);
      unique.push(item);
    }
    return at;
  });
  return { unique, slot };
}

/**
 * Candidate SKUs for each mention, in one statement (aligned with `mentions`): per mention, word
 * similarity (pg_trgm) against the short name and code (long descriptions make it slow and
 * noisy) or any shared word (full-text, descriptions included), ranked by the better of the two,
 * best `limit` first. Both tests are served by indexes (migration 20261204230000): a trigram GIN
 * on the exact `name || ' ' || code` expression and a GIN on the stored `search_vector`
 * (= to_tsvector('simple', search_text)), so no row's vector is recomputed. Same hits, values and
 * order as one query per mention (test/retrieval/retrieval-batch.test.ts).
 */
export async function searchSkusBatch(
  db: Db,
  tenantId: string,
  mentions: MentionQuery[],
  limit: number,
): Promise<SearchHit[][]> {
  const queries = mentions.map((m) => ({ text: m.text, query: fullTextQuery(m.words) }));
  // Mentions of an invoice often repeat ("hot water" in two notes): each distinct one runs once.
  const { unique, slot } = distinct(queries, (q) => `${q.text}\u0000${q.query}`);
  if (!unique.length) return [];
  const rows = await sql<{ i: number; kind: string; st_id: string | bigint; similarity: number }>(
    db,
    // The tsquery is parsed once per mention (m), not per catalogue row; a mention with no usable
    // word has none (NULL: no full-text match, rank 0, as before).
    `WITH m AS MATERIALIZED (
       SELECT u.i::int AS i, u.text, CASE WHEN u.query <> '' THEN to_tsquery('simple', u.query) END AS q
       FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(text, query, i)
     )
     SELECT m.i, h.kind, h.st_id, h.similarity
     FROM m CROSS JOIN LATERAL (
       SELECT c.kind, c.st_id,
              GREATEST(word_similarity(m.text, c.name || ' ' || coalesce(c.code, '')),
                CASE WHEN m.q IS NOT NULL THEN ts_rank_cd(c.search_vector, m.q, 1) ELSE 0 END
              )::float8 AS similarity
       FROM catalog_items c
       WHERE c.tenant_id = $1 AND c.kind = ANY($5::text[])
         AND (m.text <% (c.name || ' ' || coalesce(c.code, '')) OR c.search_vector @@ m.q)
       ORDER BY similarity DESC, c.st_id
       LIMIT $4
     ) h
     ORDER BY m.i, h.similarity DESC, h.st_id`,
    [tenantId, unique.map((q) => q.text), unique.map((q) => q.query), limit, [...SKU_KINDS]],
  );
  const hits: SearchHit[][] = unique.map(() => []);
  for (const r of rows)
    hits[r.i - 1]!.push({
      kind: r.kind,
      stId: Number(r.st_id),
      similarity: Math.min(1, Number(r.similarity)),
    });
  return slot.map((at) => hits[at]!.map((h) => ({ ...h })));
}

/**
 * Search hits remembered for one catalogue version (the tenant runtime drops it with that
 * version): mentions repeat across invoices ("capacitor", "condenser fan motor"), and their
 * hits depend only on the catalogue and the mention. Bounded; least recently used go first.
 */
export class SearchHitCache {
  private readonly hits = new Map<string, SearchHit[]>();
  constructor(private readonly capacity = 20_000) {}

  get size(): number {
    return this.hits.size;
  }

  get(key: string): SearchHit[] | undefined {
    const found = this.hits.get(key);
    if (found) {
      this.hits.delete(key);
      this.hits.set(key, found);
    }
    return found;
  }

  set(key: string, hits: SearchHit[]): void {
    this.hits.delete(key);
    this.hits.set(key, hits);
    if (this.hits.size > this.capacity) this.hits.delete(this.hits.keys().next().value!);
  }
}

/**
 * searchSkusBatch through a cache: only mentions it has not seen are searched (same hits). With
 * the catalogue version's in-memory index they are searched there, and only those it cannot
 * answer exactly (a non-ASCII word character, an unusual query word) reach Postgres.
 */
export async function searchSkusCached(
  db: Db,
  tenantId: string,
  mentions: MentionQuery[],
  limit: number,
  cache: SearchHitCache,
  index?: CatalogSearchIndex | null,
): Promise<SearchHit[][]> {
  const keys = mentions.map((m) => `${limit}\u0000${m.text}\u0000${fullTextQuery(m.words)}`);
  const found = keys.map((k) => cache.get(k));
  if (index) {
    const unseen = mentions.filter((_, i) => !found[i]);
    if (unseen.length) {
      await learnSeparators(
        db,
        unseen.map((m) => m.text),
      );
      const lexemes = await queryWordLexemes(
        db,
        unseen.flatMap((m) => {
          const query = fullTextQuery(m.words);
          return query ? query.split(' | ') : [];
        }),
      );
      mentions.forEach((m, i) => {
        if (found[i]) return;
        const hits = index.search(m, limit, lexemes);
        if (hits) {
          found[i] = hits;
          cache.set(keys[i]!, hits);
        }
      });
    }
  }
  const missing = mentions.filter((_, i) => !found[i]);
  if (missing.length) {
    const fetched = await searchSkusBatch(db, tenantId, missing, limit);
    let at = 0;
    keys.forEach((key, i) => {
      if (found[i]) return;
      found[i] = fetched[at++]!;
      cache.set(key, found[i]!);
    });
  }
  return found.map((hits) => hits!.map((h) => ({ ...h })));
}

/** Candidate SKUs for one mention. `words` are the mention's content words (for full-text). */
export async function searchSkus(
  db: Db,
  tenantId: string,
  text: string,
  words: string[],
  limit: number,
): Promise<SearchHit[]> {
  return (await searchSkusBatch(db, tenantId, [{ text, words }], limit))[0]!;
}

/**
 * For each text (aligned with `texts`), past invoice lines created before `before` whose
 * descriptions resemble it, counted by SKU: the 10 SKUs with most lines, most first (a Map in
 * that order). One statement for all texts.
 */
export async function historyLineVotesBatch(
  db: Db,
  tenantId: string,
  texts: string[],
  before: Date,
): Promise<Map<number, number>[]> {
  const { unique, slot } = distinct(texts, (t) => t);
  if (!unique.length) return [];
  const rows = await sql<{ i: number; sku_id: string | bigint; votes: string | bigint }>(
    db,
    // The similar descriptions of every text first, once, materialised: whatever the statistics
    // (a fresh tenant before ANALYZE has none), the trigram test then runs once per description
    // and text, never again for every history line it is joined with (that plan took 30 s).
    `WITH m AS MATERIALIZED (
       SELECT u.text, u.i::int AS i FROM unnest($2::text[]) WITH ORDINALITY AS u(text, i)
     ),
     matching AS MATERIALIZED (
       SELECT m.i, d.digest FROM m JOIN history_descriptions d ON d.tenant_id = $1 AND m.text <% d.description
     ),
     counted AS (
       SELECT x.i, l.sku_id, count(*) AS votes
       FROM matching x JOIN history_lines l ON l.tenant_id = $1 AND md5(l.description) = x.digest
       WHERE l.sku_id IS NOT NULL AND l.created_on < $3
       GROUP BY x.i, l.sku_id
     )
     SELECT i, sku_id, votes FROM (
       SELECT i, sku_id, votes, row_number() OVER (PARTITION BY i ORDER BY votes DESC, sku_id) AS rank FROM counted
     ) ranked
     WHERE rank <= 10
     ORDER BY i, votes DESC, sku_id`,
    [tenantId, unique, before],
  );
  const votes = unique.map(() => [] as [number, number][]);
  for (const r of rows) votes[r.i - 1]!.push([Number(r.sku_id), Number(r.votes)]);
  return slot.map((at) => new Map(votes[at]));
}

/**
 * historyLineVotesBatch served from the history version's in-memory index where it can answer
 * exactly; the other texts (a non-ASCII word character) are counted by Postgres.
 */
export async function historyLineVotesIndexed(
  db: Db,
  tenantId: string,
  texts: string[],
  before: Date,
  index: HistoryVoteIndex | null,
): Promise<Map<number, number>[]> {
  if (!index) return historyLineVotesBatch(db, tenantId, texts, before);
  await learnSeparators(db, texts);
  const votes = texts.map((t) => index.votes(t, before));
  const missing = texts.filter((_, i) => !votes[i]);
  if (missing.length) {
    const fetched = await historyLineVotesBatch(db, tenantId, missing, before);
    let at = 0;
    votes.forEach((v, i) => {
      if (!v) votes[i] = fetched[at++]!;
    });
  }
  return votes as Map<number, number>[];
}

/** Past invoice lines (created before `before`) whose descriptions resemble `text`, by SKU. */
export async function historyLineVotes(
  db: Db,
  tenantId: string,
  text: string,
  before: Date,
): Promise<Map<number, number>> {
  return (await historyLineVotesBatch(db, tenantId, [text], before))[0]!;
}
