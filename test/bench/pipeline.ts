// The product under load: a generated tenant served by the ServiceTitan simulator, ingest in
// this process, and the workers (`apps/workers/src/main.ts`) as a child process of their own so
// their memory can be read. After a warm-up (which also runs the tenant's first sync of price
// book, mirror and history), N held-back jobs complete at once (the burst); each sends its
// signed webhook and goes extract → detect → price → draft → route (→ post when auto-approved).
// Then M more complete one at a time at half the burst's throughput (the steady phase), so
// their latency is that of a system that is keeping up, not of a queue draining.
// Over the burst the meter (meter.ts) reads what each invoice costs: CPU of the workers and of
// Postgres, SQL statements, Redis commands. With a scale-out phase, more worker processes are
// started next to the first, a few warm-up jobs run, and a second burst of N is measured the same
// way. Last, the pure billing functions are re-run in this process on the burst's saved inputs
// (billing.ts), so the cost of the plumbing can be read against the billing itself.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PIPELINE_STAGES, PolicySettings, RulePackSettings } from '@invoicer/core';
import { registerTenant } from '@invoicer/demo';
import { type IngestApp, IngestEnv, startIngestApp } from '@invoicer/ingest';
import { createLogger, loadConfig } from '@invoicer/platform';
import type { TenantFixture } from '@invoicer/servicetitan';
import { type RunningSim, startSim } from '@invoicer/st-sim';
import { generateTenant } from '@invoicer/st-sim/generator';
import pg from 'pg';
import { scriptNodeFlags } from '../support/node-flags.ts';
import { measurePureBilling, type PureBillingResult } from './billing.ts';
import { type Child, freePort, startChild, tail } from './child.ts';
import { excludeFromCounts } from './counters.ts';
import type { BenchInfra } from './infra.ts';
import { type BurstCost, BurstMeter } from './meter.ts';
import { ratio, round, type Summary, summarize } from './stats.ts';

export const TENANT = 'bench';
const WEBHOOK_SECRET = 'bench-webhook-secret-0123456789abcdef';
const MOVING = ['queued', 'running', 'approved', 'posting'];
const STAGES = PIPELINE_STAGES; // the chain up to a routed draft (post keeps no stage output)
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
  /** Worker processes (each runs every stage) for the burst and steady phases. */
  workers: number;
  /** Worker processes for the scale-out burst (0: no scale-out phase); more than `workers`. */
  scaleOutWorkers: number;
  /** Re-run the pure billing functions on the burst's saved inputs (default true). */
  pureBilling?: boolean;
  onProgress?: (line: string) => void;
}

export interface SteadyResult {
  jobs: number;
  /** Offered load: jobs completed per second, one at a time. */
  ratePerSecond: number;
  latencyMs: Summary;
}

/** What the burst cost per invoice, with the ServiceTitan calls from the simulator's counter. */
export type BurstCostWithSt = BurstCost & {
  perInvoice: BurstCost['perInvoice'] & { stReads: number; stWrites: number };
};

export interface ScaleOutResult {
  /** Worker processes in the first burst and in this one. */
  workersBefore: number;
  workers: number;
  jobs: number;
  warmupJobs: number;
  routedSeconds: number;
  settledSeconds: number;
  invoicesPerSecond: number;
  latencyMs: Summary;
  failedRuns: number;
  cost: BurstCostWithSt;
  /** This burst's throughput / the first burst's. */
  throughputRatio: number | null;
  /** throughputRatio / (workers / workersBefore): 1 is linear scaling. */
  efficiency: number | null;
}

export interface PipelineResult {
  jobs: number;
  concurrency: number;
  /** Worker processes during the burst and steady phases. */
  workers: number;
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
  /** What the burst cost per invoice (meter.ts): CPU, SQL statements, Redis commands, ST calls. */
  cost: BurstCostWithSt;
  /** The pure billing functions re-run on the burst's saved inputs (billing.ts); null if skipped. */
  pureBilling: PureBillingResult | null;
  /** The same burst size with more worker processes; null when not asked for. */
  scaleOut: ScaleOutResult | null;
  /** Peak RSS of the (largest) worker process after the burst and steady phases. */
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
  children: Child[] = [],
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    for (const child of children)
      if (child.process.exitCode !== null)
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
  const scaleOut = options.scaleOutWorkers > options.workers;
  const scaleOutWarmup = warmup * options.scaleOutWorkers;
  const scaleOutJobs = scaleOut ? scaleOutWarmup + jobs : 0;
  const fixture = makeFixture(options.history + warmup + jobs + steadyJobs + scaleOutJobs, options.seed);
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
      replayLast: warmup + jobs + steadyJobs + scaleOutJobs,
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

