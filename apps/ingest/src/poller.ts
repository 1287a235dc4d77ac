// The export-feed poller: follows each tenant's jobs feed from its saved token and queues every
// completed job it has not seen (webhooks can be lost), and the payments feed for
// reconciliation. The token is saved only after a page's jobs are queued, so a crash repeats
// at most one page and repeats are harmless.
import type { Db } from '@invoicer/db';
import { getCursor, listTenants, setCursor } from '@invoicer/db';
import type { Logger, QueueSet } from '@invoicer/platform';
import { Job, Payment, parseStDate, type StClient } from '@invoicer/servicetitan';
import { queueCompletedJob } from './enqueue.ts';

export type ClientFor = (tenantId: string) => Promise<StClient>;

export async function pollTenant(
  db: Db,
  queues: QueueSet,
  clientFor: ClientFor,
  tenantId: string,
  log: Logger,
  feeds: readonly ('jobs' | 'payments')[] = ['jobs', 'payments'],
): Promise<{ jobs: number; queued: number; payments: number }> {
  const client = await clientFor(tenantId);
  let jobs = 0;
  let queued = 0;
  const from = feeds.includes('jobs') ? await getCursor(db, tenantId, 'ingest/jobs') : undefined;
  for await (const page of feeds.includes('jobs') ? client.exportFeed('jpm', 'jobs', Job, from) : []) {
    for (const job of page.data) {
      jobs += 1;
      if (job.jobStatus !== 'Completed' || !job.completedOn || job.active === false) continue;
      const result = await queueCompletedJob(db, queues, {
        tenantId,
        stJobId: job.id,
        completedOn: parseStDate(job.completedOn),
        trigger: 'poll',
      });
      if (result.enqueued) queued += 1;
    }
    await setCursor(db, tenantId, 'ingest/jobs', page.continueFrom);
  }
  let payments = 0;
  const paymentsFrom = feeds.includes('payments')
    ? await getCursor(db, tenantId, 'ingest/payments')
    : undefined;
  for await (const page of feeds.includes('payments')
    ? client.exportFeed('accounting', 'payments', Payment, paymentsFrom)
    : []) {
    for (const payment of page.data) {
      if (payment.active === false) continue;
      await queues.enqueue('payment.reconcile', {
        tenantId,
        subject: 'st_payment',
        subjectId: String(payment.id),
        version: String(parseStDate(payment.modifiedOn)?.getTime() ?? 0),
      });
      payments += 1;
    }
    await setCursor(db, tenantId, 'ingest/payments', page.continueFrom);
  }
  if (queued || payments) log.info({ tenant: tenantId, jobs, queued, payments }, 'poll found work');
  return { jobs, queued, payments };
}

/**
 * Onboarding: move a tenant's feed cursors to the end of its feeds without queueing anything,
 * so its past jobs and payments are history (learned from), not new work.
 */
export async function startFeedsAtNow(db: Db, clientFor: ClientFor, tenantId: string): Promise<void> {
  const client = await clientFor(tenantId);
  for (const [name, module, resource, schema] of [
    ['ingest/jobs', 'jpm', 'jobs', Job],
    ['ingest/payments', 'accounting', 'payments', Payment],
  ] as const) {
    if (await getCursor(db, tenantId, name)) continue;
    let token: string | null = null;
    for await (const page of client.exportFeed(module, resource, schema, null)) token = page.continueFrom;
    if (token) await setCursor(db, tenantId, name, token);
  }
}

export function startPoller(
  db: Db,
  queues: QueueSet,
  clientFor: ClientFor,
  log: Logger,
  intervalMs: number,
  feeds: readonly ('jobs' | 'payments')[] = ['jobs', 'payments'],
): { stop(): Promise<void>; pollNow(): Promise<void> } {
  let running: Promise<void> | null = null;
  let stopped = false;
  const pollAll = async () => {
    for (const tenant of await listTenants(db)) {
      if (!tenant.credentialsSealed) continue;
      try {
        await pollTenant(db, queues, clientFor, tenant.id, log, feeds);
      } catch (error) {
        log.error(
          { tenant: tenant.id, err: (error as Error).message },
          'poll failed; will retry next interval',
        );
      }
    }
  };
  const tick = () => {
    if (stopped || running) return;
    running = pollAll().finally(() => {
      running = null;
    });
  };
  const timer = intervalMs > 0 ? setInterval(tick, intervalMs) : null;
  timer?.unref();
  return {
    async pollNow() {
      while (running) await running;
      running = pollAll().finally(() => {
        running = null;
      });
      await running;
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (running) await running;
    },
  };
}
