// A mention's candidates, put together the same way wherever extraction runs (the extract stage,
// the benchmark's replay): the retriever's hits, what the technician already billed (a note about
// it confirms, not adds), and the SKUs the tenant's past notes were billed with for these words;
// each scored against the mention.

import type { TenantKnowledge } from '../pipeline.ts';
import type { Mention } from '../text/mentions.ts';
import { isFlatRateTask, type JobContext } from '../types.ts';
import { type ScoredCandidate, scoreCandidates } from './match.ts';
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
    scored.set(mention.id, scoreCandidates(mention, [...candidates.values()], knowledge.vocabulary));
  });
  return scored;
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
