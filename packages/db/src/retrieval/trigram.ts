// pg_trgm's word_similarity(a, b), computed in process with the same value Postgres gives
// (contrib/pg_trgm/trgm_op.c: generate_trgm_only, calc_word_similarity and
// iterate_word_similarity, non-strict), so retrieval can be served from memory and still rank
// exactly as the SQL it replaces. Beyond ASCII, pg_trgm's word characters and case folding depend
// on the server's locale: a text is handled only when each of its non-ASCII characters is one
// Postgres has said separates words (`nonAsciiCharacters` lists what to ask about).

/** pg_trgm.word_similarity_threshold's default (a float4 compared with a float4 similarity). */
export const WORD_SIMILARITY_THRESHOLD = Math.fround(0.6);

/** The distinct characters of `text` outside ASCII. */
export function nonAsciiCharacters(text: string): string[] {
  let ascii = true;
  for (let i = 0; i < text.length && ascii; i++) ascii = text.charCodeAt(i) <= 0x7f;
  if (ascii) return [];
  const out = new Set<string>();
  for (const c of text) if (c.charCodeAt(0) > 0x7f) out.add(c);
  return [...out];
}

/**
 * The trigrams of a string in order, duplicates kept: each run of ASCII letters and digits,
 * lower-cased and padded with two blanks before and one after, gives its 3-character windows.
 */
export function trigrams(text: string): string[] {
  const out: string[] = [];
  // Only ASCII letters are folded: any other character was checked to separate words.
  for (const word of text.replace(/[A-Z]+/g, (w) => w.toLowerCase()).match(/[a-z0-9]+/g) ?? []) {
    const padded = `  ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
  }
  return out;
}

/** The float4 similarity pg_trgm computes (DIVUNION): count / (len1 + len2 - count). */
function calcSml(count: number, len1: number, len2: number): number {
  return Math.fround(Math.fround(count) / Math.fround(len1 + len2 - count));
}

/** A pattern's trigrams prepared once for comparing with many texts. */
export interface TrigramPattern {
  /** Distinct trigrams of the pattern. */
  distinct: Set<string>;
}

export function trigramPattern(text: string): TrigramPattern {
  return { distinct: new Set(trigrams(text)) };
}

/**
 * word_similarity(pattern, text): the greatest similarity between the pattern's trigram set and
 * any continuous extent of the text's ordered trigrams (a float4, as Postgres returns it).
 * `textTrigrams` is `trigrams(text)`.
 */
export function wordSimilarity(pattern: TrigramPattern, textTrigrams: readonly string[]): number {
  const ulen1 = pattern.distinct.size;
  const len2 = textTrigrams.length;
  if (len2 === 0) return 0;
  // Number the text's distinct trigrams; found[j]: trigram j is in the pattern.
  const index = new Map<string, number>();
  const found: boolean[] = [];
  const trg2indexes = new Array<number>(len2);
  for (let i = 0; i < len2; i++) {
    const t = textTrigrams[i]!;
    let j = index.get(t);
    if (j === undefined) {
      j = found.length;
      index.set(t, j);
      found.push(pattern.distinct.has(t));
    }
    trg2indexes[i] = j;
  }
  return iterateWordSimilarity(trg2indexes, found, ulen1, len2);
}

// A literal port of iterate_word_similarity without its strict and check-only flags.
function iterateWordSimilarity(trg2indexes: number[], found: boolean[], ulen1: number, len2: number): number {
  const lastpos = new Array<number>(found.length).fill(-1);
  let ulen2 = 0;
  let count = 0;
  let upper = -1;
  let lower = -1;
  let smlrMax = 0;
  for (let i = 0; i < len2; i++) {
    const trgindex = trg2indexes[i]!;
    if (lower >= 0 || found[trgindex]) {
      if (lastpos[trgindex]! < 0) {
        ulen2++;
        if (found[trgindex]) count++;
      }
      lastpos[trgindex] = i;
    }
    if (!found[trgindex]) continue;
    upper = i;
    if (lower === -1) {
      lower = i;
      ulen2 = 1;
    }
    let smlrCur = calcSml(count, ulen1, ulen2);
    // Also try to move the lower bound up for a greater similarity.
    let tmpCount = count;
    let tmpUlen2 = ulen2;
    const prevLower = lower;
    for (let tmpLower = lower; tmpLower <= upper; tmpLower++) {
      const smlrTmp = calcSml(tmpCount, ulen1, tmpUlen2);
      if (smlrTmp > smlrCur) {
        smlrCur = smlrTmp;
        ulen2 = tmpUlen2;
        lower = tmpLower;
        count = tmpCount;
      }
      const tmpTrgindex = trg2indexes[tmpLower]!;
      if (lastpos[tmpTrgindex] === tmpLower) {
        tmpUlen2--;
        if (found[tmpTrgindex]) tmpCount--;
      }
    }
    smlrMax = Math.max(smlrMax, smlrCur);
    for (let tmpLower = prevLower; tmpLower < lower; tmpLower++) {
      const tmpTrgindex = trg2indexes[tmpLower]!;
      if (lastpos[tmpTrgindex] === tmpLower) lastpos[tmpTrgindex] = -1;
    }
  }
  return smlrMax;
}

/** Texts' trigrams inverted (trigram → the texts holding it), to find the texts a pattern can reach. */
export class TrigramIndex {
  private readonly byTrigram = new Map<string, number[]>();

  add(id: number, textTrigrams: readonly string[]): void {
    for (const t of new Set(textTrigrams)) {
      const list = this.byTrigram.get(t);
      if (list) list.push(id);
      else this.byTrigram.set(t, [id]);
    }
  }

  /**
   * The texts that can reach the word-similarity threshold: a similarity is at most the shared
   * distinct trigrams over the pattern's, so a text sharing too few cannot.
   */
  reachable(pattern: TrigramPattern): number[] {
    const shared = new Map<number, number>();
    for (const t of pattern.distinct)
      for (const id of this.byTrigram.get(t) ?? []) shared.set(id, (shared.get(id) ?? 0) + 1);
    const needed = pattern.distinct.size * (WORD_SIMILARITY_THRESHOLD - 0.01);
    const out: number[] = [];
    for (const [id, count] of shared) if (count >= needed) out.push(id);
    return out;
  }
}
