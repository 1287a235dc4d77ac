// Scoring a mention against price-book candidates. The score combines word coverage weighted
// by the tenant's own vocabulary (rare words matter more), agreement of specs ("45/5",
// "r410a", "3/4"), unit compatibility (pounds → a per-pound SKU), the retriever's similarity
// and votes from past invoice lines. Every component is reported as evidence.
import { ACTION_WORDS, SKU_TEXT_SYNONYMS } from '../text/lexicon.ts';
import { DIMENSIONS, type Mention, statedVerbs, verbRoot } from '../text/mentions.ts';
import { contentWords, idf, type Vocabulary, withSynonyms } from '../text/vocabulary.ts';
import type { CatalogSku, Evidence } from '../types.ts';
import type { SkuCandidate } from './retrieval.ts';

export interface ScoredCandidate {
  sku: CatalogSku;
  score: number;
  components: {
    coverage: number;
    spec: number;
    unit: number;
    retrieval: number;
    history: number;
    /** Set when the shop's usage of the words put this candidate first (extract/candidates.ts). */
    usage?: { billed: number; jobs: number };
  };
}

const SPEC_SHAPES: RegExp[] = [
  /^\d+\/\d+$/,
  /^r\d{2,3}[a-z]?$/,
  /^\d+%$/,
  /^\d+p$/,
  /^\d+a$/,
  /^\d+t$/,
  /^\d+(\.\d+)?(v|hp|mfd|uf|btu|seer|kw|k|gal)$/,
  DIMENSIONS,
];

