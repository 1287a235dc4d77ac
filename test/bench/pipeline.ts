// The product under load: a generated tenant served by the ServiceTitan simulator, ingest in
// this process, and the workers (`apps/workers/src/main.ts`) as a child process of their own so
// their memory can be read. After a warm-up (which also runs the tenant's first sync of price
// book, mirror and history), N held-back jobs complete at once (the burst); each sends its
// signed webhook and goes extract → detect → price → draft → route (→ post when auto-approved).
// Then M more complete one at a time at half the burst's throughput (the steady phase), so
// their latency is that of a system that is keeping up, not of a queue draining.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PolicySettings, RulePackSettings } from '@invoicer/core';
import { registerTenant } from '@invoicer/demo';
import { type IngestApp, IngestEnv, startIngestApp } from '@invoicer/ingest';
import { createLogger, loadConfig } from '@invoicer/platform';
import type { TenantFixture } from '@invoicer/servicetitan';
import { type RunningSim, startSim } from '@invoicer/st-sim';
import { generateTenant } from '@invoicer/st-sim/generator';
import pg from 'pg';
import { type Child, freePort, startChild, tail } from './child.ts';
import type { BenchInfra } from './infra.ts';
import { round, type Summary, summarize } from './stats.ts';

export const TENANT = 'bench';
const WEBHOOK_SECRET = 'bench-webhook-secret-0123456789abcdef';
const MOVING = ['queued', 'running', 'approved', 'posting'];
const STAGES = ['extract', 'detect', 'price', 'draft', 'route'] as const; // post keeps no stage output
/** The steady phase offers this share of the burst's throughput. */
export const STEADY_LOAD = 0.5;
/**
 * The generated shop's whole history spans one month (about 30 jobs a day), so the measured
 * jobs complete within a week or two, as a busy shop's would. Spread over the generator's
 * default twelve months, a burst would replay months of completions at once, and the workers'
 * per-day history model would be rebuilt over and over as jobs of different days interleave —
 * a cost of replaying the past (the backtest's business), not of jobs completing today.
 */
const TENANT_MONTHS = 1;

export interface PipelineOptions {
  infra: BenchInfra;
  jobs: number;
  /** Jobs of the steady phase (0 skips it). */
  steadyJobs: number;
  concurrency: number;
  /** Completed jobs before the measured ones (history the pipeline learns from). */
  history: number;
  warmup: number;
  seed: number;
  outDir: string;
  logLevel: string;
  /** Calls/s per tenant for the client limiter and the simulator; null = unlimited (default). */
  stRateLimit: number | null;
  /** Auto-approve regardless of confidence (autoApproveConfidence 0), so posting is measured too. */
  autoPost: boolean;
  onProgress?: (line: string) => void;
}

export interface SteadyResult {
  jobs: number;
  /** Offered load: jobs completed per second, one at a time. */
  ratePerSecond: number;
  latencyMs: Summary;
}

export interface PipelineResult {
  jobs: number;
  concurrency: number;
  historyJobs: number;
  tenantMonths: number;
  policy: 'demo' | 'auto-post';
  warmup: { jobs: number; seconds: number };
  /** Wall time from the burst to the last run routed, and to the last run settled. */
  routedSeconds: number;
  settledSeconds: number;
  invoicesPerSecond: number;
  invoicesPerSecondSettled: number;
  latencyMs: Summary;
  /** Part of the latency: completion event → run created and invoice.extract enqueued (ingest). */
  ingestLatencyMs: Summary;
  steady: SteadyResult | null;
  statuses: Record<string, number>;
  /** Why the burst's drafts went to review (an item can have several reasons). */
  reviewReasons: Record<string, number>;
  failedRuns: number;
  /** Compute time per stage (stage_outputs.duration_ms: the handler's work, not load/persist). */
  stageComputeMs: Record<string, Summary>;
  st: {
    calls: number;
    callsPerInvoice: number;
    readsPerInvoice: number;
    writesPerInvoice: number;
    /** Writes (PATCH/POST) per invoice posted, when any was. */
    writesPerPostedInvoice: number | null;
    peakCallsPerSecond: number;
    byEndpoint: Record<string, number>;
    byStatus: Record<string, number>;
    rateLimitPerSecond: number | null;
  };
  workerPeakRssMiB: number | null;
  workerSampledPeakRssMiB: number | null;
  workerLog: string;
  /** For the console phase, which runs on the same database and tenant. */
  businessUnitIds: number[];
  jobTypeIds: number[];
}

