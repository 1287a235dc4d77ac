// invoice.extract: load the job's context, find the items its notes mention, retrieve
// price-book candidates for each (Postgres trigram + full-text, past invoice lines, learned
// note-word associations), let the tenant's provider choose, and turn the choices into lines.
// With a model configured (settings.ai.provider 'openai') the model reads the notes first; its
// grounded, guarded mentions replace the parser's, which remain the fallback.
import { chooseInputFor, chooseWithFallback, providerFor, readWithFallback } from '@invoicer/ai';
import {
  buildNoteLines,
  findJobMentions,
  mentionCandidates,
  type NoteLinesResult,
  noteLineEvidence,
  noteTexts,
  openMentions,
  requestNotes,
} from '@invoicer/billing';
import type { PayloadOf } from '@invoicer/core';
import { historyLineVotesIndexed, searchSkusCached } from '@invoicer/db';
import type { ExtractOutput } from '@invoicer/pipeline';
import { loadJobContext } from '../context.ts';
import { mirroredSoldSkuIds, refreshEstimates } from '../evidence/estimates-feed.ts';
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
    // History feature "was on a sold estimate" (from the mirror; none when estimates are off).
    if (knowledge.settings.evidence.estimates) {
      await refreshEstimates(client, db, run.tenantId, services.log);
      const sold = await mirroredSoldSkuIds(db, run.tenantId, context.job.id, completedOn);
      if (sold.length) context.soldEstimateSkuIds = sold;
    }
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

    // Price-book hits and past-line votes come from in-memory indexes of the catalogue and history
    // versions (the same values as the SQL); what they cannot answer exactly, from Postgres.
    const [hitLists, voteMaps] = await Promise.all([
      knowledge.catalogCache
        .searchIndex()
        .then((index) =>
          searchSkusCached(
            db,
            run.tenantId,
            mentions,
            CANDIDATES_PER_MENTION,
            knowledge.catalogCache.searchHits,
            index,
          ),
        ),
      services.runtime.historyIndex(run.tenantId).then((index) =>
        historyLineVotesIndexed(
          db,
          run.tenantId,
          mentions.map((m) => m.text),
          completedOn,
          index,
        ),
      ),
    ]);
    const scored = mentionCandidates(
      mentions,
      mentions.map((_, i) => ({ hits: hitLists[i]!, votes: voteMaps[i]! })),
      context,
      knowledge,
    );
    const input = chooseInputFor(context, mentions, scored);
    const chosen = await chooseWithFallback(provider, input, knowledge.settings.ai.timeoutMs);
    const lines: NoteLinesResult = buildNoteLines({
      mentions,
      decisions: chosen.decisions,
      scored,
      catalog: knowledge.catalogById,
      existing: context.invoice.items,
      ...noteLineEvidence(context, knowledge),
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
      // Only a mention the notes say was used can be a missed line; a counted part nobody
      // bills is an open question too.
      unmatchedMentionIds: openMentions(lines).map((m) => m.id),
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
      audit: {
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
          confidence: chosen.decisions.length ? Math.min(...chosen.decisions.map((d) => d.confidence)) : null,
          reasoning: chosen.decisions.map((d) => `${d.mentionId}: ${d.reason}`),
          ...(reading ? { reader: reading.reader } : {}),
        },
      },
    };
  });
}
