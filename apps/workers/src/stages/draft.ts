// invoice.draft: the itemized draft with tax, totals, summary, diff and confidence, saved as
// revision 1 of the run's drafts.
import { draftStage } from '@invoicer/billing';
import type { PayloadOf } from '@invoicer/core';
import { countMissedBillables } from '@invoicer/platform';
import type { WorkerServices } from '../services.ts';
import { runStage } from './runner.ts';

export async function draft(services: WorkerServices, payload: PayloadOf<'invoice.draft'>): Promise<void> {
  await runStage(services, payload, 'draft', async (run, { extract, detect, price }) => {
    const knowledge = await services.runtime.knowledge(
      run.tenantId,
      new Date(extract.context.job.completedOn),
    );
    const document = draftStage(extract.context, knowledge, {
      lines: price.lines,
      flags: detect.flags,
      unmatchedBillableMentions: extract.unmatchedMentionIds.length,
      features: detect.features,
      suggestions: detect.suggestions,
    });
    countMissedBillables(run.tenantId, document.lines);
    return {
      output: document,
      patch: { draftRevision: 1 },
      draft: {
        runId: run.id,
        revision: 1,
        lines: document.lines,
        subTotal: document.subTotal,
        salesTax: document.salesTax,
        total: document.total,
        document: document as unknown as Record<string, unknown>,
        createdBy: 'pipeline',
      },
    };
  });
}