function completedCount(fixture: TenantFixture): number {
  return fixture['jpm/jobs'].filter((j) => j.jobStatus === 'Completed' && j.completedOn).length;
}

function makeFixture(completedNeeded: number, seed: number): TenantFixture {
  // About 95% of generated jobs are completed; grow until there are enough.
  let jobs = Math.ceil(completedNeeded / 0.9) + 20;
  for (;;) {
    const { fixture } = generateTenant({ jobs, seed, payments: false, months: TENANT_MONTHS });
    if (completedCount(fixture) >= completedNeeded) return fixture;
    jobs = Math.ceil(jobs * 1.2);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(
  probe: () => Promise<boolean>,
  what: string,
  timeoutMs: number,
  child?: Child,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (child && child.process.exitCode !== null)
      throw new Error(
        `the worker process exited (code ${child.process.exitCode}) while waiting for ${what}:\n${tail(child.logFile)}`,
      );
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

interface Progress {
  total: number;
  routed: number;
  failed: number;
  moving: number;
}

async function progress(pool: pg.Pool, jobIds: number[]): Promise<Progress> {
  const { rows } = await pool.query<Progress>(
    `SELECT count(*)::int AS total,
            count(so.run_id)::int AS routed,
            count(*) FILTER (WHERE r.status = 'failed')::int AS failed,
            count(*) FILTER (WHERE r.status = ANY($3::text[]))::int AS moving
       FROM pipeline_runs r
       LEFT JOIN stage_outputs so ON so.run_id = r.id AND so.stage = 'route'
      WHERE r.tenant_id = $1 AND r.st_job_id = ANY($2::bigint[])`,
    [TENANT, jobIds, MOVING],
  );
  return rows[0]!;
}

interface RunRow {
  stJobId: number;
  status: string;
  routed: Date | null;
  created: Date;
}

async function runRows(pool: pg.Pool, jobIds: number[]): Promise<RunRow[]> {
  const { rows } = await pool.query<RunRow>(
    `SELECT r.st_job_id::float8 AS "stJobId", r.status, so.created_at AS routed, r.created_at AS created
       FROM pipeline_runs r
       LEFT JOIN stage_outputs so ON so.run_id = r.id AND so.stage = 'route'
      WHERE r.tenant_id = $1 AND r.st_job_id = ANY($2::bigint[])`,
    [TENANT, jobIds],
  );
  return rows;
}

export interface PipelineSession {
  result: PipelineResult;
  sim: RunningSim;
  ingest: IngestApp;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function runPipeline(options: PipelineOptions): Promise<PipelineSession> {
  const { infra, jobs, warmup, steadyJobs } = options;
  const say = options.onProgress ?? (() => {});
  const fixture = makeFixture(options.history + warmup + jobs + steadyJobs, options.seed);
  const credentialsKey = randomBytes(32);
  const rateLimit = options.stRateLimit;
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: infra.databaseUrl,
    REDIS_URL: infra.redisUrl,
    QUEUE_PREFIX: infra.prefix,
    CREDENTIALS_KEY: credentialsKey.toString('base64'),
    LOG_LEVEL: options.logLevel,
    SHUTDOWN_TIMEOUT_MS: '10000',
    // The simulator stands in for ServiceTitan; its 60 calls/s cap is lifted unless asked for.
    ST_RATE_LIMIT_PER_SECOND: String(rateLimit ?? 10_000),
    // The first sync happens in the warm-up; no periodic resync during the measurement.
    SYNC_INTERVAL_MS: String(24 * 3600_000),
    POLL_INTERVAL_MS: '0',
  };
  const log = createLogger({ name: 'bench', level: 'error' });
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
    cleanups.length = 0;
  };
  try {
    const ingest = await startIngestApp(
      loadConfig(IngestEnv, { ...env, INGEST_PORT: '0', WEBHOOK_SECRET }),
      log.child({ app: 'ingest' }),
    );
    cleanups.push(() => ingest.close());
    const sim = await startSim({
      fixture,
      port: 0,
      replay: true,
      replayLast: warmup + jobs + steadyJobs,
      webhook: {
        url: `${ingest.url}/webhooks/servicetitan`,
        secret: WEBHOOK_SECRET,
        retryDelaysMs: [500, 1000, 2000, 5000],
      },
      faults: { rateLimitPerSecond: rateLimit },
    });
    cleanups.push(() => sim.close());
    await registerTenant(ingest.db, {
      id: TENANT,
      stTenantId: sim.tenantId,
      name: sim.tenant.meta.name,
      apiBaseUrl: sim.url,
      authUrl: `${sim.url}/connect/token`,
      credentials: sim.credentials,
      credentialsKey,
      // The demo's policy: auto-post what is safe, review the rest (and property managers).
      // --auto-post drops the confidence bar; amount limits and validation flags still apply.
      settings: {
        policy: PolicySettings.parse(
          options.autoPost
            ? { mode: 'auto', autoApproveConfidence: 0 }
            : { mode: 'auto', alwaysReviewCustomerTagIds: [581] },
        ),
        rules: RulePackSettings.parse({ afterHours: { timezone: fixture.meta.timezone } }),
      },
    });
    await ingest.startFeedsAtNow(TENANT);

    const port = await freePort();
    const workerLog = path.join(options.outDir, 'workers.log');
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      ...env,
      WORKER_CONCURRENCY: String(options.concurrency),
      WORKER_HTTP_PORT: String(port),
    };
    delete childEnv.WORKER_QUEUES; // every stage in this one process
    const child = startChild('apps/workers/src/main.ts', childEnv, workerLog);
    cleanups.push(() => child.stop());
    await waitUntil(
      async () => {
        try {
          return (await fetch(`http://127.0.0.1:${port}/readyz`)).ok;
        } catch {
          return false;
        }
      },
      'the worker process to be ready',
      60_000,
      child,
      200,
    );

    const pool = new pg.Pool({ connectionString: infra.databaseUrl, max: 2 });
    pool.on('error', () => {}); // an idle connection cut by the final DROP DATABASE
    cleanups.push(() => pool.end());
    const settle = (ids: number[], what: string, onTick?: (p: Progress) => void) =>
      waitUntil(
        async () => {
          const p = await progress(pool, ids);
          onTick?.(p);
          return p.total >= ids.length && p.moving === 0;
        },
        what,
        20 * 60_000,
        child,
        50,
      );

    // Warm-up: the first job triggers the tenant's initial sync (price book, mirror, history).
    // Then planner statistics as autovacuum keeps them in a running system (the sync has just
    // filled the tables of a fresh database), and a few more jobs to warm the JIT and caches.
    say(`  warm-up: ${warmup} job(s), including the tenant's first sync…`);
    const warmStarted = Date.now();
    await settle(sim.play(1), 'the first job (initial sync)');
    await pool.query('ANALYZE');
    if (warmup > 1) await settle(sim.play(warmup - 1), 'the warm-up jobs');
    const warmSeconds = (Date.now() - warmStarted) / 1000;

    // The burst: N jobs complete at the same instant.
    sim.stats.reset();
    say(`  burst: ${jobs} jobs completing at once…`);
    const t0 = Date.now();
    const jobIds = sim.play(jobs);
    if (jobIds.length < jobs) throw new Error(`the simulator held back only ${jobIds.length} jobs`);
    let lastReport = Date.now();
    await settle(jobIds, `${jobs} runs to settle`, (p) => {
      if (Date.now() - lastReport > 5000) {
        say(`  … ${p.routed}/${jobs} routed`);
        lastReport = Date.now();
      }
    });
    const settledAt = Date.now();
    const stats = sim.stats.snapshot();
    const rows = await runRows(pool, jobIds);
    const routed = rows.filter((r) => r.routed).map((r) => r.routed!.getTime());
    const routedSeconds = ((routed.length ? Math.max(...routed) : settledAt) - t0) / 1000;
    const settledSeconds = (settledAt - t0) / 1000;
    const invoicesPerSecond = round(routed.length / routedSeconds);

    // The steady phase: one job at a time at half the burst's throughput.
    let steady: SteadyResult | null = null;
    if (steadyJobs > 0) {
      const rate = Math.max(0.1, round(invoicesPerSecond * STEADY_LOAD));
      say(`  steady: ${steadyJobs} jobs, one every ${Math.round(1000 / rate)} ms…`);
      const playedAt = new Map<number, number>();
      const start = Date.now();
      for (let i = 0; i < steadyJobs; i++) {
        await sleep(start + (i * 1000) / rate - Date.now());
        for (const id of sim.play(1)) playedAt.set(id, Date.now());
      }
      const ids = [...playedAt.keys()];
      await settle(ids, `${ids.length} steady-phase runs to settle`);
      const steadyRows = await runRows(pool, ids);
      steady = {
        jobs: ids.length,
        ratePerSecond: rate,
        latencyMs: summarize(
          steadyRows.filter((r) => r.routed).map((r) => r.routed!.getTime() - playedAt.get(r.stJobId)!),
        ),
      };
    }
    const workerPeakRssMiB = child.peakRssMiB();
    await child.stop();
    const workerSampledPeakRssMiB = child.sampledPeakRssMiB();

    const statuses: Record<string, number> = {};
    for (const r of rows) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    const durations = await pool.query<{ stage: string; ms: number }>(
      `SELECT so.stage, so.duration_ms AS ms FROM stage_outputs so JOIN pipeline_runs r ON r.id = so.run_id
        WHERE r.tenant_id = $1 AND r.st_job_id = ANY($2::bigint[])`,
      [TENANT, jobIds],
    );
    const reasons = await pool.query<{ reason: string; n: number }>(
      `SELECT reason, count(*)::int AS n
         FROM review_items i JOIN pipeline_runs r ON r.id = i.run_id CROSS JOIN LATERAL unnest(i.reasons) AS reason
        WHERE r.tenant_id = $1 AND r.st_job_id = ANY($2::bigint[])
        GROUP BY reason ORDER BY n DESC, reason`,
      [TENANT, jobIds],
    );
    const stageComputeMs: Record<string, Summary> = {};
    for (const stage of STAGES)
      stageComputeMs[stage] = summarize(durations.rows.filter((d) => d.stage === stage).map((d) => d.ms));

    const byEndpoint = stats.byEndpoint as Record<string, number>;
    const writes = Object.entries(byEndpoint)
      .filter(([endpoint]) => !endpoint.startsWith('GET '))
      .reduce((s, [, n]) => s + n, 0);
    const result: PipelineResult = {
      jobs,
      concurrency: options.concurrency,
      historyJobs: completedCount(fixture) - warmup - jobs - steadyJobs,
      tenantMonths: TENANT_MONTHS,
      policy: options.autoPost ? 'auto-post' : 'demo',
      warmup: { jobs: warmup, seconds: round(warmSeconds, 1) },
      routedSeconds: round(routedSeconds, 2),
      settledSeconds: round(settledSeconds, 2),
      invoicesPerSecond,
      invoicesPerSecondSettled: round(jobs / settledSeconds),
      latencyMs: summarize(routed.map((t) => t - t0)),
      ingestLatencyMs: summarize(rows.map((r) => r.created.getTime() - t0)),
      steady,
      statuses,
      reviewReasons: Object.fromEntries(reasons.rows.map((r) => [r.reason, r.n])),
      failedRuns: statuses.failed ?? 0,
      stageComputeMs,
      st: {
        calls: stats.total,
        callsPerInvoice: round(stats.total / jobs),
        readsPerInvoice: round((stats.total - writes) / jobs),
        writesPerInvoice: round(writes / jobs),
        writesPerPostedInvoice: statuses.posted ? round(writes / statuses.posted) : null,
        peakCallsPerSecond: stats.peakPerSecond,
        byEndpoint,
        byStatus: stats.byStatus as Record<string, number>,
        rateLimitPerSecond: rateLimit,
      },
      workerPeakRssMiB,
      workerSampledPeakRssMiB,
      workerLog,
      businessUnitIds: fixture['settings/business-units'].map((b) => b.id),
      jobTypeIds: fixture['jpm/job-types'].map((t) => t.id),
    };
    return { result, sim, ingest, env, close };
  } catch (error) {
    await close();
    throw error;
  }
}
