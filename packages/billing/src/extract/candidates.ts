// A mention's candidates, put together the same way wherever extraction runs (the extract stage,
// the benchmark's replay): the retriever's hits, what the technician already billed (a note about
// it confirms, not adds), and the SKUs the tenant's past notes were billed with for these words;
// each scored against the mention.

import { wilsonUpperBound } from '../history/model.ts';
import type { TenantKnowledge } from '../pipeline.ts';
import { ACTION_WORDS } from '../text/lexicon.ts';
import type { Mention } from '../text/mentions.ts';
import { contentWords } from '../text/vocabulary.ts';
import { type CatalogSku, isFlatRateTask, type JobContext } from '../types.ts';
import { normaliseSpec, type ScoredCandidate, scoreCandidates, skuSpecs, skuWords } from './match.ts';
import { MIN_MATCH_SCORE, tasksIncludeParts } from './note-lines.ts';
import type { SkuCandidate } from './retrieval.ts';

/** What retrieval found for one mention: catalogue hits and past lines' votes by SKU. */
export interface MentionRetrieval {
  hits: { stId: number; similarity: number }[];
  votes: Map<number, number>;
}

export function mentionCandidates(
  mentions: Mention[],
  retrieved: MentionRetrieval[],
  context: JobContext,
  knowledge: TenantKnowledge,
): Map<string, ScoredCandidate[]> {
  const scored = new Map<string, ScoredCandidate[]>();
  const work = clauseWork(mentions);
  // The technician's lines, whose sizes the shop's usage never overrides (shopUsageFirst).
  const onInvoice = context.invoice.items.flatMap((i) =>
    i.skuId === null ? [] : (knowledge.catalogById.get(i.skuId) ?? []),
  );
  mentions.forEach((mention, index) => {
    const { hits, votes } = retrieved[index] ?? { hits: [], votes: new Map<number, number>() };
    const learned = knowledge.model.wordVotes(mention.words);
    const usage = doneWork(mention) ? knowledge.model.phraseUsage(mention.words) : null;
    // The same words on this job type: "rods" on a system replacement are brazing rods where
    // across the shop they are as often anode or ground rods.
    const typeUsage = usage
      ? knowledge.model.phraseUsage(mention.words, `jt:${context.job.jobTypeId}`)
      : null;
    const maxLineVotes = Math.max(1, ...votes.values());
    const candidates = new Map<number, SkuCandidate>();
    const consider = (skuId: number, similarity: number) => {
      const sku = knowledge.catalogById.get(skuId);
      if (!sku || candidates.has(skuId)) return;
      const historyVotes = Math.max((votes.get(skuId) ?? 0) / maxLineVotes, learned.get(skuId)?.score ?? 0);
      candidates.set(skuId, { sku, similarity, historyVotes });
    };
    for (const hit of hits) consider(hit.stId, hit.similarity);
    // Retrieval ranks by text similarity and keeps a few: among many entries with the note's
    // word ("breaker"), the ones with the size it gives ("1 2P breaker") can fall outside.
    for (const sku of sameSpecEntries(mention, knowledge.catalogById)) consider(sku.id, 0);
    for (const item of context.invoice.items) if (item.skuId !== null) consider(item.skuId, 0);
    for (const [skuId] of [...learned].sort((a, b) => b[1].score - a[1].score).slice(0, 3))
      consider(skuId, 0);
    for (const u of [usage, typeUsage])
      if (u && u.jobs >= MIN_USAGE_JOBS)
        for (const [skuId, n] of u.billed) if (n / u.jobs >= USUALLY) consider(skuId, 0);
    const ranked = partsIfUsed(
      mention,
      withClauseWork(
        scoreCandidates(mention, [...candidates.values()], knowledge.vocabulary),
        work.get(mention.id),
        candidates,
        knowledge,
      ),
    );
    const share = (skuId: number) => knowledge.model.skuShare(skuId);
    const usual = usualVariantFirst(ranked, share, mention);
    const shopWide = usage ? shopUsageFirst(usual, usage, share, mention, onInvoice) : usual;
    const chosen =
      shopWide === usual && typeUsage
        ? shopUsageFirst(usual, typeUsage, share, mention, onInvoice)
        : shopWide;
    scored.set(
      mention.id,
      usage ? unlessRarelyMeant(chosen, usage, knowledge.catalogById, onInvoice) : chosen,
    );
  });
  return scored;
}

/** Per catalogue: normalised spec → the entries whose name or code gives it. */
const specIndexes = new WeakMap<Map<number, CatalogSku>, Map<string, CatalogSku[]>>();