    const workerLog = path.join(options.outDir, 'workers.log');
    const children: Child[] = [];
    // Each worker process runs every stage (no WORKER_QUEUES) with the same per-queue concurrency.
    const startWorkers = async (count: number) => {
      const started: { child: Child; port: number }[] = [];
      for (let i = 0; i < count; i++) {
        const n = children.length + 1;
        const port = await freePort();
        const childEnv: NodeJS.ProcessEnv = {
          ...process.env,
          ...env,
          WORKER_CONCURRENCY: String(options.concurrency),
          WORKER_HTTP_PORT: String(port),
        };
        delete childEnv.WORKER_QUEUES; // every stage in each process
        const logFile = n === 1 ? workerLog : path.join(options.outDir, `workers-${n}.log`);
        // With the node flags `npm run workers:built` gives them: the workers as shipped.
        const child = startChild('apps/workers/src/main.ts', childEnv, logFile, {
          probe: true,
          nodeFlags: scriptNodeFlags('workers:built'),
        });
        children.push(child);
        cleanups.push(() => child.stop());
        started.push({ child, port });
      }
      for (const { port } of started)
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
          children,
          200,
        );
    };
    await startWorkers(options.workers);

    // The bench's own monitoring connection: its statements are not counted, and its backend's
    // CPU is left out of Postgres's.
    const monitorBackends = new Set<number>();
    const pool = new pg.Pool({ connectionString: infra.databaseUrl, max: 2, idleTimeoutMillis: 0 });
    pool.on('error', () => {}); // an idle connection cut by the final DROP DATABASE
    pool.on('connect', (client) => {
      excludeFromCounts(client);
      const pid = (client as unknown as { processID: number | null }).processID; // from BackendKeyData
      if (pid !== null) monitorBackends.add(pid);
    });
    cleanups.push(() => pool.end());
    const meter = new BurstMeter({
      redisUrl: infra.redisUrl,
      databaseName: infra.databaseName,
      monitorBackends: () => monitorBackends,
    });
    cleanups.push(async () => meter.close());
    const settle = (ids: number[], what: string, onTick?: (p: Progress) => void) =>
      waitUntil(
        async () => {
          const p = await progress(pool, ids);
          onTick?.(p);
          return p.total >= ids.length && p.moving === 0;
        },
        what,
        20 * 60_000,
        children,
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

    // A burst: N jobs complete at the same instant; the meter reads the counters around it.
    const burst = async (label: string) => {
      sim.stats.reset();
      await meter.start(children);
      say(`  ${label}: ${jobs} jobs completing at once…`);
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
      const measured = await meter.stop(jobs);
      const stats = sim.stats.snapshot();
      const rows = await runRows(pool, jobIds);
      const routed = rows.filter((r) => r.routed).map((r) => r.routed!.getTime());
      const routedSeconds = ((routed.length ? Math.max(...routed) : settledAt) - t0) / 1000;
      const byEndpoint = stats.byEndpoint as Record<string, number>;
      const writes = Object.entries(byEndpoint)
        .filter(([endpoint]) => !endpoint.startsWith('GET '))
        .reduce((s, [, n]) => s + n, 0);
      const cost: BurstCostWithSt = {
        ...measured,
        perInvoice: {
          ...measured.perInvoice,
          stReads: round((stats.total - writes) / jobs),
          stWrites: round(writes / jobs),
        },
      };
      return {
        t0,
        jobIds,
        rows,
        routed,
        stats,
        byEndpoint,
        writes,
        cost,
        routedSeconds,
        settledSeconds: (settledAt - t0) / 1000,
        invoicesPerSecond: round(routed.length / routedSeconds),
      };
    };

    const main = await burst('burst');
    const { t0, jobIds, rows, routed, stats, byEndpoint, writes, routedSeconds, settledSeconds } = main;
    const invoicesPerSecond = main.invoicesPerSecond;

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
    const rss = (values: (number | null)[]) =>
      values.some((v) => v !== null) ? Math.max(...values.filter((v): v is number => v !== null)) : null;
    const workerPeakRssMiB = rss(children.map((c) => c.peakRssMiB()));
    const workerSampledPeakRssMiB = rss(children.map((c) => c.sampledPeakRssMiB()));

    // Scale-out: more worker processes next to the running ones (those stay warm), warm-up jobs
    // (as many per process as before) so the new ones load their caches, then the same burst.
    let scaleOutResult: ScaleOutResult | null = null;
    if (scaleOut) {
      const before = children.length;
      say(`  scale-out: starting ${options.scaleOutWorkers - before} more worker process(es)…`);
      await startWorkers(options.scaleOutWorkers - before);
      await settle(sim.play(scaleOutWarmup), 'the scale-out warm-up jobs');
      const second = await burst(`scale-out burst (${children.length} worker processes)`);
      const statusesOut: Record<string, number> = {};
      for (const r of second.rows) statusesOut[r.status] = (statusesOut[r.status] ?? 0) + 1;
      const throughputRatio = ratio(second.invoicesPerSecond, invoicesPerSecond);
      scaleOutResult = {
        workersBefore: before,
        workers: children.length,
        jobs,
        warmupJobs: scaleOutWarmup,
        routedSeconds: round(second.routedSeconds, 2),
        settledSeconds: round(second.settledSeconds, 2),
        invoicesPerSecond: second.invoicesPerSecond,
        latencyMs: summarize(second.routed.map((t) => t - second.t0)),
        failedRuns: statusesOut.failed ?? 0,
        cost: second.cost,
        throughputRatio,
        efficiency: throughputRatio === null ? null : round(throughputRatio / (children.length / before), 3),
      };
    }
    for (const child of children) await child.stop();

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

    let pureBilling: PureBillingResult | null = null;
    if (options.pureBilling !== false) {
      say(`  pure billing: re-running the billing functions on the burst's ${jobs} saved inputs…`);
      pureBilling = await measurePureBilling({
        databaseUrl: infra.databaseUrl,
        redisUrl: infra.redisUrl,
        tenantId: TENANT,
        prefix: infra.prefix,
        credentialsKey,
        stJobIds: jobIds,
      });
    }

    const result: PipelineResult = {
      jobs,
      concurrency: options.concurrency,
      workers: options.workers,
      historyJobs: completedCount(fixture) - warmup - jobs - steadyJobs - scaleOutJobs,
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
      cost: main.cost,
      pureBilling,
      scaleOut: scaleOutResult,
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
