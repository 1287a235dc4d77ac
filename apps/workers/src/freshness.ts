// Keep a tenant's cached catalogue, mirror and history fresh: at most one sync per tenant at a
// time across all workers (a Postgres advisory lock), and only when the last one is older than
// the refresh interval. Within a process, concurrent callers for a tenant share the sync in
// flight (one waiting transaction, not one per caller). Between these periodic syncs, a burst of
// completions is brought into the mirror by catch-up passes (sync/catch-up.ts).
import type { Db } from '@invoicer/db';
import { getCursor, setCursor } from '@invoicer/db';
import type { Logger } from '@invoicer/platform';
import type { TenantRuntime } from '@invoicer/tenant';
import { syncCatalog } from './sync/catalog.ts';
import { deriveHistory, syncMirror } from './sync/history.ts';

export function freshnessChecker(db: Db, runtime: TenantRuntime, log: Logger, refreshMs: number) {
  const lastChecked = new Map<string, number>();
  const inFlight = new Map<string, Promise<void>>();
  return function ensureFresh(tenantId: string): Promise<void> {
    if (Date.now() - (lastChecked.get(tenantId) ?? 0) < refreshMs) return Promise.resolve();
    const running = inFlight.get(tenantId);
    if (running) return running;
    const sync = syncOnce(tenantId).finally(() => inFlight.delete(tenantId));
    inFlight.set(tenantId, sync);
    return sync;
  };

  async function syncOnce(tenantId: string): Promise<void> {
    await db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`sync:${tenantId}`}))`;
        const last = await getCursor(db, tenantId, 'sync/last-run');
        if (last && Date.now() - Date.parse(last) < refreshMs) return;
        await syncTenant(db, runtime, log, tenantId);
        await setCursor(db, tenantId, 'sync/last-run', new Date().toISOString());
      },
      { timeout: 10 * 60_000, maxWait: 10 * 60_000 },
    );
    lastChecked.set(tenantId, Date.now());
  }
}

const ANALYZE_AFTER_JOBS = 200;
/** A young tenant's history is analyzed again whenever it has doubled (from this many jobs on). */
const ANALYZE_DOUBLING_FROM = 20;

/**
 * Jobs derived into a tenant's history tables since this process last analyzed them, and how
 * many there were then. Syncs between periodic refreshes add a few dozen jobs each: counted one
 * sync at a time, no single sync would ever reach the threshold, and the planner would keep
 * estimates from when the tables were nearly empty (it then ran the description trigram test
 * against every past description instead of through its index: 4x the time of the statement
 * that is most of Postgres's work per invoice).
 */
const historyGrowth = new Map<string, { pending: number; analyzed: number }>();

/** Whether the history tables should be analyzed after `derived` more jobs, and the count kept. */
export function shouldAnalyzeHistory(tenantId: string, derived: number): boolean {
  const growth = historyGrowth.get(tenantId) ?? { pending: 0, analyzed: 0 };
  growth.pending += derived;
  const due =
    growth.pending >= ANALYZE_AFTER_JOBS ||
    (growth.pending >= ANALYZE_DOUBLING_FROM && growth.pending >= growth.analyzed);
  if (due) {
    growth.analyzed += growth.pending;
    growth.pending = 0;
  }
  historyGrowth.set(tenantId, growth);
  return due;
}

export async function syncTenant(
  db: Db,
  runtime: TenantRuntime,
  log: Logger,
  tenantId: string,
): Promise<void> {
  const started = performance.now();
  const client = await runtime.client(tenantId);
  const catalog = await syncCatalog(client, db, tenantId, log);
  const mirror = await syncMirror(client, db, tenantId, { log });
  runtime.invalidateCatalog(tenantId);
  const knowledge = await runtime.catalog(tenantId);
  const settings = await runtime.settings(tenantId);
  const derived = await deriveHistory(db, tenantId, knowledge.vocabulary, settings, knowledge.byId);
  runtime.invalidateHistory(tenantId);
  // A first sync (or a large catch-up) changes the history tables' size by orders of magnitude;
  // without fresh statistics the planner picks scans that take seconds per retrieval query.
  if (shouldAnalyzeHistory(tenantId, derived))
    await db.$executeRawUnsafe('ANALYZE history_jobs, history_lines, history_descriptions, catalog_items');
  log.info(
    {
      tenant: tenantId,
      catalogRows: catalog.rows,
      mirror,
      derivedJobs: derived,
      ms: Math.round(performance.now() - started),
    },
    'tenant cache synced',
  );
}
