// One chaos run: its own Postgres cluster and Redis, a generated shop served by the simulator
// (in this process, so its store can be read directly), ingest and the workers as supervised
// child processes with auto-posting on. After a warm-up (the tenant's first sync), an optional
// fault-free baseline plays N jobs; then N more jobs complete at the same rate while the
// injector attacks the cluster. Faults go on while the jobs complete and stop once most runs
// have settled or a short tail after the last job; the suite waits for the rest (running
// `runs:resume` once if the drain lags), then checks the invariants (invariants.ts) and tears
// everything down.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { jobIdFor, PolicySettings, type QueueName, RulePackSettings } from '@invoicer/core';
import { createDb, verifyAuditChain } from '@invoicer/db';
import { IngestEnv, startIngestApp } from '@invoicer/ingest';
import { pendingStep } from '@invoicer/pipeline';
import { createLogger, createProducerConnection, loadConfig, QueueSet } from '@invoicer/platform';
import type { TenantFixture } from '@invoicer/servicetitan';
import { type RunningSim, startSim } from '@invoicer/st-sim';
import { generateTenant } from '@invoicer/st-sim/generator';
import { registerTenant } from '@invoicer/tenant';
import pg from 'pg';
import { type FaultEvent, FaultInjector, type FaultKind } from './faults.ts';
import { ChaosPostgres, ChaosRedis } from './infra.ts';
import { checkInvariants, type Invariants, type StuckRun, snapshotInvoices } from './invariants.ts';
import { type Proc, type ProcExit, ROOT, Supervisor } from './procs.ts';
import { Rng } from './rng.ts';

export const TENANT = 'chaos';
const WEBHOOK_SECRET = 'chaos-webhook-secret-0123456789abcdef';
const DATABASE = 'invoicer_chaos';
const QUEUE_PREFIX = 'chaos';
/** The target: drained within this many times the fault-free time. */
export const DRAIN_TARGET_RATIO = 2;

export interface ChaosOptions {
  /** Jobs completing under faults (and in the baseline). */
  jobs: number;
  seed: number;
  faultsEveryMs: number;
  /** Run the same number of jobs without faults first, for the drain-time ratio. */
  baseline: boolean;
  /** Jobs completing per second in ServiceTitan (webhook + feed), in both phases. */
  ratePerSecond: number;
  workers: number;
  concurrency: number;
  /** Completed jobs before the played ones (history the pipeline learns from). */
  history: number;
  warmup: number;
  pgOutageMs: number;
  pgMinGapMs: number;
  maxWorkerPauseMs: number;
  /** Share of writes failing after commit between `st.after_commit` faults and through the drain. */
  afterCommitBackgroundRate: number;
  /**
   * Faults go on while jobs complete, then stop when this share of the runs has settled or
   * `faultTailMs` after the last job completed, whichever comes first.
   */
  faultsUntil: number;
  faultTailMs: number;
  /** Faults do not stop (before `maxFaultMs`) until this many were dealt: a short run sees every kind. */
  minFaults: number;
  /** Faults stop after this long in any case. */
  maxFaultMs: number;
  /** How long to wait for the drain once the faults stopped. */
  drainTimeoutMs: number;
  /**
   * Run `runs:resume` once when the drain is not over this long after the faults stopped, or
   * when no run settled for `stallMs` (what an operator does after an incident).
   */
  resumeAfterMs: number;
  stallMs: number;
  /** Never run `runs:resume`: the sweeper alone must drain the cluster. */
  sweeperOnly: boolean;
  sweepIntervalMs: number;
  sweepMaxRedrives: number;
  autoApproveConfidence: number;
  pgPort: number;
  redisPort: number;
  clusterName: string;
  /** Leave the chaos Postgres cluster running at the end (Redis is always stopped). */
  keep: boolean;
  outDir: string;
  logLevel: string;
  kinds?: readonly FaultKind[];
  say?: (line: string) => void;
  signal?: AbortSignal;
}

