// The job's estimates, read through the mirror. Sales v2 exports estimates at
// /sales/v2/tenant/{t}/estimates/export (not /export/estimates like the other feeds), so this
// follows that feed itself into st_records ('sales/estimates', parent = jobId) from its saved
// token, one pass at a time per tenant (advisory lock), then reads the job's estimates: those
// on the job, the one it was created from, and those it lists.
import type { Db } from '@invoicer/db';
import {
  getCursor,
  markMirrorFeed,
  mirrorChildren,
  mirrorJobWithLinked,
  mirrorRecords,
  setCursor,
  upsertMirror,
} from '@invoicer/db';
import { Estimate, estimatesOfJob, soldSkuIdsAt } from '@invoicer/evidence';
import type { Logger } from '@invoicer/platform';
import { exportEnvelope, parseStDate, StApiError, type StClient } from '@invoicer/servicetitan';

export const ESTIMATES_FEED = 'sales/estimates';
const MAX_PAGES = 500;

/** Follow the estimates export to its end. Returns records read, or -1 when the API refuses it. */
export async function syncEstimates(
  client: StClient,
  db: Db,
  tenantId: string,
  log?: Logger,
): Promise<number> {
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`sync:${ESTIMATES_FEED}:${tenantId}`}))`;
      let token = await getCursor(db, tenantId, ESTIMATES_FEED);
      let n = 0;
      try {
        for (let page = 0; page < MAX_PAGES; page++) {
          const result = await client.http.request('GET', 'sales', '/estimates/export', {
            query: { from: token ?? undefined, includeRecentChanges: true },
            schema: exportEnvelope(Estimate),
          });
          await upsertMirror(
            db,
            tenantId,
            ESTIMATES_FEED,
            result.data.map((e) => ({
              stId: e.id,
              parentId: e.jobId ?? null,
              data: e,
              modifiedOn: e.modifiedOn ?? null,
            })),
          );
          n += result.data.length;
          const moved = result.continueFrom !== token;
          if (moved) await setCursor(db, tenantId, ESTIMATES_FEED, result.continueFrom);
          token = result.continueFrom;
          // A feed that says "more" without moving is left for the next pass (never loop on it).
          if (!result.hasMore || !moved) break;
        }
      } catch (error) {
        if (error instanceof StApiError && (error.status === 404 || error.status === 403) && n === 0) {
          await markMirrorFeed(db, tenantId, ESTIMATES_FEED, 'refused', null, error.message);
          log?.warn(
            { tenant: tenantId, status: error.status },
            'estimates feed refused; estimates not checked',
          );
          return -1;
        }
        throw error;
      }
      await markMirrorFeed(db, tenantId, ESTIMATES_FEED, 'caught-up', new Date());
      return n;
    },
    { timeout: 5 * 60_000, maxWait: 5 * 60_000 },
  );
}

/**
 * The job (its estimate links) and its readable estimates as the mirror holds them: estimates
 * whose job is this one, and those the job names. An unreadable estimate is skipped (and logged
 * when a logger is given).
 */
async function mirroredJobEstimates(db: Db, tenantId: string, jobId: number, log?: Logger) {
  // One statement: the job, the estimates under it and those it names.
  const { job, children, linked } = await mirrorJobWithLinked<{
    id: number;
    createdFromEstimateId?: number | null;
    estimateIds?: number[] | null;
  }>(db, tenantId, jobId, ESTIMATES_FEED);
  const rows = [...children, ...linked];
  const estimates = rows.flatMap((r) => {
    const parsed = Estimate.safeParse(r);
    if (!parsed.success) log?.warn({ tenant: tenantId, jobId }, 'a mirrored estimate is unreadable; skipped');
    return parsed.success ? [parsed.data] : [];
  });
  return { job, estimates };
}

/** The job's estimates from the mirror (after a sync); null when the tenant's API refuses them. */
export async function loadJobEstimates(
  client: StClient,
  db: Db,
  tenantId: string,
  jobId: number,
  log?: Logger,
): Promise<Estimate[] | null> {
  if ((await refreshEstimates(client, db, tenantId, log)) === 'refused') return null;
  const { job, estimates } = await mirroredJobEstimates(db, tenantId, jobId, log);
  return estimatesOfJob(job ?? { id: jobId }, estimates);
}

/**
 * SKUs on the job's sold estimates as the mirror has them (no ServiceTitan call: the evidence
 * stage keeps the feed current), for the history feature "was on a sold estimate".
 */
export async function mirroredSoldSkuIds(
  db: Db,
  tenantId: string,
  jobId: number,
  completedOn: Date,
): Promise<number[]> {
  const { job, estimates } = await mirroredJobEstimates(db, tenantId, jobId);
  return soldSkuIdsAt(job ?? { id: jobId }, estimates, completedOn);
}

/** The same for a batch of past jobs (history derivation): job id → sold SKUs, none when empty. */
export async function soldSkusOfJobs(
  db: Db,
  tenantId: string,
  jobs: {
    id: number;
    completedOn?: string | null;
    createdFromEstimateId?: number | null;
    estimateIds?: number[] | null;
  }[],
): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  const linked = jobs.flatMap((j) => [
    ...(j.estimateIds ?? []),
    ...(j.createdFromEstimateId ? [j.createdFromEstimateId] : []),
  ]);
  const rows = [
    ...(await mirrorChildren<unknown>(
      db,
      tenantId,
      ESTIMATES_FEED,
      jobs.map((j) => j.id),
    )),
    ...(await mirrorRecords<unknown>(db, tenantId, ESTIMATES_FEED, [...new Set(linked)])),
  ];
  if (!rows.length) return out;
  const estimates = rows.flatMap((r) => {
    const parsed = Estimate.safeParse(r);
    return parsed.success ? [parsed.data] : [];
  });
  for (const job of jobs) {
    const completed = parseStDate(job.completedOn ?? null);
    const skus = completed ? soldSkuIdsAt(job, estimates, completed) : [];
    if (skus.length) out.set(job.id, skus);
  }
  return out;
}

const lastSync = new WeakMap<Db, Map<string, { at: number; refused: boolean }>>();
const FRESH_MS = 30_000;
const REFUSED_RETRY_MS = 10 * 60_000;

export type EstimatesRefresh = 'synced' | 'recent' | 'refused' | 'failed';

/**
 * Bring the estimates mirror up to date at most every 30 s per tenant (per process), and not at
 * all for 10 min after the API refused it. Best effort: a failure is logged and reported, and the
 * caller goes on with what the mirror has (estimates are evidence, never a reason to stop billing).
 */
export async function refreshEstimates(
  client: StClient,
  db: Db,
  tenantId: string,
  log?: Logger,
): Promise<EstimatesRefresh> {
  let byTenant = lastSync.get(db);
  if (!byTenant) {
    byTenant = new Map();
    lastSync.set(db, byTenant);
  }
  const last = byTenant.get(tenantId);
  const now = Date.now();
  if (last && now - last.at < (last.refused ? REFUSED_RETRY_MS : FRESH_MS))
    return last.refused ? 'refused' : 'recent';
  try {
    const n = await syncEstimates(client, db, tenantId, log);
    byTenant.set(tenantId, { at: now, refused: n < 0 });
    return n < 0 ? 'refused' : 'synced';
  } catch (error) {
    log?.warn({ tenant: tenantId, err: (error as Error).message }, 'estimates not refreshed');
    return 'failed';
  }
}