function specIndex(catalog: Map<number, CatalogSku>): Map<string, CatalogSku[]> {
  let index = specIndexes.get(catalog);
  if (!index) {
    index = new Map();
    for (const sku of catalog.values())
      for (const spec of new Set(skuSpecs(sku))) {
        const list = index.get(spec);
        if (list) list.push(sku);
        else index.set(spec, [sku]);
      }
    specIndexes.set(catalog, index);
  }
  return index;
}

/**
 * Entries that give every rating the mention gives and name one of its item words: "1 2P
 * breaker" → the double-pole breakers (and the double-pole breaker task), whatever retrieval
 * kept. Ratings only ("2p", "30a", "240v"): a size ("3/4") is shared by half a plumbing
 * catalogue, and a pipe of that size is not the conduit the technician billed.
 */
function sameSpecEntries(mention: Mention, catalog: Map<number, CatalogSku>): CatalogSku[] {
  const specs = [...new Set(mention.specs.map(normaliseSpec))].filter((s) => /^\d+[a-z]+$/.test(s));
  const words = mention.words.filter((w) => !ACTION_WORDS.has(w));
  if (!specs.length || !words.length) return [];
  const index = specIndex(catalog);
  const lists = specs.map((s) => index.get(s) ?? []).sort((a, b) => a.length - b.length);
  return lists[0]!.filter(
    (sku) => lists.every((list) => list.includes(sku)) && words.some((w) => skuWords(sku).name.has(w)),
  );
}

/**
 * Work done in one clause is one task, however the clause spreads its words: "Chemical cleaned
 * condenser coils" is "Condenser Coil Cleaning (chemical)" though "Chemical" and "condenser
 * coils" are two mentions. Per mention, the clause's work mentions taken together (when there
 * are two or more).
 */
function clauseWork(mentions: Mention[]): Map<string, Mention> {
  const byClause = new Map<string, Mention[]>();
  for (const m of mentions) {
    // A lone work verb ("Replaced") is how the clause says it was done, not what was done.
    if (m.use !== 'action' || m.polarity !== 'done' || m.words.every((w) => ACTION_WORDS.has(w))) continue;
    const key = `${m.noteIndex}\u0000${m.clauseText}`;
    byClause.set(key, [...(byClause.get(key) ?? []), m]);
  }
  const out = new Map<string, Mention>();
  for (const group of byClause.values()) {
    if (group.length < 2) continue;
    const first = group[0]!;
    const merged: Mention = {
      ...first,
      id: `${first.id}+clause`,
      text: first.clauseText,
      words: [...new Set(group.flatMap((m) => m.words))],
      specs: [...new Set(group.flatMap((m) => m.specs))],
      quantity: null,
      unit: null,
    };
    // Only a mention the others add words to: "replaced the dual run capacitor with a new 35/5
    // dual run capacitor" names the part twice, not a task in two halves.
    for (const m of group) if (merged.words.some((w) => !m.words.includes(w))) out.set(m.id, merged);
  }
  return out;
}

/** How much a task's score keeps when the note counts what it used. */
const USED_TASK_FACTOR = 0.8;

/**
 * "Used 1 wax ring", "used 2 gal cleaner": what a note counts as used is a part consumed, not a
 * task done, so a task naming the same words ("Reset Toilet with New Wax Ring") yields to the
 * part unless it matches clearly better.
 */
export function partsIfUsed(mention: Mention, ranked: ScoredCandidate[]): ScoredCandidate[] {
  if (mention.quantity === null || !/^\W*used\b/i.test(mention.clauseText)) return ranked;
  return ranked
    .map((c) => (c.sku.kind === 'service' ? { ...c, score: c.score * USED_TASK_FACTOR } : c))
    .sort((a, b) => b.score - a.score);
}

/** A task (service) scores the better of the mention alone and the clause's work together. */
function withClauseWork(
  ranked: ScoredCandidate[],
  clause: Mention | undefined,
  candidates: Map<number, SkuCandidate>,
  knowledge: TenantKnowledge,
): ScoredCandidate[] {
  if (!clause) return ranked;
  const tasks = [...candidates.values()].filter((c) => c.sku.kind === 'service');
  if (!tasks.length) return ranked;
  const together = new Map(scoreCandidates(clause, tasks, knowledge.vocabulary).map((c) => [c.sku.id, c]));
  return ranked
    .map((c) => {
      const joint = together.get(c.sku.id);
      return joint && joint.score > c.score ? joint : c;
    })
    .sort((a, b) => b.score - a.score);
}

/** Past jobs with the words a shop's usage needs before it outweighs a name. */
const MIN_USAGE_JOBS = 5;
/** The share of those jobs the shop's usual SKU for the words is billed on. */
const USUALLY = 0.6;
/** The most the name's match may be billed on them and still be taken as not what the shop means. */
const RARELY = 0.1;
/** How much more often than on any job the usual SKU must come with the words. */
const USAGE_LIFT = 3;

