// Every interval, one accounting.reconcile job per connected tenant (the job id carries the time
// bucket, so several worker processes enqueue it once). That job refreshes the mirror, queues
// the cleared invoices to sync (invoices mode) and compares the books with ServiceTitan.
import type { Logger } from '@invoicer/platform';
import type { WorkerServices } from '../services.ts';

export async function enqueueReconciles(services: Pick<WorkerServices, 'db' | 'queues'>, intervalMs: number) {
  const tenants = await services.db.accountingConnection.findMany({
    where: { mode: { not: 'off' } },
    select: { tenantId: true },
  });
  const bucket = String(Math.floor(Date.now() / intervalMs));
  for (const { tenantId } of tenants)
    await services.queues.enqueue('accounting.reconcile', { tenantId, version: `t${bucket}` });
  return tenants.length;
}

export function startAccountingSchedule(
  services: Pick<WorkerServices, 'db' | 'queues'>,
  log: Logger,
  intervalMs: number,
): () => void {
  if (intervalMs <= 0) return () => {};
  const tick = () =>
    void enqueueReconciles(services, intervalMs).catch((error: Error) =>
      log.warn({ err: error.message }, 'could not queue the accounting reconcile'),
    );
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return () => clearInterval(timer);
}
