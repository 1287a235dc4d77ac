// A mention's candidates, put together the same way wherever extraction runs (the extract stage,
// the benchmark's replay): the retriever's hits, what the technician already billed (a note about
// it confirms, not adds), and the SKUs the tenant's past notes were billed with for these words;
// each scored against the mention.

import type { TenantKnowledge } from '../pipeline.ts';
import type { Mention } from '../text/mentions.ts';
import { contentWords } from '../text/vocabulary.ts';
import { type CatalogSku, isFlatRateTask, type JobContext } from '../types.ts';
import { type ScoredCandidate, scoreCandidates, skuWords } from './match.ts';
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
  mentions.forEach((mention, index) => {
    const { hits, votes } = retrieved[index] ?? { hits: [], votes: new Map<number, number>() };
    const learned = knowledge.model.wordVotes(mention.words);
    const maxLineVotes = Math.max(1, ...votes.values());
    const candidates = new Map<number, SkuCandidate>();
    const consider = (skuId: number, similarity: number) => {
      const sku = knowledge.catalogById.get(skuId);
      if (!sku || candidates.has(skuId)) return;
      const historyVotes = Math.max((votes.get(skuId) ?? 0) / maxLineVotes, learned.get(skuId)?.score ?? 0);
      candidates.set(skuId, { sku, similarity, historyVotes });
    };
    for (const hit of hits) consider(hit.stId, hit.similarity);
    for (const item of context.invoice.items) if (item.skuId !== null) consider(item.skuId, 0);
    for (const [skuId] of [...learned].sort((a, b) => b[1].score - a[1].score).slice(0, 3))
      consider(skuId, 0);
    const ranked = scoreCandidates(mention, [...candidates.values()], knowledge.vocabulary);
    scored.set(
      mention.id,
      usualVariantFirst(ranked, (skuId) => knowledge.model.skuShare(skuId), mention),
    );
  });
  return scored;
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
    flatRateBeside: (given: number) =>
      knowledge.model.alsoBilled(given, (skuId) => isFlatRateTask(knowledge.catalogById.get(skuId))),
    skuShare: (skuId: number) => knowledge.model.skuShare(skuId),
  };
}
