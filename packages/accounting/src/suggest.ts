// Suggestions by name for mappings (ServiceTitan name → books account, tax rate, contact):
// normalised names compared by token overlap and character bigrams. A person confirms once.
import type { BooksRef } from './types.ts';

export function normaliseName(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function bigrams(s: string): Map<string, number> {
  const out = new Map<string, number>();
  const t = s.replace(/ /g, '');
  for (let i = 0; i < t.length - 1; i++) {
    const g = t.slice(i, i + 2);
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/** 0..1: 1 for equal normalised names. */
export function nameScore(a: string, b: string): number {
  const x = normaliseName(a);
  const y = normaliseName(b);
  if (!x || !y) return 0;
  if (x === y) return 1;
  const tx = [...new Set(x.split(' '))];
  const ty = [...new Set(y.split(' '))];
  // A word matches the same word or a longer form of it ("check" ~ "checking").
  const same = (a: string, b: string) =>
    a === b || (Math.min(a.length, b.length) >= 4 && (a.startsWith(b) || b.startsWith(a)));
  const shared = tx.filter((a) => ty.some((b) => same(a, b))).length;
  const jaccard = shared / (tx.length + ty.length - shared);
  const bx = bigrams(x);
  const by = bigrams(y);
  let overlap = 0;
  for (const [g, n] of bx) overlap += Math.min(n, by.get(g) ?? 0);
  const total = [...bx.values()].reduce((s, n) => s + n, 0) + [...by.values()].reduce((s, n) => s + n, 0);
  const dice = total ? (2 * overlap) / total : 0;
  // Never quite 1: only equal names are certain.
  return Math.min(0.99, Math.max(jaccard, dice));
}

export interface Suggestion {
  ref: BooksRef;
  score: number;
}

/** The best candidate at or above `threshold`, by name or code. */
export function suggest(stName: string, candidates: BooksRef[], threshold = 0.5): Suggestion | null {
  let best: Suggestion | null = null;
  for (const ref of candidates) {
    const score = Math.max(nameScore(stName, ref.name), ref.code ? nameScore(stName, ref.code) : 0);
    if (score >= threshold && (!best || score > best.score)) best = { ref, score };
  }
  return best;
}
