// What every stage handler gets: the database, the queues, the tenant runtime, a logger and
// metrics hooks, plus a freshness check that syncs a tenant's cache when it is stale.
import type { Db } from '@invoicer/db';
import type { Logger, QueueSet } from '@invoicer/platform';
import type { TenantRuntime } from '@invoicer/tenant';

export interface WorkerServices {
  db: Db;
  queues: QueueSet;
  runtime: TenantRuntime;
  log: Logger;
  /** Sync the tenant's catalogue, mirror and history if they are older than the refresh interval. */
  ensureFresh(tenantId: string): Promise<void>;
}
