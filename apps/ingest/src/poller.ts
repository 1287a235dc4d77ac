// The export-feed poller: follows each tenant's jobs feed from its saved token and queues every
// completed job it has not seen (webhooks can be lost), and the payments feed for
// reconciliation. The token is saved only after a page's jobs are queued, so a crash repeats
// at most one page and repeats are harmless.
import type { Db } from '@invoicer/db';
import { getCursor, listTenants, setCursor } from '@invoicer/db';
import type { Logger, QueueSet } from '@invoicer/platform';
import { Job, Payment, parseStDate, type StClient } from '@invoicer/servicetitan';
import { queueCompletedJob } from './enqueue.ts';
import { startLoop } from './loop.ts';

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

/**
 * Poll every tenant with credentials on a schedule. A Postgres or Redis blip never stops it:
 * a poll that cannot read the tenants, or in which every tenant failed, is logged and retried
 * with backoff (see loop.ts); one tenant's failure is logged and the others are still polled.
 */
export function startPoller(
  db: Db,
  queues: QueueSet,
  clientFor: ClientFor,
  log: Logger,
  intervalMs: number,
  feeds: readonly ('jobs' | 'payments')[] = ['jobs', 'payments'],
): { stop(): Promise<void>; pollNow(): Promise<void> } {
  const pollAll = async (): Promise<{ tenants: number; failed: number; lastError: unknown }> => {
    let tenants = 0;
    let failed = 0;
    let lastError: unknown = null;
    for (const tenant of await listTenants(db)) {
      if (!tenant.credentialsSealed) continue;
      tenants += 1;
      try {
        await pollTenant(db, queues, clientFor, tenant.id, log, feeds);
      } catch (error) {
        failed += 1;
        lastError = error;
        log.error(
          { tenant: tenant.id, err: (error as Error).message },
          'poll failed; will retry next interval',
        );
      }
    }
    return { tenants, failed, lastError };
  };
  const loop = startLoop({
    name: 'poller',
    intervalMs,
    log,
    run: async (scheduled) => {
      const result = await pollAll();
      // Every tenant failing is an outage (Postgres, Redis, the network): back off.
      if (scheduled && result.tenants > 0 && result.failed === result.tenants)
        throw new Error(
          `every tenant's poll failed (last: ${result.lastError instanceof Error ? result.lastError.message : String(result.lastError)})`,
        );
    },
  });
  return {
    /** Poll now; throws only when the tenants cannot be read (one tenant's failure is logged). */
    pollNow: () => loop.runNow(),
    stop: () => loop.stop(),
  };
}