export const DEFAULT_OPTIONS: ChaosOptions = {
  jobs: 2000,
  seed: 1,
  faultsEveryMs: 4000,
  baseline: false,
  ratePerSecond: 10,
  workers: 2,
  concurrency: 4,
  history: 300,
  warmup: 3,
  pgOutageMs: 30_000,
  pgMinGapMs: 120_000,
  maxWorkerPauseMs: 40_000,
  afterCommitBackgroundRate: 0.05,
  faultsUntil: 0.9,
  faultTailMs: 30_000,
  minFaults: 0,
  maxFaultMs: 30 * 60_000,
  drainTimeoutMs: 15 * 60_000,
  resumeAfterMs: 60_000,
  stallMs: 20_000,
  sweeperOnly: false,
  sweepIntervalMs: 5000,
  sweepMaxRedrives: 3,
  autoApproveConfidence: 0,
  // Below Linux's ephemeral range (32768–60999): a port in it can be taken at any moment by a
  // client socket of a test running beside the suite, and Postgres, restarted mid-run, could not
  // listen again (seen in CI).
  pgPort: 25432,
  redisPort: 26379,
  clusterName: 'chaos',
  keep: false,
  outDir: path.join(ROOT, '.data/chaos'),
  logLevel: 'warn',
};

/** `--short`: a few hundred jobs and a handful of faults, for CI (about 3 minutes on 2 cores). */
export const SHORT_OPTIONS: Partial<ChaosOptions> = {
  jobs: 200,
  faultsEveryMs: 3500,
  ratePerSecond: 8,
  history: 200,
  pgOutageMs: 12_000,
  maxWorkerPauseMs: 35_000,
  faultTailMs: 15_000,
  minFaults: 12,
  maxFaultMs: 70_000,
  drainTimeoutMs: 150_000,
  resumeAfterMs: 20_000,
  stallMs: 10_000,
};

export interface PhaseResult {
  label: string;
  jobs: number;
  /** From the first job completed to the last run settled (null: not within the timeout). */
  drainMs: number | null;
  /** From the first job to the faults' end (chaos phase). */
  faultWindowMs: number | null;
  /** From the faults' end to the last run settled. */
  afterFaultsMs: number | null;
  settled: number;
  /**
   * `runs:resume`, when it ran: when, what it printed, and the state of the BullMQ job every
   * active run was waiting on just before (missing = lost with Redis, failed = failed for good).
   */
  resume: {
    atMs: number;
    output: string;
    jobStatesBefore: Record<string, number>;
    /** A few run ids per state, to look into. */
    samples: Record<string, string[]>;
  } | null;
}

export interface ChaosReport {
  options: Omit<ChaosOptions, 'say' | 'signal'>;
  startedAt: string;
  finishedAt: string;
  warmupSeconds: number;
  baseline: PhaseResult | null;
  chaos: PhaseResult;
  /** chaos drain / baseline drain. */
  drainRatio: number | null;
  faults: { count: number; byKind: Record<string, number>; events: FaultEvent[] };
  afterCommit: unknown;
  simCalls: { total: number; byStatus: Record<string, number> };
  invariants: Invariants;
  processes: {
    deaths: ProcExit[];
    killedBySuite: number;
    refusedBoot: number;
    starts: Record<string, number>;
  };
  auditChain: { ok: boolean; events: number; problem?: string };
  failures: string[];
  pass: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function completedCount(fixture: TenantFixture): number {
  return fixture['jpm/jobs'].filter((j) => j.jobStatus === 'Completed' && j.completedOn).length;
}

/** A one-month shop with at least `completedNeeded` completed jobs (as the bench builds its own). */
function makeFixture(completedNeeded: number, seed: number): TenantFixture {
  let jobs = Math.ceil(completedNeeded / 0.9) + 20;
  for (;;) {
    const { fixture } = generateTenant({ jobs, seed, payments: false, months: 1 });
    if (completedCount(fixture) >= completedNeeded) return fixture;
    jobs = Math.ceil(jobs * 1.2);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface Progress {
  runs: number;
  final: number;
  review: number;
  settled: number;
}

async function progress(pool: pg.Pool, jobIds: number[]): Promise<Progress | null> {
  try {
    const { rows } = await pool.query<Progress>(
      `SELECT count(*)::int AS runs,
              count(*) FILTER (WHERE r.status IN ('posted','rejected','shadow'))::int AS final,
              count(*) FILTER (WHERE r.status IN ('awaiting_review','failed') AND EXISTS (
                SELECT 1 FROM review_items i WHERE i.run_id = r.id AND i.status = 'open'))::int AS review
         FROM pipeline_runs r WHERE r.tenant_id = $1 AND r.st_job_id = ANY($2::bigint[])`,
      [TENANT, jobIds],
    );
    const p = rows[0]!;
    return { ...p, settled: p.final + p.review };
  } catch {
    return null; // Postgres is down (a fault): try again next tick
  }
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new Error('interrupted');
}

/** `npm run runs:resume` against the chaos cluster. */
async function runResume(env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/ingest/src/cli/resume-runs.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      out += String(d);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(`${out.trim()} (exit ${code})`);
    });
  });
}

