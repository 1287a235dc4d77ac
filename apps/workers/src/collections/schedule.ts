// Once a day per tenant with collections on, one collections.evaluate job (dunning steps and plan
// suggestions). Every worker process ticks; the job id carries the tenant and the day, so the
// day's evaluation is queued once however many processes tick and however often.
import type { Logger } from '@invoicer/platform';
import type { WorkerServices } from '../services.ts';

export async function enqueueEvaluations(
  services: Pick<WorkerServices, 'db' | 'queues' | 'runtime'>,
  now: Date = new Date(),
): Promise<number> {
  const tenants = await services.db.tenant.findMany({ select: { id: true } });
  const day = now.toISOString().slice(0, 10);
  let queued = 0;
  for (const { id } of tenants) {
    const settings = await services.runtime.settings(id);
    if (!settings.collections.enabled) continue;
    await services.queues.enqueue('collections.evaluate', { tenantId: id, day });
    queued += 1;
  }
  return queued;
}

export function startCollectionsSchedule(
  services: Pick<WorkerServices, 'db' | 'queues' | 'runtime'>,
  log: Logger,
  intervalMs: number,
): () => void {
  if (intervalMs <= 0) return () => {};
  const tick = () =>
    void enqueueEvaluations(services).catch((error: Error) =>
      log.warn({ err: error.message }, 'could not queue the collections evaluation'),
    );
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return () => clearInterval(timer);
}
