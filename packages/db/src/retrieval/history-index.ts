// The past-line votes of `historyLineVotesBatch`, served from memory for one version of the
// tenant's history: per text, the SKUs of past lines (created before the job) whose descriptions
// resemble it by pg_trgm's `<%`, most votes first, the same counts and order as the SQL. The
// version is a cursor that replaceHistoryLines moves after every write; the runtime reloads the
// index when it moves. A history with a description holding a non-ASCII word character is not
// indexed (Postgres keeps answering), and neither is a text with one.
import { type Db, sql } from '../client.ts';
import { learnSeparators, onlyKnownSeparators } from './catalog-index.ts';
import {
  TrigramIndex,
  trigramPattern,
  trigrams,
  WORD_SIMILARITY_THRESHOLD,
  wordSimilarity,
} from './trigram.ts';

/** The cursor (ingest_cursors.feed) replaceHistoryLines moves after writing a tenant's lines. */
export const HISTORY_VERSION_CURSOR = 'history/lines-version';

interface IndexedDescription {
  trigrams: string[];
  /** Per SKU, the creation times (ms) of its lines with this description, ascending. */
  lines: Map<number, number[]>;
}

const VOTED_SKUS = 10;

export class HistoryVoteIndex {
  private readonly byTrigram = new TrigramIndex();

  private constructor(private readonly descriptions: IndexedDescription[]) {
    for (const [i, d] of descriptions.entries()) this.byTrigram.add(i, d.trigrams);
  }

  get size(): number {
    return this.descriptions.length;
  }

  /** The tenant's history as Postgres holds it now, or null when it cannot be matched in memory. */
  static async load(db: Db, tenantId: string): Promise<HistoryVoteIndex | null> {
    // Through history_descriptions, as the SQL votes are counted (md5 of the line's description).
    const rows = await sql<{ description: string; skus: string[]; times: number[] }>(
      db,
      `SELECT d.description, array_agg(l.sku_id::text ORDER BY l.sku_id, l.created_on) AS skus,
              array_agg((extract(epoch FROM l.created_on) * 1000)::float8 ORDER BY l.sku_id, l.created_on) AS times
       FROM history_descriptions d
       JOIN history_lines l ON l.tenant_id = d.tenant_id AND md5(l.description) = d.digest
       WHERE d.tenant_id = $1 AND l.sku_id IS NOT NULL
       GROUP BY d.digest, d.description`,
      [tenantId],
    );
    await learnSeparators(
      db,
      rows.map((r) => r.description),
    );
    const descriptions: IndexedDescription[] = [];
    for (const r of rows) {
      if (!onlyKnownSeparators(r.description)) return null;
      const lines = new Map<number, number[]>();
      r.skus.forEach((sku, i) => {
        const id = Number(sku);
        const times = lines.get(id);
        const at = Math.round(Number(r.times[i]));
        if (times) times.push(at);
        else lines.set(id, [at]);
      });
      descriptions.push({ trigrams: trigrams(r.description), lines });
    }
    return new HistoryVoteIndex(descriptions);
  }

  /**
   * Votes for one text as historyLineVotesBatch counts them (lines created before `before`), or
   * null when the text must be asked of Postgres (learnSeparators first for its characters).
   */
  votes(text: string, before: Date): Map<number, number> | null {
    if (!onlyKnownSeparators(text)) return null;
    const pattern = trigramPattern(text);
    const cutoff = before.getTime();
    const counts = new Map<number, number>();
    for (const i of this.byTrigram.reachable(pattern)) {
      const description = this.descriptions[i]!;
      if (wordSimilarity(pattern, description.trigrams) < WORD_SIMILARITY_THRESHOLD) continue;
      for (const [sku, times] of description.lines) {
        const n = countBefore(times, cutoff);
        if (n) counts.set(sku, (counts.get(sku) ?? 0) + n);
      }
    }
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, VOTED_SKUS);
    return new Map(ranked);
  }
}

/** How many of the ascending `times` are before `cutoff`. */
function countBefore(times: number[], cutoff: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < cutoff) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
