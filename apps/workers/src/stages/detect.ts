// invoice.detect: the rule pack, learned patterns and T&M labor add what the technician
// missed; validation flags mark what a person should check.
import { type DetectResult, detectStage, type Mention } from '@invoicer/billing';
import type { PayloadOf } from '@invoicer/core';
import type { WorkerServices } from '../services.ts';
import type { ExtractOutput } from './extract.ts';
import { requireOutput, runStage } from './runner.ts';

export async function detect(services: WorkerServices, payload: PayloadOf<'invoice.detect'>): Promise<void> {
  await runStage<DetectResult>(services, payload, 'detect', async (run) => {
    const extracted = await requireOutput<ExtractOutput>(services, run.id, 'extract');
    const knowledge = await services.runtime.knowledge(
      run.tenantId,
      new Date(extracted.context.job.completedOn),
    );
    const byId = new Map(extracted.mentions.map((m) => [m.id, m]));
    const confirmations = new Map<number, Mention[]>(
      extracted.confirmations.map(([itemId, ids]) => [
        itemId,
        ids.map((id) => byId.get(id)).filter((m): m is Mention => m !== undefined),
      ]),
    );
    const output = detectStage(extracted.context, knowledge, {
      mentions: extracted.mentions,
      noteLines: extracted.noteLines,
      confirmations,
      nonBillable: extracted.nonBillable,
    });
    return { output, next: 'invoice.price' };
  });
}
