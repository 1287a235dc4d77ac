// Postgres full-text pieces that retrieval needs in process, with Postgres's values: a tsvector
// as Postgres prints it (`'word':1,3B 'other':2`), the `@@` test and ts_rank_cd(vector, query, 1)
// (src/backend/utils/adt/tsrank.c: get_docrep, Cover and calc_rank_cd) for a query that is an OR
// of plain lexemes, the only shape retrieval asks (`a | b | c`).

/** A lexeme's positions and their weight classes (D = 0 … A = 3), as stored in the vector. */
export interface VectorEntry {
  positions: number[];
  weights: number[];
}

/** A parsed tsvector: lexemes with their positions, and its length in positions. */
export interface TextVector {
  entries: Map<string, VectorEntry>;
  /** cnt_length: the positions of every lexeme (one for a lexeme stored without positions). */
  length: number;
}

const WEIGHT_CLASS: Record<string, number> = { A: 3, B: 2, C: 1, D: 0 };
// ts_rank's default weights {D, C, B, A}, float4 as Postgres holds them.
const WEIGHTS = [0.1, 0.2, 0.4, 1.0].map(Math.fround);

/** Parses tsvector output. Throws on text that is not one (the caller then asks Postgres). */
export function parseTextVector(text: string): TextVector {
  const entries = new Map<string, VectorEntry>();
  let length = 0;
  let at = 0;
  const n = text.length;
  while (at < n) {
    if (text[at] === ' ') {
      at++;
      continue;
    }
    if (text[at] !== "'") throw new Error(`not a tsvector at ${at}: ${text.slice(at, at + 20)}`);
    let lexeme = '';
    at++;
    for (;;) {
      if (at >= n) throw new Error('unterminated lexeme in tsvector');
      const c = text[at]!;
      if (c === "'" && text[at + 1] === "'") {
        lexeme += "'";
        at += 2;
      } else if (c === '\\' && at + 1 < n) {
        lexeme += text[at + 1];
        at += 2;
      } else if (c === "'") {
        at++;
        break;
      } else {
        lexeme += c;
        at++;
      }
    }
    const entry: VectorEntry = { positions: [], weights: [] };
    if (text[at] === ':') {
      at++;
      const match = /^[0-9]+[A-D]?(?:,[0-9]+[A-D]?)*/.exec(text.slice(at));
      if (!match) throw new Error(`bad positions in tsvector at ${at}`);
      for (const p of match[0].split(',')) {
        const weight = /[A-D]$/.test(p) ? p.slice(-1) : 'D';
        entry.positions.push(Number.parseInt(p, 10));
        entry.weights.push(WEIGHT_CLASS[weight]!);
      }
      at += match[0].length;
    }
    length += entry.positions.length || 1;
    entries.set(lexeme, entry);
  }
  return { entries, length };
}

/** `vector @@ (l1 | l2 | …)`: some lexeme of the query is in the vector. */
export function matchesAny(vector: TextVector, lexemes: readonly string[]): boolean {
  return lexemes.some((l) => vector.entries.has(l));
}

/**
 * ts_rank_cd(vector, l1 | l2 | …, 1) as a float4. For an OR query every matched position is a
 * cover of its own, worth its weight; normalisation 1 divides by ln(length + 1).
 */
export function rankCoverDensity(vector: TextVector, lexemes: readonly string[]): number {
  const doc: { pos: number; weight: number }[] = [];
  const seen = new Set<string>();
  for (const lexeme of lexemes) {
    if (seen.has(lexeme)) continue; // get_docrep merges a repeated operand into one entry
    seen.add(lexeme);
    const entry = vector.entries.get(lexeme);
    if (!entry) continue;
    // A lexeme stored without positions counts as position 0 of weight D (POSNULL).
    if (!entry.positions.length) doc.push({ pos: 0, weight: 0 });
    for (let i = 0; i < entry.positions.length; i++)
      doc.push({ pos: entry.positions[i]!, weight: entry.weights[i]! });
  }
  if (!doc.length) return 0;
  doc.sort((a, b) => a.pos - b.pos);
  let wdoc = 0;
  for (const d of doc) {
    // Cover() finds no cover at a position that is not above 0, and then stops looking.
    if (d.pos <= 0) break;
    const invSum = 1 / WEIGHTS[d.weight]!;
    wdoc += 1 / invSum;
  }
  if (vector.entries.size > 0) wdoc /= Math.log(vector.length + 1);
  return Math.fround(wdoc);
}
