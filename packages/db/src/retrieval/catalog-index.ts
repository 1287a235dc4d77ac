// The price-book search of `searchSkusBatch`, served from memory for one catalogue version: the
// same hits, similarity values (to the bit) and order, without a statement per invoice. Word
// similarity and ts_rank_cd are computed as Postgres computes them (trigram.ts, text-rank.ts);
// the document vectors are Postgres's own (search_vector as stored) and a query word's lexeme is
// the one to_tsquery gives (asked once per new word). What cannot be proved equal is left to
// Postgres: a mention with a non-ASCII character that is part of a word (pg_trgm's word
// characters beyond ASCII follow the server's locale; Postgres is asked once per character), or a
// word to_tsquery does not read as one lexeme ('1e5x' is a number and a word). A catalogue with
// such a character in a name or code is not indexed.
import { type Db, sql } from '../client.ts';
import { fullTextQuery, type MentionQuery, type SearchHit, SKU_KINDS } from '../repos/catalog.ts';
import { matchesAny, parseTextVector, rankCoverDensity, type TextVector } from './text-rank.ts';
import {
  nonAsciiCharacters,
  TrigramIndex,
  trigramPattern,
  trigrams,
  WORD_SIMILARITY_THRESHOLD,
  wordSimilarity,
} from './trigram.ts';

interface IndexedSku {
  kind: string;
  stId: number;
  /** Trigrams of `name || ' ' || coalesce(code, '')`, in order. */
  trigrams: string[];
  vector: TextVector;
}

const NOT_ONE_LEXEME = null;

/**
 * Query words → their to_tsquery('simple') lexeme, or null when the word is not read as a single
 * plain lexeme. Parsing does not depend on the tenant, so one map serves the process.
 */
const lexemeOfWord = new Map<string, string | null>();
const LEXEME_CACHE_LIMIT = 100_000;

/** Non-ASCII characters → whether pg_trgm reads them as separating words (not word characters). */
const separates = new Map<string, boolean>();

/** Asks Postgres about the characters of `texts` it has not been asked about. */
export async function learnSeparators(db: Db, texts: string[]): Promise<void> {
  const unknown = [...new Set(texts.flatMap(nonAsciiCharacters))].filter((c) => !separates.has(c));
  if (!unknown.length) return;
  // 'a' + c + 'b' gives the trigrams of two words 'a' and 'b' exactly when c separates words.
  const rows = await sql<{ c: string; separates: boolean }>(
    db,
    `SELECT c, show_trgm('a' || c || 'b') = ARRAY['  a', '  b', ' a ', ' b '] AS separates FROM unnest($1::text[]) AS c`,
    [unknown],
  );
  if (separates.size + rows.length > LEXEME_CACHE_LIMIT) separates.clear();
  for (const r of rows) separates.set(r.c, r.separates);
}

/** Every non-ASCII character of `text` is known to separate words (so trigrams() is exact). */
export function onlyKnownSeparators(text: string): boolean {
  return nonAsciiCharacters(text).every((c) => separates.get(c) === true);
}

/** The lexemes of `words` as to_tsquery reads them (Postgres asked once per new word). */
export async function queryWordLexemes(db: Db, words: string[]): Promise<Map<string, string | null>> {
  const missing = [...new Set(words.filter((w) => !lexemeOfWord.has(w)))];
  if (missing.length) {
    const rows = await sql<{ word: string; query: string }>(
      db,
      `SELECT w AS word, to_tsquery('simple', w)::text AS query FROM unnest($1::text[]) AS w`,
      [missing],
    );
    if (lexemeOfWord.size + rows.length > LEXEME_CACHE_LIMIT) lexemeOfWord.clear();
    for (const r of rows) {
      const one = /^'([a-z0-9]+)'$/.exec(r.query);
      lexemeOfWord.set(r.word, one ? one[1]! : NOT_ONE_LEXEME);
    }
  }
  return new Map(words.map((w) => [w, lexemeOfWord.get(w) ?? NOT_ONE_LEXEME]));
}

export class CatalogSearchIndex {
  private readonly byTrigram = new TrigramIndex();
  private readonly byLexeme = new Map<string, number[]>();

  private constructor(private readonly skus: IndexedSku[]) {
    skus.forEach((sku, i) => {
      this.byTrigram.add(i, sku.trigrams);
      for (const lexeme of sku.vector.entries.keys()) {
        const list = this.byLexeme.get(lexeme);
        if (list) list.push(i);
        else this.byLexeme.set(lexeme, [i]);
      }
    });
  }

  get size(): number {
    return this.skus.length;
  }

  /**
   * The tenant's SKU rows as Postgres holds them now, indexed; null when one cannot be matched
   * exactly in memory (non-ASCII name or code), and the caller keeps asking Postgres.
   */
  static async load(db: Db, tenantId: string): Promise<CatalogSearchIndex | null> {
    const rows = await sql<{
      kind: string;
      st_id: string;
      name: string;
      code: string | null;
      vector: string;
    }>(
      db,
      `SELECT kind, st_id::text AS st_id, name, code, search_vector::text AS vector
       FROM catalog_items WHERE tenant_id = $1 AND kind = ANY($2::text[])`,
      [tenantId, [...SKU_KINDS]],
    );
    const searched = rows.map((r) => `${r.name} ${r.code ?? ''}`);
    await learnSeparators(db, searched);
    const skus: IndexedSku[] = [];
    for (const [i, r] of rows.entries()) {
      if (!onlyKnownSeparators(searched[i]!)) return null;
      let vector: TextVector;
      try {
        vector = parseTextVector(r.vector);
      } catch {
        return null; // a vector this parser does not read: Postgres keeps answering
      }
      skus.push({ kind: r.kind, stId: Number(r.st_id), trigrams: trigrams(searched[i]!), vector });
    }
    return new CatalogSearchIndex(skus);
  }

  /**
   * Hits for one mention as searchSkusBatch ranks them, or null when this mention must be asked
   * of Postgres. `lexemes` maps each query word to its to_tsquery lexeme (queryWordLexemes);
   * the mention's non-ASCII characters must have been asked about (learnSeparators).
   */
  search(mention: MentionQuery, limit: number, lexemes: Map<string, string | null>): SearchHit[] | null {
    if (!onlyKnownSeparators(mention.text)) return null;
    const query = fullTextQuery(mention.words);
    const words = query ? query.split(' | ') : [];
    const queryLexemes: string[] = [];
    for (const w of words) {
      const lexeme = lexemes.get(w);
      if (!lexeme) return null;
      queryLexemes.push(lexeme);
    }
    const pattern = trigramPattern(mention.text);
    const candidates = new Set(this.byTrigram.reachable(pattern));
    for (const lexeme of queryLexemes) for (const i of this.byLexeme.get(lexeme) ?? []) candidates.add(i);
    const hits: SearchHit[] = [];
    for (const i of candidates) {
      const sku = this.skus[i]!;
      const similarity = wordSimilarity(pattern, sku.trigrams);
      const fullText = queryLexemes.length > 0 && matchesAny(sku.vector, queryLexemes);
      if (similarity < WORD_SIMILARITY_THRESHOLD && !fullText) continue;
      const rank = queryLexemes.length ? rankCoverDensity(sku.vector, queryLexemes) : 0;
      hits.push({ kind: sku.kind, stId: sku.stId, similarity: Math.max(similarity, rank) });
    }
    hits.sort((a, b) => b.similarity - a.similarity || a.stId - b.stId);
    return hits.slice(0, limit).map((h) => ({ ...h, similarity: Math.min(1, h.similarity) }));
  }
}
