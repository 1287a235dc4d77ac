// Hand-overs around the PDF stage, read from the queue catalogue: after a verified post, the
// post queue's `next` (invoice.pdf) when the tenant's documents are enabled; after the PDF is
// stored and attached, the PDF queue's `next` (delivery, when the catalogue names one). Both
// enqueue with deterministic job ids, so a retried post or PDF job enqueues nothing new.
import { type PayloadOf, QUEUE_CATALOG, type QueueName } from '@invoicer/core';
import type { WorkerServices } from '../services.ts';

/** Whether the run is posted at this revision: what every step after posting waits for. */
export async function isPosted(
  services: Pick<WorkerServices, 'db'>,
  payload: PayloadOf<'invoice.post'>,
): Promise<boolean> {
  const run = await services.db.pipelineRun.findUnique({
    where: { id: payload.runId },
    select: { tenantId: true, status: true, draftRevision: true },
  });
  return (
    run !== null &&
    run.tenantId === payload.tenantId &&
    run.status === 'posted' &&
    run.draftRevision === payload.revision
  );
}

/**
 * Called after an invoice.post job left the run posted at this revision (isPosted): the run
 * moves on to its PDF, or straight to delivery when the tenant makes no PDFs.
 */
export async function handOverAfterPost(
  services: Pick<WorkerServices, 'queues' | 'runtime'>,
  payload: PayloadOf<'invoice.post'>,
): Promise<boolean> {
  const next: QueueName | null = QUEUE_CATALOG['invoice.post'].next;
  if (!next) return false;
  const settings = await services.runtime.settings(payload.tenantId);
  if (next === 'invoice.pdf' && !settings.documents.enabled) {
    // No PDF for this tenant: delivery (the PDF's own next step) follows the post directly.
    const after = QUEUE_CATALOG['invoice.pdf'].next;
    if (after !== 'invoice.deliver' || !settings.delivery.enabled) return false;
    await services.queues.enqueue(after, {
      tenantId: payload.tenantId,
      runId: payload.runId,
      revision: payload.revision,
    });
    return true;
  }
  await services.queues.enqueue(next, {
    tenantId: payload.tenantId,
    runId: payload.runId,
    revision: payload.revision,
  } as never);
  return true;
}

/** Called when a PDF is stored (and attached): the catalogue's next step, if it names one. */
export async function handOverAfterPdf(
  services: Pick<WorkerServices, 'queues'>,
  payload: PayloadOf<'invoice.pdf'>,
): Promise<QueueName | null> {
  const next: QueueName | null = QUEUE_CATALOG['invoice.pdf'].next;
  if (!next) return null;
  await services.queues.enqueue(next, {
    tenantId: payload.tenantId,
    runId: payload.runId,
    revision: payload.revision,
  } as never);
  return next;
}