/** How many active runs wait on a job in each BullMQ state (by queue), e.g. `invoice.extract:missing`. */
async function activeJobStates(
  pool: pg.Pool,
  redisUrl: string,
  samples: Record<string, string[]> = {},
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const connection = createProducerConnection(redisUrl);
  const queues = new QueueSet(connection, QUEUE_PREFIX);
  try {
    const { rows } = await pool.query<{
      id: string;
      status: string;
      stage: string;
      draft_revision: number;
      redrives: number;
      updated_at: Date;
    }>(
      `SELECT id, status, stage, draft_revision, redrives, updated_at FROM pipeline_runs
        WHERE tenant_id = $1 AND status IN ('queued', 'running', 'approved', 'posting')`,
      [TENANT],
    );
    for (const r of rows) {
      const step = pendingStep({
        id: r.id,
        tenantId: TENANT,
        status: r.status,
        stage: r.stage,
        draftRevision: r.draft_revision,
        redrives: r.redrives,
        updatedAt: r.updated_at,
      });
      const job = await queues
        .get(step.queue as QueueName)
        .getJob(jobIdFor(step.queue, step.payload as never));
      const state = job ? await job.getState() : 'missing';
      // The runs were listed first: one that moved on since is not waiting on this job.
      const now = await pool.query('SELECT 1 FROM pipeline_runs WHERE id = $1 AND updated_at = $2', [
        r.id,
        r.updated_at,
      ]);
      const key = `${step.queue}:${now.rowCount ? state : 'moved on'}`;
      counts[key] = (counts[key] ?? 0) + 1;
      samples[key] = [...(samples[key] ?? []), r.id].slice(0, 3);
    }
  } catch (error) {
    counts[`error: ${String(error).slice(0, 100)}`] = 1;
  } finally {
    await queues.close().catch(() => {});
    connection.disconnect();
  }
  return counts;
}

/** The BullMQ job each stuck run waits on: its state and last error (read while Redis is up). */
async function describeJobs(pool: pg.Pool, redisUrl: string, stuck: StuckRun[]): Promise<void> {
  const withRun = stuck.filter((s) => s.runId);
  if (!withRun.length) return;
  const connection = createProducerConnection(redisUrl);
  const queues = new QueueSet(connection, QUEUE_PREFIX);
  try {
    for (const s of withRun.slice(0, 50)) {
      const { rows } = await pool.query<{
        status: string;
        stage: string;
        draft_revision: number;
        redrives: number;
        updated_at: Date;
      }>('SELECT status, stage, draft_revision, redrives, updated_at FROM pipeline_runs WHERE id = $1', [
        s.runId,
      ]);
      const r = rows[0];
      if (!r) continue;
      const step = pendingStep({
        id: s.runId!,
        tenantId: TENANT,
        status: r.status,
        stage: r.stage,
        draftRevision: r.draft_revision,
        redrives: r.redrives,
        updatedAt: r.updated_at,
      });
      const jobId = jobIdFor(step.queue, step.payload as never);
      const job = await queues.get(step.queue as QueueName).getJob(jobId);
      s.job = job
        ? {
            queue: step.queue,
            id: jobId,
            state: await job.getState(),
            attemptsMade: job.attemptsMade,
            failedReason: job.failedReason,
            stacktrace: job.stacktrace?.[0]?.split('\n').slice(0, 4).join('\n'),
          }
        : { queue: step.queue, id: jobId, state: 'missing' };
    }
  } catch (error) {
    for (const s of withRun) s.job ??= { error: String(error) };
  } finally {
    await queues.close().catch(() => {});
    connection.disconnect();
  }
}