/** Work done on an item: a lone work verb ("Installed") names none, whatever the shop bills. */
function doneWork(m: Mention): boolean {
  return (
    m.use === 'action' && m.polarity === 'done' && !m.removed && m.words.some((w) => !ACTION_WORDS.has(w))
  );
}

/**
 * The shop's own usage over the price book's wording: when the notes say "shut-off valve", a
 * shop that bills "Replace Angle Stop Valve" on most such jobs and "Replace Main Shut-Off Valve"
 * on almost none means the angle stop. The candidate the shop usually bills for these words
 * takes the place (and score) of a best match it rarely bills for them. Only a candidate of the
 * same kind that the words partly name, with specs and unit that fit as well: a task's words
 * name a task, a kit billed on most jobs is not what "float switch" means, and "3/4 in.
 * couplings" are not the 1/2" ones the shop usually bills.
 */
export function shopUsageFirst(
  ranked: ScoredCandidate[],
  usage: { jobs: number; billed: Map<number, number> },
  share: (skuId: number) => number,
  mention: Pick<Mention, 'quantity' | 'words'>,
  onInvoice: readonly CatalogSku[] = [],
): ScoredCandidate[] {
  const top = ranked[0];
  if (!top || usage.jobs < MIN_USAGE_JOBS) return ranked;
  const rate = (c: ScoredCandidate) => (usage.billed.get(c.sku.id) ?? 0) / usage.jobs;
  if (rate(top) > RARELY) return ranked;
  // A counted item is a part, whatever task its words also name: "mat: 5 rods".
  const sameKind = (c: ScoredCandidate) =>
    c.sku.kind === top.sku.kind ||
    (mention.quantity !== null && top.sku.kind === 'service' && c.sku.kind === 'material');
  // The name itself says one of the words: where the laundry's stops are is not what "laundry" means.
  const named = (c: ScoredCandidate) => mention.words.some((w) => skuWords(c.sku).name.has(w));
  let usual: ScoredCandidate | undefined;
  for (const c of ranked.slice(1)) {
    if (
      !sameKind(c) ||
      c.components.coverage === 0 ||
      !named(c) ||
      c.components.spec < top.components.spec ||
      c.components.unit < top.components.unit ||
      rate(c) < USUALLY ||
      rate(c) < USAGE_LIFT * share(c.sku.id)
    )
      continue;
    if (!usual || rate(c) > rate(usual)) usual = c;
  }
  if (!usual) return ranked;
  // The job's own invoice outranks the shop's habit: a size of the usual item that the technician
  // billed ("Breaker 40A Double Pole" for "1 2p breaker") is what the note means.
  const chosen = usual;
  if (onInvoice.some((s) => s.id !== chosen.sku.id && sameNameBesideSizes(s, chosen.sku))) return ranked;
  // The shop's usage is the evidence, not the wording: it is taken, however weakly the price
  // book's names match the words.
  const promoted: ScoredCandidate = {
    ...usual,
    score: Math.max(top.score, MIN_MATCH_SCORE),
    components: { ...usual.components, usage: { billed: usage.billed.get(usual.sku.id)!, jobs: usage.jobs } },
  };
  return [promoted, ...ranked.slice(1).map((c) => (c === usual ? { ...top, score: usual.score } : c))].sort(
    (a, b) => b.score - a.score,
  );
}

/** Past jobs with the words before the shop's usage can say what they do not mean. */
const MIN_RARELY_JOBS = 20;

/**
 * The shop's usage against the name: where its notes used these words for work done on many
 * past jobs and the best match was almost never billed on them (the Wilson upper bound of its
 * share under RARELY), the words do not mean it in this shop. It falls below the match floor,
 * and so does every candidate the shop never bills for them: a candidate it does bill ("used 5
 * 20a bkrs": the single-pole breaker, not the GFCI one the name matches best) comes first, and
 * with none the mention is an open question for a person, not a line. A size counts with its
 * siblings ("filter" is billed in a dozen sizes); a SKU the technician billed stays.
 */