/** One spelling per spec: "R-410A" → "r410a", "6-3" → "6/3", '3/4-inch' → "3/4". */
export function normaliseSpec(spec: string): string {
  return (
    spec
      .toLowerCase()
      .replace(/^r-/, 'r')
      .replace(/(-?inch|-?in|")$/, '')
      .replace(/^(\d+)-(\d+)$/, '$1/$2')
      .replace(/^(\d+)\s?(amp|amps)$/, '$1a')
      // "1/4hp": a price book writes "1/4 HP", whose spec reads as the fraction.
      .replace(/^(\d+\/\d+)\s?hp$/, '$1')
      .replace(/^(\d+)\s?ton$/, '$1t')
  );
}

const skuSpecsCache = new WeakMap<CatalogSku, string[]>();

/** The sizes and ratings a SKU's name and code give ("30a", "2p"), normalised; once per entry. */
export function skuSpecs(sku: CatalogSku): string[] {
  let specs = skuSpecsCache.get(sku);
  if (!specs) {
    specs = readSkuSpecs(sku);
    skuSpecsCache.set(sku, specs);
  }
  return specs;
}

function readSkuSpecs(sku: CatalogSku): string[] {
  const text = withSynonyms(`${sku.name} ${sku.code}`).toLowerCase();
  const specs =
    text.match(
      /(\d+(\.\d+)?x\d+(\.\d+)?(x\d+(\.\d+)?)?\b|\d+\/\d+|\d+-\d+|r-?\d{2,3}[a-z]?|\d+%|\d+(\.\d+)?\s?(v|a|amp|t|ton|hp|mfd|uf|btu|seer|kw|k|p|gal)\b)/g,
    ) ?? [];
  return specs.map((s) => normaliseSpec(s.replace(/\s/g, '')));
}

function specScore(mention: Mention, sku: CatalogSku): number {
  if (!mention.specs.length) return 0;
  const skuSpecList = skuSpecs(sku);
  let score = 0;
  for (const raw of mention.specs) {
    const spec = normaliseSpec(raw);
    if (skuSpecList.includes(spec)) score += 1;
    else {
      const shape = SPEC_SHAPES.find((re) => re.test(spec));
      // The SKU names a different value of the same kind: a different variant.
      if (shape && skuSpecList.some((s) => shape.test(s))) score -= 1;
    }
  }
  return Math.max(-1, Math.min(1, score));
}

/** How a price-book entry sold by a unit says so, in its unit of measure or its name. */
const SKU_UNITS: Record<string, RegExp> = {
  lb: /\b(lb|lbs|pound|per\s*lb|#)\b/,
  oz: /\b(oz|ounce)\b/,
  foot: /\b(ft|foot|feet|per\s*ft|lf)\b/,
  inch: /\b(in|inch)\b/,
  gallon: /\b(gal|gallon)\b/,
  quart: /\b(qt|qts|quart|quarts)\b/,
  hour: /\b(hr|hour|hourly|labor)\b/,
};

/** Whether the SKU is sold by the unit a note measured in ("5 QT" → a per-quart SKU). */
export function skuSoldBy(unit: Mention['unit'], sku: CatalogSku): boolean {
  if (!unit || unit === 'each') return false;
  const pattern = SKU_UNITS[unit];
  return pattern?.test(`${sku.unitOfMeasure ?? ''} ${sku.name}`.toLowerCase()) ?? false;
}

/** Ounces in pounds, to the hundredth: how an ounce figure bills on a per-pound SKU. */
export function poundsFromOunces(ounces: number): number {
  return Math.round((ounces / 16) * 100) / 100;
}

function unitScore(mention: Mention, sku: CatalogSku): number {
  return skuSoldBy(mention.unit, sku) ? 1 : 0;
}

/** Per SKU, its name's words that a trade synonym stands for ("NM-B" ↔ "romex"). */
const synonymPairs = new WeakMap<CatalogSku, { nameWords: string[]; synonyms: string[] }[]>();

/**
 * The SKU's name words a mention says by a synonym: "romex" names the "NM" of "NM-B Cable",
 * so the name is as covered as if the note had said "NM".
 */
function namedBySynonym(sku: CatalogSku, mentionWords: ReadonlySet<string>): Set<string> {
  let pairs = synonymPairs.get(sku);
  if (!pairs) {
    pairs = [];
    for (const [pattern, words] of SKU_TEXT_SYNONYMS) {
      const match = pattern.exec(sku.name);
      if (match) pairs.push({ nameWords: contentWords(match[0]), synonyms: contentWords(words) });
    }
    synonymPairs.set(sku, pairs);
  }
  const out = new Set<string>();
  for (const pair of pairs)
    if (pair.synonyms.some((w) => mentionWords.has(w))) for (const w of pair.nameWords) out.add(w);
  return out;
}

/** A SKU's content words, once per catalogue entry: its name's, its name's without sizes and ratings, and all its text's. */
export interface SkuWords {
  name: ReadonlySet<string>;
  /** The name's words other than sizes and ratings ("35/5", "440v"), in order. */
  sizeless: readonly string[];
  all: ReadonlySet<string>;
}

const skuWordsCache = new WeakMap<CatalogSku, SkuWords>();

export function skuWords(sku: CatalogSku): SkuWords {
  let words = skuWordsCache.get(sku);
  if (!words) {
    const nameList = contentWords(sku.name);
    words = {
      name: new Set(nameList),
      sizeless: nameList.filter((w) => !/\d/.test(w)),
      all: new Set(
        contentWords(withSynonyms(`${sku.name} ${sku.description} ${sku.categoryNames.join(' ')}`)),
      ),
    };
    skuWordsCache.set(sku, words);
  }
  return words;
}

/** A mention's words, and the words of the sizes it gives, once per mention. */
const mentionWordsCache = new WeakMap<Mention, { words: ReadonlySet<string>; sizes: ReadonlySet<string> }>();

function mentionWordSets(mention: Mention): { words: ReadonlySet<string>; sizes: ReadonlySet<string> } {
  let sets = mentionWordsCache.get(mention);
  if (!sets) {
    sets = { words: new Set(mention.words), sizes: new Set(mention.specs.flatMap((s) => contentWords(s))) };
    mentionWordsCache.set(mention, sets);
  }
  return sets;
}

function coverage(mention: Mention, sku: CatalogSku, vocabulary: Vocabulary): number {
  const { words: mentionWords, sizes } = mentionWordSets(mention);
  const { name: nameWords, all: allWords } = skuWords(sku);
  if (!mentionWords.size || !nameWords.size) return 0;
  let mentionWeight = 0;
  let mentionHit = 0;
  for (const w of mentionWords) {
    const weight = idf(vocabulary, w);
    mentionWeight += weight;
    if (allWords.has(w)) mentionHit += weight;
  }
  let nameWeight = 0;
  let nameHit = 0;
  // A spec can be the synonym ("2P" names the "Double Pole" of "Breaker 30A Double Pole").
  const named = namedBySynonym(sku, sizes.size ? new Set([...mentionWords, ...sizes]) : mentionWords);
  // A size the notes give names the name's size word too ("16x20x2 filters"): `sizes`.
  for (const w of nameWords) {
    const weight = idf(vocabulary, w);
    nameWeight += weight;
    if (mentionWords.has(w) || named.has(w) || sizes.has(w)) nameHit += weight;
  }
  const precision = mentionWeight ? mentionHit / mentionWeight : 0;
  const recall = nameWeight ? nameHit / nameWeight : 0;
  return precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
}

/** The work verb a task's name starts with ("Clean Flame Sensor"), as a root; null for other SKUs. */
const taskVerbs = new WeakMap<CatalogSku, string | null>();
function taskVerb(sku: CatalogSku): string | null {
  let verb = taskVerbs.get(sku);
  if (verb === undefined) {
    const first = /^[a-z&/]+/i.exec(sku.name.trim())?.[0]?.toLowerCase() ?? '';
    verb = sku.kind === 'service' && ACTION_WORDS.has(first) ? verbRoot(first) : null;
    taskVerbs.set(sku, verb);
  }
  return verb;
}

/** Two tasks whose names differ only in their leading work verb: "Clean" and "Replace Flame Sensor". */
function differOnlyInVerb(a: CatalogSku, b: CatalogSku): boolean {
  const va = taskVerb(a);
  const vb = taskVerb(b);
  if (!va || !vb || va === vb) return false;
  const rest = (sku: CatalogSku) => skuWords(sku).sizeless.slice(1).join(' ');
  return rest(a) !== '' && rest(a) === rest(b);
}

/** How far apart two such tasks must score before the clause's verb no longer decides. */
const VERB_TIE = 0.05;

/**
 * Between two tasks that differ only in their verb and score within VERB_TIE, the one whose
 * verb the clause states goes first, the other VERB_TIE below it ("dirty flame sensor, clnd").
 */
function verbTieBroken(ranked: ScoredCandidate[], mention: Mention): ScoredCandidate[] {
  const [first, second] = ranked;
  if (!first || !second || first.score - second.score > VERB_TIE) return ranked;
  if (!differOnlyInVerb(first.sku, second.sku)) return ranked;
  const stated = statedVerbs(mention.clauseText);
  const firstStated = stated.has(taskVerb(first.sku)!);
  const secondStated = stated.has(taskVerb(second.sku)!);
  if (firstStated === secondStated) return ranked;
  const [winner, loser] = firstStated ? [first, second] : [second, first];
  const top = Math.max(first.score, second.score);
  return [
    { ...winner, score: top },
    { ...loser, score: Math.max(0, top - VERB_TIE) },
    ...ranked.slice(2),
  ].sort((a, b) => b.score - a.score);
}

export function scoreCandidates(
  mention: Mention,
  candidates: SkuCandidate[],
  vocabulary: Vocabulary,
): ScoredCandidate[] {
  const maxVotes = Math.max(1, ...candidates.map((c) => c.historyVotes));
  const ranked = candidates
    .map((c) => {
      const components = {
        coverage: coverage(mention, c.sku, vocabulary),
        spec: specScore(mention, c.sku),
        unit: unitScore(mention, c.sku),
        retrieval: c.similarity,
        history: c.historyVotes / maxVotes,
      };
      const raw =
        0.6 * components.coverage +
        0.15 * components.spec +
        0.1 * components.unit +
        0.1 * components.retrieval +
        0.1 * components.history -
        (c.sku.active ? 0 : 0.2);
      return { sku: c.sku, score: Math.max(0, Math.min(1, raw)), components };
    })
    .sort((a, b) => b.score - a.score);
  return verbTieBroken(ranked, mention);
}

export function matchEvidence(
  mention: Mention,
  best: ScoredCandidate,
  runnerUp: ScoredCandidate | undefined,
): Evidence[] {
  const c = best.components;
  const parts = [`word coverage ${c.coverage.toFixed(2)}`];
  if (c.spec) parts.push(c.spec > 0 ? 'spec matches' : 'spec differs');
  if (c.unit) parts.push(`unit ${mention.unit} fits`);
  if (c.history) parts.push(`past invoice lines agree (${c.history.toFixed(2)})`);
  if (c.usage)
    parts.push(`billed on ${c.usage.billed} of ${c.usage.jobs} past jobs whose notes say these words`);
  return [
    {
      kind: 'note_span',
      detail: `"${mention.text}" in ${mention.noteIndex < 0 ? 'the job summary' : `note ${mention.noteIndex + 1}`}`,
      span: { noteIndex: mention.noteIndex, start: mention.start, end: mention.end },
    },
    {
      kind: 'retrieval',
      detail: `matched ${best.sku.code} "${best.sku.name}" (${parts.join(', ')}; score ${best.score.toFixed(2)}${
        runnerUp ? `, next ${runnerUp.sku.code} ${runnerUp.score.toFixed(2)}` : ''
      })`,
    },
  ];
}
