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
  // A first sync (or a large catch-up) changes the history tables' size by orders of magnitude;
  // without fresh statistics the planner picks scans that take seconds per retrieval query.
  if (derived >= ANALYZE_AFTER_JOBS)
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
