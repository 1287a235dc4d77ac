// invoice.detect: the rule pack, learned patterns and T&M labor add what the technician
// missed; validation flags mark what a person should check.
import { detectStage, type Mention } from '@invoicer/billing';
import type { PayloadOf } from '@invoicer/core';
import type { WorkerServices } from '../services.ts';
import { runStage } from './runner.ts';

export async function detect(services: WorkerServices, payload: PayloadOf<'invoice.detect'>): Promise<void> {
  await runStage(services, payload, 'detect', async (run, { extract }) => {
    const knowledge = await services.runtime.knowledge(
      run.tenantId,
      new Date(extract.context.job.completedOn),
    );
    const byId = new Map(extract.mentions.map((m) => [m.id, m]));
    const confirmations = new Map<number, Mention[]>(
      extract.confirmations.map(([itemId, ids]) => [
        itemId,
        ids.map((id) => byId.get(id)).filter((m): m is Mention => m !== undefined),
      ]),
    );
    const output = detectStage(extract.context, knowledge, {
      mentions: extract.mentions,
      noteLines: extract.noteLines,
      confirmations,
      nonBillable: extract.nonBillable,
    });
    return { output };
  });
}