export function unlessRarelyMeant(
  ranked: ScoredCandidate[],
  usage: { jobs: number; billed: Map<number, number> },
  catalog: Map<number, CatalogSku>,
  onInvoice: readonly CatalogSku[] = [],
): ScoredCandidate[] {
  const top = ranked[0];
  if (!top || usage.jobs < MIN_RARELY_JOBS || top.score < MIN_MATCH_SCORE) return ranked;
  if (onInvoice.some((s) => s.id === top.sku.id)) return ranked;
  const usedOn = (c: ScoredCandidate) => {
    let billed = 0;
    for (const [skuId, n] of usage.billed) {
      const other = catalog.get(skuId);
      if (skuId === c.sku.id || (other && sameNameBesideSizes(other, c.sku))) billed += n;
    }
    return wilsonUpperBound(Math.min(billed, usage.jobs), usage.jobs) >= RARELY;
  };
  if (usedOn(top)) return ranked;
  const floor = MIN_MATCH_SCORE - 0.01;
  return ranked
    .map((c) => (c.score >= MIN_MATCH_SCORE && !usedOn(c) ? { ...c, score: floor } : c))
    .sort((a, b) => b.score - a.score);
}

/** How much more often the shop must bill a variant for it to be taken as the usual one. */
const USUAL_VARIANT_RATIO = 1.5;

/** Names with the same words once sizes and ratings are set aside. */
function sameNameBesideSizes(a: CatalogSku, b: CatalogSku): boolean {
  const x = new Set(skuWords(a).sizeless);
  const y = new Set(skuWords(b).sizeless);
  return x.size > 0 && x.size === y.size && [...x].every((w) => y.has(w));
}

/** The note says a word that is in one of the two names and not the other ("belt A42"). */
function namesOneOf(said: ReadonlySet<string>, a: CatalogSku, b: CatalogSku): boolean {
  const x = skuWords(a).name;
  const y = skuWords(b).name;
  for (const w of said) if (x.has(w) !== y.has(w)) return true;
  return false;
}

/**
 * Variants the notes cannot tell apart ("1 equipment pad": 24x36 or 36x36; "1 2P breaker"):
 * names that differ only in sizes and ratings the notes do not give. The one the shop bills
 * most often goes first when it is clearly the usual one; the others stay, so the decision's
 * lead shows the doubt.
 */
export function usualVariantFirst(
  ranked: ScoredCandidate[],
  share: (skuId: number) => number,
  mention: Pick<Mention, 'words' | 'specs'>,
): ScoredCandidate[] {
  const top = ranked[0];
  if (!top) return ranked;
  const said = new Set([...mention.words, ...mention.specs.flatMap((s) => contentWords(s))]);
  const alike = (c: ScoredCandidate) =>
    c.sku.kind === top.sku.kind &&
    sameNameBesideSizes(c.sku, top.sku) &&
    c.components.spec === top.components.spec &&
    c.components.unit === top.components.unit &&
    !namesOneOf(said, c.sku, top.sku);
  let usual = top;
  for (const c of ranked.slice(1)) if (alike(c) && share(c.sku.id) > share(usual.sku.id)) usual = c;
  if (usual === top || share(usual.sku.id) <= USUAL_VARIANT_RATIO * share(top.sku.id)) return ranked;
  return [usual, ...ranked.filter((c) => c !== usual)];
}

/** How plausible a SKU is on this job's type, and given another SKU: what note lines weigh. */
export function noteLineEvidence(context: JobContext, knowledge: TenantKnowledge) {
  return {
    plausibility: (skuId: number) => {
      const { rate, jobs } = knowledge.model.skuRate(skuId, `jt:${context.job.jobTypeId}`);
      return jobs ? { rate, jobs } : null;
    },
    pairRate: (given: number, skuId: number) => knowledge.model.pairRate(given, skuId),
    flatRateBeside: (given: number) => {
      // Kept per model version and catalogue: a common line (a trip charge) is on thousands of jobs.
      const known = knowledge.model.memo(
        'flat-rate-beside',
        () => new Map<number, { rate: number; jobs: number }>(),
        `catalog:${catalogId(knowledge.catalogById)}`,
      );
      let value = known.get(given);
      if (!value) {
        value = knowledge.model.alsoBilled(given, (skuId) =>
          isFlatRateTask(knowledge.catalogById.get(skuId)),
        );
        known.set(given, value);
      }
      return value;
    },
    skuShare: (skuId: number) => knowledge.model.skuShare(skuId),
    tasksIncludeParts: knowledge.model.memo(
      'tasks-include-parts',
      () =>
        tasksIncludeParts(knowledge.catalogById, (task, matches) =>
          knowledge.model.alsoBilled(task, matches),
        ),
      `catalog:${catalogId(knowledge.catalogById)}`,
    ),
  };
}

const catalogIds = new WeakMap<Map<number, CatalogSku>, number>();
let lastCatalogId = 0;
/** A catalogue's identity, for values computed from the model and it together. */
function catalogId(catalog: Map<number, CatalogSku>): number {
  const known = catalogIds.get(catalog);
  if (known !== undefined) return known;
  lastCatalogId += 1;
  catalogIds.set(catalog, lastCatalogId);
  return lastCatalogId;
}
