// invoice.price: every line priced from the tenant's price book (member, add-on and customer
// agreement prices; fixed and percentage fees), technician items at their entered price.
import { type DetectResult, type PricedLine, priceStage } from '@invoicer/billing';
import type { PayloadOf } from '@invoicer/core';
import type { WorkerServices } from '../services.ts';
import type { ExtractOutput } from './extract.ts';
import { requireOutput, runStage } from './runner.ts';

export interface PriceOutput {
  lines: PricedLine[];
}

export async function price(services: WorkerServices, payload: PayloadOf<'invoice.price'>): Promise<void> {
  await runStage<PriceOutput>(services, payload, 'price', async (run) => {
    const extracted = await requireOutput<ExtractOutput>(services, run.id, 'extract');
    const detected = await requireOutput<DetectResult>(services, run.id, 'detect');
    const knowledge = await services.runtime.knowledge(
      run.tenantId,
      new Date(extracted.context.job.completedOn),
    );
    return {
      output: { lines: priceStage(extracted.context, knowledge, detected.lines) },
      next: 'invoice.draft',
    };
  });
}
