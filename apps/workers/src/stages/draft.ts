// invoice.draft: the itemized draft with tax, totals, summary, diff and confidence, saved as
// revision 1 of the run's drafts.
import { type DetectResult, type DraftDocument, draftStage } from '@invoicer/billing';
import type { PayloadOf } from '@invoicer/core';
import { saveDraft } from '@invoicer/db';
import type { WorkerServices } from '../services.ts';
import type { ExtractOutput } from './extract.ts';
import type { PriceOutput } from './price.ts';
import { requireOutput, runStage } from './runner.ts';

export async function draft(services: WorkerServices, payload: PayloadOf<'invoice.draft'>): Promise<void> {
  await runStage<DraftDocument>(services, payload, 'draft', async (run) => {
    const extracted = await requireOutput<ExtractOutput>(services, run.id, 'extract');
    const detected = await requireOutput<DetectResult>(services, run.id, 'detect');
    const priced = await requireOutput<PriceOutput>(services, run.id, 'price');
    const knowledge = await services.runtime.knowledge(
      run.tenantId,
      new Date(extracted.context.job.completedOn),
    );
    const unmatchedBillable = extracted.unmatchedMentionIds.length;
    const document = draftStage(extracted.context, knowledge, {
      lines: priced.lines,
      flags: detected.flags,
      unmatchedBillableMentions: unmatchedBillable,
      features: detected.features,
    });
    return {
      output: document,
      next: 'invoice.route',
      also: async (tx) => {
        await saveDraft(tx, {
          runId: run.id,
          revision: 1,
          lines: document.lines,
          subTotal: document.subTotal,
          salesTax: document.salesTax,
          total: document.total,
          document: document as unknown as Record<string, unknown>,
          createdBy: 'pipeline',
        });
        await tx.pipelineRun.update({ where: { id: run.id }, data: { draftRevision: 1 } });
      },
    };
  });
}
