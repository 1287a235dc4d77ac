// invoice.price: every line priced from the tenant's price book (member, add-on and customer
// agreement prices; fixed and percentage fees), technician items at their entered price.
import { priceStage } from '@invoicer/billing';
import type { PayloadOf } from '@invoicer/core';
import type { WorkerServices } from '../services.ts';
import { runStage } from './runner.ts';

export async function price(services: WorkerServices, payload: PayloadOf<'invoice.price'>): Promise<void> {
  await runStage(services, payload, 'price', async (run, { extract, detect }) => {
    const knowledge = await services.runtime.knowledge(
      run.tenantId,
      new Date(extract.context.job.completedOn),
    );
    return { output: { lines: priceStage(extract.context, knowledge, detect.lines) } };
  });
}