export async function runChaos(input: Partial<ChaosOptions> = {}): Promise<ChaosReport> {
  const options: ChaosOptions = { ...DEFAULT_OPTIONS, ...input };
  const say = options.say ?? (() => {});
  const { signal } = options;
  const startedAt = new Date().toISOString();
  const logDir = path.join(options.outDir, 'logs');
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });

  const releaseLock = takeLock(options.pgPort, options.redisPort);
  const postgres = new ChaosPostgres(options.clusterName, options.pgPort);
  const redis = new ChaosRedis(options.redisPort, path.join(options.outDir, 'redis'));
  const supervisor = new Supervisor(logDir);
  const cleanups: (() => Promise<unknown>)[] = [];
  let injector: FaultInjector | null = null;
  const cleanup = async () => {
    if (injector) await injector.stop().catch(() => {});
    await supervisor.stopAll().catch(() => {});
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
    cleanups.length = 0;
    await redis.stop().catch(() => {});
    if (!options.keep) await postgres.stop('fast').catch(() => {});
  };
  activeCleanup = cleanup;

  try {
    // 1. The cluster's own Postgres and Redis, a fresh migrated database.
    say(
      `chaos: Postgres cluster ${postgres.version}/${postgres.name} (port ${options.pgPort}), Redis on ${options.redisPort}`,
    );
    await postgres.ensure(say);
    await redis.start();
    say('  migrating a fresh database (prisma migrate deploy)…');
    const databaseUrl = await postgres.freshDatabase(DATABASE);
    checkAborted(signal);

    // 2. The shop and the simulator (in this process, so its store can be compared with the ledger).
    const phases = options.baseline ? 2 : 1;
    const played = options.warmup + options.jobs * phases;
    say(
      `  generating a shop with ${options.history} past jobs and ${played} to complete (seed ${options.seed})…`,
    );
    const fixture = makeFixture(options.history + played, options.seed);
    const ingestPort = await freePort();
    const ingestMetricsPort = await freePort();
    const sim: RunningSim = await startSim({
      fixture,
      port: 0,
      replay: true,
      replayLast: played,
      webhook: {
        url: `http://127.0.0.1:${ingestPort}/webhooks/servicetitan`,
        secret: WEBHOOK_SECRET,
        retryDelaysMs: [1000, 3000, 10_000, 30_000],
      },
      // The cluster itself is under test, not ServiceTitan's 60 calls/s (429 storms are injected).
      faults: { rateLimitPerSecond: null },
    });
    cleanups.push(() => sim.close());
    const before = snapshotInvoices(sim);

    const credentialsKey = randomBytes(32);
    const redisUrl = redis.url;
    const baseEnv: NodeJS.ProcessEnv = { ...process.env };
    for (const key of ['NODE_OPTIONS', 'WORKER_QUEUES', 'VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID'])
      delete baseEnv[key];
    const env: NodeJS.ProcessEnv = {
      ...baseEnv,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX,
      CREDENTIALS_KEY: credentialsKey.toString('base64'),
      LOG_LEVEL: options.logLevel,
      SHUTDOWN_TIMEOUT_MS: '5000',
      ST_RATE_LIMIT_PER_SECOND: '10000',
      SYNC_INTERVAL_MS: String(24 * 3600_000),
    };

    // 3. The tenant, with auto-posting on; its feeds start at "now" (the past is history).
    say(
      '  registering the tenant (policy: auto, auto-approve confidence ' +
        options.autoApproveConfidence +
        ')…',
    );
    {
      const log = createLogger({ name: 'chaos', level: 'error' });
      const setup = await startIngestApp(
        loadConfig(IngestEnv, { ...env, INGEST_PORT: '0', POLL_INTERVAL_MS: '0', WEBHOOK_SECRET }),
        log,
      );
      try {
        await registerTenant(setup.db, {
          id: TENANT,
          stTenantId: sim.tenantId,
          name: sim.tenant.meta.name,
          apiBaseUrl: sim.url,
          authUrl: `${sim.url}/connect/token`,
          credentials: sim.credentials,
          credentialsKey,
          settings: {
            policy: PolicySettings.parse({
              mode: 'auto',
              autoApproveConfidence: options.autoApproveConfidence,
            }),
            rules: RulePackSettings.parse({ afterHours: { timezone: fixture.meta.timezone } }),
          },
        });
        await setup.startFeedsAtNow(TENANT);
      } finally {
        await setup.close();
      }
    }

    // 4. Ingest and the workers, as child processes.
    const ingest = supervisor.add(
      'ingest',
      'apps/ingest/src/main.ts',
      {
        ...env,
        INGEST_PORT: String(ingestPort),
        INGEST_METRICS_PORT: String(ingestMetricsPort),
        WEBHOOK_SECRET,
        POLL_INTERVAL_MS: '5000',
        INGEST_POLL_FEEDS: 'jobs',
      },
      `http://127.0.0.1:${ingestMetricsPort}/readyz`,
    );
    const workers: Proc[] = [];
    for (let i = 1; i <= options.workers; i++) {
      const port = await freePort();
      workers.push(
        supervisor.add(
          `worker-${i}`,
          'apps/workers/src/main.ts',
          {
            ...env,
            WORKER_HTTP_PORT: String(port),
            WORKER_CONCURRENCY: String(options.concurrency),
            SWEEP_INTERVAL_MS: String(options.sweepIntervalMs),
            SWEEP_MAX_REDRIVES: String(options.sweepMaxRedrives),
            // Re-drive after 12 s of no progress (30 s for posting) instead of 2 and 5 minutes:
            // a Redis restart loses the backlog, and waiting out the production bound is what
            // made the drain slow.
            SWEEP_BOUND_SCALE: '0.1',
          },
          `http://127.0.0.1:${port}/readyz`,
        ),
      );
    }
    say(`  starting ingest and ${options.workers} worker process(es)…`);
    for (const proc of supervisor.procs) proc.startNow();
    await Promise.all(supervisor.procs.map((p) => p.waitReady(120_000)));

    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 3000 });
    pool.on('error', () => {});
    cleanups.push(() => pool.end());

    const waitSettled = async (ids: number[], what: string, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        checkAborted(signal);
        const p = await progress(pool, ids);
        if (p && p.settled >= ids.length) return;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${JSON.stringify(p)})`);
        await sleep(250);
      }
    };

    // 5. Warm-up: the first job runs the tenant's first sync (price book, mirror, history).
    say(`  warm-up: ${options.warmup} job(s), including the tenant's first sync…`);
    const warmStarted = Date.now();
    const warmIds = sim.play(1);
    await waitSettled(warmIds, 'the first job (initial sync)', 180_000);
    if (options.warmup > 1) {
      const more = sim.play(options.warmup - 1);
      warmIds.push(...more);
      await waitSettled(more, 'the warm-up jobs', 120_000);
    }
    const warmupSeconds = (Date.now() - warmStarted) / 1000;
    const allIds = [...warmIds];

    // 6. A phase: N jobs complete at the configured rate; with faults, the injector runs until
    //    every job was played and most runs settled, then the drain is awaited.
    const phase = async (label: string, withFaults: boolean): Promise<PhaseResult> => {
      const ids: number[] = [];
      const t0 = Date.now();
      let faultsEndedAt: number | null = null;
      let resume: PhaseResult['resume'] = null;
      if (withFaults) {
        injector = new FaultInjector(
          { supervisor, workers, ingest, redis, postgres, sim },
          new Rng(options.seed),
          {
            everyMs: options.faultsEveryMs,
            pgOutageMs: options.pgOutageMs,
            pgMinGapMs: options.pgMinGapMs,
            maxWorkerPauseMs: options.maxWorkerPauseMs,
            afterCommitBackgroundRate: options.afterCommitBackgroundRate,
            kinds: options.kinds,
          },
          say,
        );
        injector.start();
      }
      say(
        `  ${label}: ${options.jobs} jobs completing at ${options.ratePerSecond}/s${withFaults ? ', faults every ~' + options.faultsEveryMs + ' ms' : ''}…`,
      );
      // Arrival: `ratePerSecond` jobs a second, in quarter-second ticks.
      const arrival = (async () => {
        let due = 0;
        while (ids.length < options.jobs) {
          checkAborted(signal);
          due += options.ratePerSecond / 4;
          const n = Math.min(Math.floor(due - ids.length), options.jobs - ids.length);
          if (n > 0) ids.push(...sim.play(n));
          if (sim.tenant.pendingCount === 0 && ids.length < options.jobs)
            throw new Error(`the simulator held back only ${ids.length} jobs`);
          await sleep(250);
        }
      })();
      let arrivalError: unknown = null;
      arrival.catch((error: unknown) => {
        arrivalError = error;
      });
      let allPlayedAt: number | null = null;
      let lastSettled = -1;
      let lastChange = Date.now();
      let lastReport = 0;
      let p: Progress | null = null;
      for (;;) {
        checkAborted(signal);
        if (arrivalError) throw arrivalError;
        await sleep(500);
        const allPlayed = ids.length >= options.jobs;
        if (allPlayed) allPlayedAt ??= Date.now();
        p = allPlayed || Date.now() - lastReport > 5000 ? await progress(pool, ids) : p;
        if (p && p.settled !== lastSettled) {
          lastSettled = p.settled;
          lastChange = Date.now();
        }
        if (Date.now() - lastReport > 10_000) {
          lastReport = Date.now();
          const f = injector && withFaults && faultsEndedAt === null ? `, ${injector.count} fault(s)` : '';
          say(
            `  … +${Math.round((Date.now() - t0) / 1000)}s: ${ids.length}/${options.jobs} completed, ${p ? `${p.runs} runs, ${p.settled} settled (${p.final} final, ${p.review} in review)` : 'Postgres unreachable'}${f}`,
          );
        }
        if (allPlayed && p && p.settled >= options.jobs) break;
        if (withFaults && faultsEndedAt === null) {
          const enough = allPlayed && p !== null && p.settled >= options.faultsUntil * options.jobs;
          const tailOver = allPlayedAt !== null && Date.now() - allPlayedAt > options.faultTailMs;
          const dealt = injector!.count >= options.minFaults;
          if (((enough || tailOver) && dealt) || Date.now() - t0 > options.maxFaultMs) {
            say(
              `  faults stop after ${injector!.count} (+${Math.round((Date.now() - t0) / 1000)}s); draining…`,
            );
            await injector!.stop();
            faultsEndedAt = Date.now();
            lastChange = Date.now();
          }
          continue;
        }
        const drainStart = faultsEndedAt ?? t0;
        const stalled = Date.now() - lastChange > options.stallMs;
        const late = Date.now() - drainStart > options.resumeAfterMs;
        if (withFaults && !options.sweeperOnly && resume === null && allPlayed && (stalled || late)) {
          say(
            `  the drain ${stalled ? `stalled for ${options.stallMs / 1000}s` : `is not over ${options.resumeAfterMs / 1000}s after the faults`}: running runs:resume once…`,
          );
          const atMs = Date.now() - t0;
          const samples: Record<string, string[]> = {};
          const jobStatesBefore = await activeJobStates(pool, redisUrl, samples);
          say(`    the jobs active runs wait on: ${JSON.stringify(jobStatesBefore)}`);
          const output = await runResume(env);
          resume = { atMs, output, jobStatesBefore, samples };
          say(`    ${output}`);
          lastChange = Date.now();
        }
        if (allPlayed && Date.now() - drainStart > options.drainTimeoutMs) {
          say(`  the drain did not finish within ${options.drainTimeoutMs / 1000}s`);
          break;
        }
      }
      await arrival.catch(() => {});
      if (withFaults && faultsEndedAt === null) {
        await injector!.stop();
        faultsEndedAt = Date.now();
      }
      allIds.push(...ids);
      const end = await progress(pool, ids);
      const drained = end !== null && end.settled >= options.jobs;
      const now = Date.now();
      return {
        label,
        jobs: ids.length,
        drainMs: drained ? now - t0 : null,
        faultWindowMs: faultsEndedAt !== null ? faultsEndedAt - t0 : null,
        afterFaultsMs: drained && faultsEndedAt !== null ? now - faultsEndedAt : null,
        settled: end?.settled ?? 0,
        resume,
      };
    };

    const baseline = options.baseline ? await phase('baseline (no faults)', false) : null;
    if (baseline)
      say(
        `  baseline drained in ${baseline.drainMs === null ? 'never (timeout)' : `${(baseline.drainMs / 1000).toFixed(1)} s`}`,
      );
    const chaos = await phase('chaos', true);
    say(
      `  chaos drained in ${chaos.drainMs === null ? 'never (timeout)' : `${(chaos.drainMs / 1000).toFixed(1)} s`}`,
    );

    // 7. The invariants. Stuck runs' BullMQ jobs are read while Redis is still up; then the
    //    processes stop so the store and the ledger are compared at rest.
    const deathsBeforeStop = supervisor.deaths().length;
    const readyAtEnd = await Promise.all(supervisor.procs.map((p) => p.isReady()));
    const simAfterCommit = await sim.app
      .inject({ method: 'GET', url: '/_sim/after-commit' })
      .then((r) => r.json());
    await supervisor.stopAll();
    const invariants = await checkInvariants(pool, sim, before, TENANT, allIds);
    await describeJobs(pool, redisUrl, invariants.stuckRuns);
    const db = createDb(databaseUrl, { poolSize: 2 });
    const chain = await verifyAuditChain(db, TENANT).finally(() => db.$disconnect());

    const deaths = supervisor.deaths();
    const failures: string[] = [];
    if (invariants.stuck) failures.push(`${invariants.stuck} run(s) stuck (neither final nor in review)`);
    if (invariants.duplicateWrites)
      failures.push(`${invariants.duplicateWrites} duplicate ServiceTitan write(s)`);
    if (invariants.lostWrites.length)
      failures.push(`${invariants.lostWrites.length} ledger row(s) claim an item the invoice does not have`);
    if (invariants.unapprovedPosts) failures.push(`${invariants.unapprovedPosts} unapproved post(s)`);
    if (deaths.length) failures.push(`${deaths.length} process death(s) the suite did not cause`);
    if (!chain.ok) failures.push(`the audit chain is broken: ${chain.problem ?? ''}`);
    if (deathsBeforeStop !== deaths.length) failures.push('a process died while stopping');
    if (readyAtEnd.some((r) => !r))
      failures.push(
        `not ready after the drain: ${supervisor.procs
          .filter((_, i) => !readyAtEnd[i])
          .map((p) => p.name)
          .join(', ')}`,
      );
    const calls = sim.stats.snapshot();
    const report: ChaosReport = {
      options: Object.fromEntries(
        Object.entries(options).filter(([k]) => k !== 'say' && k !== 'signal'),
      ) as ChaosReport['options'],
      startedAt,
      finishedAt: new Date().toISOString(),
      warmupSeconds,
      baseline,
      chaos,
      drainRatio:
        baseline?.drainMs && chaos.drainMs
          ? Math.round((chaos.drainMs / baseline.drainMs) * 100) / 100
          : null,
      faults: {
        count: injector ? (injector as FaultInjector).count : 0,
        byKind: injector ? (injector as FaultInjector).counts() : {},
        events: injector ? (injector as FaultInjector).events : [],
      },
      afterCommit: simAfterCommit,
      simCalls: { total: calls.total, byStatus: calls.byStatus as Record<string, number> },
      invariants,
      processes: {
        deaths,
        killedBySuite: supervisor.exits.filter((e) => e.kind === 'killed').length,
        refusedBoot: supervisor.exits.filter((e) => e.kind === 'refused_boot').length,
        starts: Object.fromEntries(supervisor.procs.map((p) => [p.name, p.starts])),
      },
      auditChain: {
        ok: chain.ok,
        events: chain.events,
        problem: chain.ok ? undefined : (chain.problem ?? undefined),
      },
      failures,
      pass: failures.length === 0,
    };
    return report;
  } finally {
    await cleanup();
    activeCleanup = null;
    releaseLock();
  }
}

/** One chaos run at a time per cluster and Redis port (the CLI and the test share them). */
function takeLock(pgPort: number, redisPort: number): () => void {
  const file = path.join(os.tmpdir(), `invoicer-chaos-${pgPort}-${redisPort}.lock`);
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch {
    const holder = Number(readFileSync(file, 'utf8').trim());
    let alive = false;
    try {
      alive = holder > 0 && holder !== process.pid && process.kill(holder, 0);
    } catch {
      alive = false;
    }
    if (alive) throw new Error(`another chaos run (pid ${holder}) is using ports ${pgPort}/${redisPort}`);
    writeFileSync(file, String(process.pid));
  }
  return () => rmSync(file, { force: true });
}

let activeCleanup: (() => Promise<void>) | null = null;

/** Stop whatever a run left (Ctrl-C): child processes, the chaos Redis, the cluster unless --keep. */
export async function cleanupActiveRun(): Promise<void> {
  await activeCleanup?.();
}
