// Per-tenant vocabulary learned from the tenant's own price book (and past invoice lines):
// which words name things this shop sells, how rare each word is (IDF), and how to map a
// technician's variant of a word ("capasitor", "cmprsr", "disconects") onto it. This is what
// lets extraction follow another shop's catalogue and its technicians' spelling.
import { ABBREVIATIONS, ACTION_WORDS, COMMON_WORDS, SKU_TEXT_SYNONYMS, STOPWORDS } from './lexicon.ts';
import { tokenize } from './tokens.ts';

export interface Vocabulary {
  /** word → number of catalogue entries that contain it. */
  docFreq: Map<string, number>;
  documents: number;
  /** Memo of variant → canonical word (null when it maps to nothing). */
  resolved: Map<string, string | null>;
  /** Adjacent word pairs of price-book names ("run capacitor"): a work verb inside one is a name. */
  bigrams: Set<string>;
  /** Numbers of three or more digits in price-book names ("Moen 7594"): in a note, a model, not a count. */
  modelNumbers: Set<string>;
}

export function contentWords(text: string): string[] {
  return tokenize(text)
    .flatMap((t) => expandAbbreviation(t.text).split(' '))
    .map((w) => expandAbbreviation(stem(w)))
    .flatMap((w) => w.split(' '))
    .map(stem)
    .filter((w) => w.length > 1 && !STOPWORDS.has(w) && !/^\d+(\.\d+)?$/.test(w));
}

/** Price-book text plus the trade synonyms its words have (see SKU_TEXT_SYNONYMS). */
export function withSynonyms(text: string): string {
  const extra = SKU_TEXT_SYNONYMS.filter(([pattern]) => pattern.test(text)).map(([, words]) => words);
  return extra.length ? `${text} ${extra.join(' ')}` : text;
}

export function buildVocabulary(texts: Iterable<string>): Vocabulary {
  const docFreq = new Map<string, number>();
  const bigrams = new Set<string>();
  const modelNumbers = new Set<string>();
  let documents = 0;
  for (const text of texts) {
    documents += 1;
    const words = contentWords(withSynonyms(text));
    for (const word of new Set(words)) docFreq.set(word, (docFreq.get(word) ?? 0) + 1);
    const raw = tokenize(text).map((t) => stem(t.text));
    for (let i = 1; i < raw.length; i++) bigrams.add(`${raw[i - 1]} ${raw[i]}`);
    for (const token of raw) if (/^\d{3,}$/.test(token)) modelNumbers.add(token);
  }
  return { docFreq, documents, resolved: new Map(), bigrams, modelNumbers };
}

export function idf(vocabulary: Vocabulary, word: string): number {
  const df = vocabulary.docFreq.get(word) ?? 0;
  return Math.log((vocabulary.documents + 1) / (df + 0.5));
}

export function expandAbbreviation(token: string): string {
  // "R-404A", "r-134a": refrigerant designations are written with and without the hyphen.
  return ABBREVIATIONS[token] ?? token.replace(/^r-(\d{2,4}[a-z]{0,2})$/, 'r$1');
}

/** Light stemming: plurals and common verb endings, so "capacitors" meets "capacitor". */
export function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(ss|us)$/.test(word)) return word;
  if (word.length > 4 && /(ches|shes|xes|sses)$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith("'s")) return word.slice(0, -1);
  return word;
}

export function editDistanceAtMost(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      rowMin = Math.min(rowMin, cur[j]!);
    }
    if (rowMin > max) return false;
    prev = cur;
  }
  return prev[b.length]! <= max;
}

/** True when `short` is `word` with one letter left out. */
function isDeletionOf(short: string, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (word.slice(0, i) + word.slice(i + 1) === short) return true;
  return false;
}

/**
 * True when `short` can be read as an abbreviation of `word`: a clipping ("furn", "cont") or
 * the word's opening with later vowels dropped ("cmprsr" → "compressor", "copr" → "copper").
 * A vowel past the shared opening is not how abbreviations are made ("psi" is not "push-fit").
 */
export function isAbbreviationOf(short: string, word: string): boolean {
  if (short[0] !== word[0] || short.length >= word.length || word.length > short.length * 3.5) return false;
  let shared = 0;
  while (shared < short.length && short[shared] === word[shared]) shared += 1;
  if (/[aeiou]/.test(short.slice(shared))) return false;
  let j = 0;
  for (const ch of word) if (ch === short[j]) j += 1;
  return j === short.length;
}

/**
 * Map a note word onto the tenant's vocabulary: exact, stemmed, a known abbreviation, a typo
 * (edit distance), or a consonant-skeleton abbreviation. Ambiguity goes to the word the
 * catalogue uses most.
 */
export function resolveWord(vocabulary: Vocabulary, raw: string): string | null {
  const cached = vocabulary.resolved.get(raw);
  if (cached !== undefined) return cached;
  const result = resolveUncached(vocabulary, raw);
  vocabulary.resolved.set(raw, result);
  return result;
}

function resolveUncached(vocabulary: Vocabulary, raw: string): string | null {
  const expanded = expandAbbreviation(stem(expandAbbreviation(raw)));
  if (vocabulary.docFreq.has(expanded)) return expanded;
  // "t/p" and "t&p" are one abbreviation written two ways.
  if (/^[a-z][/&][a-z]$/.test(raw)) {
    const other = raw.includes('/') ? raw.replace('/', '&') : raw.replace('&', '/');
    return vocabulary.docFreq.has(other) ? other : null;
  }
  // An abbreviation of several words ("txv" → "expansion valve"): the words the price book has.
  if (expanded.includes(' ')) {
    const known = expanded.split(' ').filter((w) => vocabulary.docFreq.has(w));
    return known.length ? known.join(' ') : null;
  }
  if (
    STOPWORDS.has(expanded) ||
    COMMON_WORDS.has(raw) ||
    ACTION_WORDS.has(raw) ||
    expanded.length < 3 ||
    /\d/.test(expanded)
  )
    return null;
  let best: string | null = null;
  let bestFreq = 0;
  const consider = (word: string) => {
    const freq = vocabulary.docFreq.get(word) ?? 0;
    if (freq > bestFreq) {
      best = word;
      bestFreq = freq;
    }
  };
  const maxEdits = expanded.length >= 8 ? 2 : expanded.length >= 5 ? 1 : 0;
  for (const word of vocabulary.docFreq.keys()) {
    if (maxEdits && editDistanceAtMost(expanded, word, maxEdits)) consider(word);
    // A four-letter word may only have lost a letter ("flae" → "flame"), never changed one.
    else if (expanded.length === 4 && word.length === 5 && isDeletionOf(expanded, word)) consider(word);
  }
  if (best) return best;
  // A clipping ("cont" → "contactor") is read before a looser skeleton ("cont" → "condensate").
  for (const word of vocabulary.docFreq.keys())
    if (word.startsWith(expanded) && isAbbreviationOf(expanded, word)) consider(word);
  if (best) return best;
  for (const word of vocabulary.docFreq.keys()) if (isAbbreviationOf(expanded, word)) consider(word);
  return best;
}
