// invoice.extract: load the job's context, find the items its notes mention, retrieve
// price-book candidates for each (Postgres trigram + full-text, past invoice lines, learned
// note-word associations), let the tenant's provider choose, and turn the choices into lines.
// With a model configured (settings.ai.provider 'openai') the model reads the notes first; its
// grounded, guarded mentions replace the parser's, which remain the fallback.
import { type ChooseInput, chooseWithFallback, providerFor, readWithFallback } from '@invoicer/ai';
import {
  buildNoteLines,
  findJobMentions,
  type NoteLinesResult,
  noteTexts,
  requestNotes,
  type ScoredCandidate,
  type SkuCandidate,
  scoreCandidates,
} from '@invoicer/billing';
import type { PayloadOf } from '@invoicer/core';
import { appendAuditTx, historyLineVotesBatch, searchSkusBatch } from '@invoicer/db';
import type { ExtractOutput } from '@invoicer/pipeline';
import { loadJobContext } from '../context.ts';
import type { WorkerServices } from '../services.ts';
import { runStage } from './runner.ts';

const CANDIDATES_PER_MENTION = 8;

export async function extract(
  services: WorkerServices,
  payload: PayloadOf<'invoice.extract'>,
): Promise<void> {
  await runStage(services, payload, 'extract', async (run) => {
    const { db, runtime } = services;
    await services.ensureFresh(run.tenantId);
    const client = await runtime.client(run.tenantId);
    const context = await loadJobContext(client, db, runtime, run.tenantId, Number(run.stJobId));
    const completedOn = new Date(context.job.completedOn);
    const knowledge = await runtime.knowledge(run.tenantId, completedOn);
    const provider = providerFor(knowledge.settings.ai);
    const parsed = findJobMentions(context, knowledge);
    const reading =
      knowledge.settings.ai.provider === 'openai'
        ? await readWithFallback(
            provider,
            {
              notes: noteTexts(context),
              vocabulary: knowledge.vocabulary,
              local: parsed,
              requestNotes: requestNotes(context),
            },
            knowledge.settings.ai.timeoutMs,
          )
        : null;
    const mentions = reading?.mentions ?? parsed;

    const scored = new Map<string, ScoredCandidate[]>();
    const learnedCandidates = (words: string[]) => knowledge.model.wordVotes(words);
    // All mentions in two statements (catalogue, past lines), each served by indexes.
    const [hitLists, voteMaps] = await Promise.all([
      searchSkusBatch(db, run.tenantId, mentions, CANDIDATES_PER_MENTION),
      historyLineVotesBatch(
        db,
        run.tenantId,
        mentions.map((m) => m.text),
        completedOn,
      ),
    ]);
    const retrieved = mentions.map((_, i) => [hitLists[i]!, voteMaps[i]!] as const);
    mentions.forEach((mention, index) => {
      const [hits, lineVotes] = retrieved[index]!;
      const learned = learnedCandidates(mention.words);
      const maxLineVotes = Math.max(1, ...lineVotes.values());
      const candidates = new Map<number, SkuCandidate>();
      const consider = (skuId: number, similarity: number) => {
        const sku = knowledge.catalogById.get(skuId);
        if (!sku || candidates.has(skuId)) return;
        const votes = Math.max((lineVotes.get(skuId) ?? 0) / maxLineVotes, learned.get(skuId)?.score ?? 0);
        candidates.set(skuId, { sku, similarity, historyVotes: votes });
      };
      for (const hit of hits) consider(hit.stId, hit.similarity);
      // What the technician already billed competes too: a note about it confirms, not adds.
      for (const item of context.invoice.items) if (item.skuId !== null) consider(item.skuId, 0);
      // SKUs this tenant's notes have been billed with when using these words.
      for (const [skuId] of [...learned].sort((a, b) => b[1].score - a[1].score).slice(0, 3))
        consider(skuId, 0);
      scored.set(mention.id, scoreCandidates(mention, [...candidates.values()], knowledge.vocabulary));
    });

    const input: ChooseInput = {
      jobType: context.job.jobTypeName,
      notes: context.notes.map((n) => ({ index: n.index, text: n.text })),
      mentions: mentions.map((m) => ({
        id: m.id,
        text: m.text,
        clause: m.clauseText,
        polarity: m.polarity,
        billable: m.billable,
        quantity: m.quantity,
        unit: m.unit,
      })),
      candidates: Object.fromEntries(
        [...scored].map(([id, list]) => [
          id,
          list.slice(0, 5).map((c) => ({
            skuId: c.sku.id,
            code: c.sku.code,
            name: c.sku.name,
            score: Number(c.score.toFixed(4)),
          })),
        ]),
      ),
      existingItems: context.invoice.items.map((i) => ({
        skuId: i.skuId,
        name: i.description,
        quantity: i.quantity,
      })),
    };
    const chosen = await chooseWithFallback(provider, input, knowledge.settings.ai.timeoutMs);
    const lines: NoteLinesResult = buildNoteLines({
      mentions,
      decisions: chosen.decisions,
      scored,
      catalog: knowledge.catalogById,
      existing: context.invoice.items,
      plausibility: (skuId) => {
        const { rate, jobs } = knowledge.model.skuRate(skuId, `jt:${context.job.jobTypeId}`);
        return jobs ? { rate, jobs } : null;
      },
      pairRate: (given, skuId) => knowledge.model.pairRate(given, skuId),
    });
    const output: ExtractOutput = {
      context,
      mentions,
      candidates: input.candidates,
      decisions: chosen.decisions,
      provider: {
        name: chosen.provider,
        model: chosen.model,
        promptVersion: chosen.promptVersion,
        inputDigest: chosen.inputDigest,
        durationMs: chosen.durationMs,
        fallback: chosen.fallback,
      },
      noteLines: lines.added,
      confirmations: [...lines.confirmations].map(([itemId, ms]) => [itemId, ms.map((m) => m.id)]),
      // Only a mention the notes say was used can be a missed line.
      unmatchedMentionIds: lines.unmatched.filter((m) => m.use !== 'none').map((m) => m.id),
      nonBillable: lines.nonBillable.map((n) => ({ mentionId: n.mention.id, skuId: n.skuId })),
      ...(reading ? { reader: reading.reader } : {}),
    };
    const fellBack = chosen.fallback !== null || (reading?.reader.fallback ?? null) !== null;
    return {
      output,
      inputDigest: chosen.inputDigest,
      patch: {
        stInvoiceId: BigInt(context.invoice.id),
        jobCompletedOn: completedOn,
        flags: fellBack ? [...new Set([...run.flags, 'ai_fallback'])] : run.flags,
      },
      also: (tx) =>
        appendAuditTx(tx, {
          tenantId: run.tenantId,
          actorType: 'ai',
          actor: `${chosen.provider}:${chosen.model}`,
          action: 'ai.extract',
          stJobId: context.job.id,
          runId: run.id,
          data: {
            provider: chosen.provider,
            model: chosen.model,
            promptVersion: chosen.promptVersion,
            inputDigest: chosen.inputDigest,
            fallback: chosen.fallback,
            output: chosen.decisions,
            confidence: chosen.decisions.length
              ? Math.min(...chosen.decisions.map((d) => d.confidence))
              : null,
            reasoning: chosen.decisions.map((d) => `${d.mentionId}: ${d.reason}`),
            ...(reading ? { reader: reading.reader } : {}),
          },
        }).then(() => undefined),
    };
  });
}
