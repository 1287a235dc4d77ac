// How alike two customer names are, for bank lines that carry a payer name but no customer id.
import { normalizeText, trigramSimilarity } from './text.ts';

// Legal forms and filler words say nothing about who paid.
const NOISE = new Set([
  'INC',
  'LLC',
  'LLP',
  'LTD',
  'CO',
  'CORP',
  'CORPORATION',
  'COMPANY',
  'THE',
  'AND',
  'OF',
  'PC',
  'PLLC',
  'MR',
  'MRS',
  'MS',
  'DR',
]);

export function nameTokens(name: string): string[] {
  return normalizeText(name)
    .split(' ')
    .filter((t) => t !== '' && !NOISE.has(t));
}

/**
 * Similarity in [0, 1]: the better of token overlap (order-free, initials count 0.75) and
 * trigram similarity of the sorted tokens (catches typos).
 */
export function nameSimilarity(a: string, b: string): number {
  const ta = nameTokens(a);
  const tb = nameTokens(b);
  if (ta.length === 0 || tb.length === 0) return 0;
  const [short, long] = ta.length <= tb.length ? [ta, tb] : [tb, ta];
  const unused = [...long];
  let matched = 0;
  for (const token of short) {
    const exact = unused.indexOf(token);
    if (exact >= 0) {
      unused.splice(exact, 1);
      matched += 1;
      continue;
    }
    const initial = unused.findIndex(
      (u) => (token.length === 1 && u.startsWith(token)) || (u.length === 1 && token.startsWith(u)),
    );
    if (initial >= 0) {
      unused.splice(initial, 1);
      matched += 0.75;
    }
  }
  const overlap = matched / long.length;
  const trigram = trigramSimilarity([...ta].sort().join(' '), [...tb].sort().join(' '));
  return Math.max(overlap, trigram);
}

/**
 * How much of a customer's name appears in free text ("ACH CREDIT SMITH JOHN PPD"): 1 when
 * every name token is there and the name is distinctive (two tokens, or one of 5+ letters).
 */
export function nameInText(name: string, texts: string[]): number {
  const wanted = nameTokens(name);
  if (wanted.length === 0) return 0;
  const present = new Set(texts.flatMap((t) => normalizeText(t).split(' ')));
  const found = wanted.filter((t) => present.has(t)).length;
  if (found < wanted.length) return found >= 2 ? found / wanted.length : 0;
  return wanted.length >= 2 || (wanted[0]?.length ?? 0) >= 5 ? 1 : 0;
}
