// `npm run bench`: throughput, latency, what an invoice costs (CPU of the workers and Postgres,
// SQL statements, Redis commands, ServiceTitan calls, against the pure billing functions' CPU),
// worker memory and scale-out to more worker processes of the pipeline on a generated tenant, a
// bare-BullMQ baseline on the same machine, and the review console's queue list with a large
// backlog. Runs on its own database and Redis prefix and
// removes both at the end. See README "Benchmark" for what each figure means.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, errorMessage, PIPELINE_STAGES, ServiceUnavailableError } from '@invoicer/core';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from '@invoicer/platform';
import { buildChildren, type ChildRuntime, ROOT, stopAllChildren } from './child.ts';
import { type ConsoleResult, runConsoleBench } from './console.ts';
import { type BenchInfra, setUpInfra } from './infra.ts';
import { renderPdfBench, runPdfBench } from './pdf.ts';
import { type PipelineResult, runPipeline, TENANT } from './pipeline.ts';
import { type RawResult, runRaw } from './raw.ts';
import { fmtMs, ratio, round, table } from './stats.ts';

const TOTAL_CPU_TARGET = 2; // issue 12: total CPU per invoice ≤ 2× the pure billing functions'

const USAGE = `Usage: npm run bench -- [options]
  --jobs <n>            jobs completed at once (the burst): throughput and latency (default 300)
  --steady <n>          jobs then completed one at a time at half the burst's throughput:
                        latency when the cluster keeps up (default 40; 0 skips)
  --concurrency <n>     BullMQ concurrency per queue, ours and the baseline (default 4, as WORKER_CONCURRENCY)
  --workers <n>         worker processes (each runs every stage) for the burst and steady phases (default 1)
  --scale-out <n>       then start more worker processes, n in all, and measure a second burst of --jobs jobs
                        against the first (default 2 × --workers; 0 skips)
  --review-items <n>    open review items inserted for the console measurement (default 100000; 0 skips it)
  --out <dir>           where bench.json and the worker logs go (default .data/bench)
  --history <n>         completed jobs before the measured ones, the history the pipeline learns from (default 400)
  --seed <n>            tenant generator seed (default 7)
  --st-rate-limit <n>   ServiceTitan calls/s per tenant, enforced by the client and the simulator
                        (default: off, to measure the cluster itself; ServiceTitan allows 60)
  --rounds <n>          measured calls per console scenario (default 5)
  --pdf <n>             then render n generated invoices as PDFs: render time median/p95 and size (default 30; 0 skips)
  --auto-post           auto-approve drafts whatever their confidence, so posting (writes, read-back)
                        is measured too (default: the demo's policy, which sends most drafts to review)

The worker processes (and the baseline's) run as JavaScript compiled into dist/ first
(scripts/build-workers.mjs, about a second); BENCH_TSX=1 runs their TypeScript through tsx instead.

Needs Postgres and Redis (DATABASE_URL / REDIS_URL, defaults 127.0.0.1); creates and drops
its own database (invoicer_bench_<time>) and Redis prefix (bench-<time>).`;

const STAGES = PIPELINE_STAGES.length; // extract … route: the chain up to a routed draft
const ST_LIMIT = 55; // the product's default client budget (ServiceTitan allows 60/s per tenant)

function positive(name: string, value: string | undefined, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new ConfigError([`--${name} must be a whole number ≥ ${min}`]);
  return n;
}

interface Report {
  version: 1;
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  /** Where it ran (both removed at the end). */
  isolation: { database: string; redisPrefix: string };
  /** The code measured: commit and how many files differed from it. */
  source: { commit: string | null; changedFiles: number | null };
  options: Record<string, unknown>;
  definitions: Record<string, string>;
  pipeline: Omit<PipelineResult, 'businessUnitIds' | 'jobTypeIds' | 'workerLog'>;
  baseline: RawResult;
  ratios: {
    throughput: number | null;
    latencyP50: number | null;
    latencyP95: number | null;
    latencyP99: number | null;
    steadyLatencyP50: number | null;
    steadyLatencyP95: number | null;
    workerPeakRss: number | null;
    /** Worker + Postgres CPU per invoice over the burst / the pure billing functions' CPU per invoice. */
    totalCpuToPureBilling: number | null;
    /** Throughput with the scale-out's worker processes / with the first burst's. */
    scaleOutThroughput: number | null;
  };
  /** Invoices/s one tenant can sustain against ServiceTitan's call budget at this call count. */
  stCeilingInvoicesPerSecond: number | null;
  console: ConsoleResult | null;
  durationSeconds: number;
}

const DEFINITIONS = {
  throughput:
    'burst: N jobs complete at the same instant; invoices/s = routed runs / (last route-stage output saved − that instant)',
  latency:
    'per job: from its completion event (the simulator completes the job and sends the signed "job completed" ' +
    'webhook) to its route-stage output saved in Postgres (run awaiting_review, approved for posting, or shadow); ' +
    'includes webhook delivery, ingest and the queueing between stages. In the burst all N start together, so it ' +
    'includes waiting behind the rest of the burst',
  steadyLatency:
    'the same latency for M further jobs completed one at a time at half the burst throughput (a cluster keeping up)',
  baseline:
    'the same jobs through a bare BullMQ chain of 5 queues (extract…route) with no-op processors: same Redis (own ' +
    'prefix), connection settings, job options and per-queue concurrency, workers in a child process, same burst and ' +
    "steady rate; latency from adding the first-stage job to the last stage's completed event",
  stCallsPerInvoice:
    'requests to the simulated ServiceTitan API counted by the simulator (CallStats, GET /_sim/stats) from the burst to ' +
    'its last run settled (posting included), divided by N; OAuth token requests excluded',
  stCeiling:
    'ServiceTitan budget (55 calls/s, the client default; ServiceTitan allows 60) / calls per invoice: the most ' +
    'invoices/s one tenant can get through, whatever the cluster can do',
  workerPeakRss:
    'VmHWM from /proc of the worker process (apps/workers/src/main.ts, every stage, run as its own process) after the ' +
    'burst and steady phases; the baseline likewise. options.childRuntime: compiled = both run as JavaScript bundled ' +
    'into dist/ by scripts/build-workers.mjs on plain node; tsx = their TypeScript through node --import tsx (BENCH_TSX=1)',
  cpuPerInvoice:
    'over the burst (from the N completions to the last run settled), divided by N. worker: user + system time of ' +
    'the worker processes from /proc/<pid>/stat (all threads; their own process.cpuUsage() is kept as ' +
    'workerSelfReported). postgres: utime + stime of every postgres process on the server plus the postmaster’s ' +
    'cutime + cstime (exited backends), the bench’s monitoring connection left out; the bench has its own ' +
    'database but shares the server, so other load on it counts too (postgresBenchDatabase: only the backends ' +
    'connected to the bench database, sampled every 250 ms). total = worker + postgres. Not in the total: the ' +
    'Redis server and the bench process (ingest, ServiceTitan simulator, polling)',
  sqlStatementsPerInvoice:
    'statements sent to Postgres by the worker processes and by ingest over the burst, counted at the client ' +
    '(node-postgres Client.prototype.query, through which Prisma’s adapter sends everything, BEGIN/COMMIT ' +
    'included), divided by N; the bench’s own queries excluded',
  redisCommandsPerInvoice:
    'sent: commands the worker processes and ingest send to Redis over the burst, counted at the client ' +
    '(ioredis Redis.prototype.sendCommand: BullMQ, pipelines and MULTI included), divided by N. executed: INFO ' +
    'commandstats delta over the burst, INFO itself left out, divided by N; it also counts the commands BullMQ’s ' +
    'Lua scripts run inside Redis, and the whole server, so the bench should run alone on it (as in CI)',
  pureBilling:
    'after the burst, each run’s saved extract output (the JobContext) is loaded and the billing functions the ' +
    'stages call (findJobMentions, scoreCandidates, the local chooser, buildNoteLines, detectStage, priceStage, ' +
    'draftStage, routeStage) are re-run in the bench process with the knowledge of a TenantRuntime on the bench ' +
    'database; process.cpuUsage() around them only (inputs, knowledge and retrieval SQL loaded first, untimed; ' +
    'one untimed warm-up pass); identical = runs whose replayed draft and routing equal the saved ones',
  scaleOut:
    'after the steady phase, more worker processes are started next to the first, a few warm-up jobs run, and a ' +
    'second burst of N jobs is measured the same way; throughputRatio = its invoices/s / the first burst’s',
  consoleServerMs:
    'GET /queue as JSON (one page + counts per reason) with K open review items: time inside the console process ' +
    'from request parsed to response finished (Node http diagnostics channels); clientMs is the loopback round trip',
};

const OPTIONS = {
  jobs: { type: 'string', default: '300' },
  steady: { type: 'string', default: '40' },
  concurrency: { type: 'string', default: '4' },
  workers: { type: 'string', default: '1' },
  'scale-out': { type: 'string' },
  'review-items': { type: 'string', default: '100000' },
  out: { type: 'string', default: '.data/bench' },
  history: { type: 'string', default: '400' },
  seed: { type: 'string', default: '7' },
  'st-rate-limit': { type: 'string' },
  rounds: { type: 'string', default: '5' },
  'auto-post': { type: 'boolean', default: false },
  pdf: { type: 'string', default: '30' },
  help: { type: 'boolean', default: false },
} as const;

function flags() {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (error) {
    throw new ConfigError([errorMessage(error)]);
  }
}

async function main(): Promise<number> {
  const values = flags();
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const jobs = positive('jobs', values.jobs);
  const steadyJobs = positive('steady', values.steady, 0);
  const concurrency = positive('concurrency', values.concurrency);
  if (concurrency > 64) throw new ConfigError(['--concurrency must be at most 64']);
  const workers = positive('workers', values.workers);
  if (workers > 16) throw new ConfigError(['--workers must be at most 16']);
  const scaleOutWorkers =
    values['scale-out'] === undefined ? 2 * workers : positive('scale-out', values['scale-out'], 0);
  if (scaleOutWorkers !== 0 && (scaleOutWorkers <= workers || scaleOutWorkers > 16))
    throw new ConfigError([`--scale-out must be 0 or more than --workers (${workers}), at most 16`]);
  const reviewItems = positive('review-items', values['review-items'], 0);
  const history = positive('history', values.history, 0);
  const seed = positive('seed', values.seed, 0);
  const rounds = positive('rounds', values.rounds);
  const pdfInvoices = positive('pdf', values.pdf, 0);
  const stRateLimit =
    values['st-rate-limit'] === undefined ? null : positive('st-rate-limit', values['st-rate-limit']);
  const outDir = path.resolve(ROOT, values.out!);
  mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  const say = (line: string) =>
    console.log(`[${String(Math.round((Date.now() - started) / 1000)).padStart(3)} s] ${line}`);

  say('Building the worker processes (scripts/build-workers.mjs; BENCH_TSX=1 runs them through tsx)…');
  const childRuntime: ChildRuntime = buildChildren();
  say('Preparing an isolated database and Redis prefix…');
  const infra: BenchInfra = await setUpInfra({
    baseDatabaseUrl: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
  });
  cleanup = async () => {
    await stopAllChildren();
    await infra.cleanup();
  };
  let report: Report;
  try {
    say(
      `Pipeline: ${jobs} jobs, concurrency ${concurrency}, ${workers} worker process(es), ` +
        `${history} jobs of history (${infra.databaseName})`,
    );
    const session = await runPipeline({
      infra,
      jobs,
      steadyJobs,
      concurrency,
      history,
      warmup: Math.min(10, Math.max(3, concurrency)),
      seed,
      outDir,
      logLevel: 'info',
      stRateLimit,
      autoPost: values['auto-post'],
      workers,
      scaleOutWorkers,
      onProgress: say,
    });
    const ours = session.result;
    let consoleResult: ConsoleResult | null = null;
    try {
      if (reviewItems > 0) {
        say(`Review console: inserting ${reviewItems} open review items and calling GET /queue…`);
        consoleResult = await runConsoleBench({
          env: session.env,
          databaseUrl: infra.databaseUrl,
          tenantId: TENANT,
          items: reviewItems,
          rounds,
          businessUnitIds: ours.businessUnitIds,
          jobTypeIds: ours.jobTypeIds,
        });
      }
    } finally {
      await session.close();
    }
    say(`Baseline: ${jobs} jobs through a bare ${STAGES}-stage BullMQ chain…`);
    const raw = await runRaw({
      redisUrl: infra.redisUrl,
      prefix: `${infra.prefix}-raw`,
      jobs,
      stages: STAGES,
      concurrency,
      warmup: 20,
      outDir,
      steady: ours.steady ? { jobs: ours.steady.jobs, ratePerSecond: ours.steady.ratePerSecond } : null,
    });
    const { businessUnitIds: _b, jobTypeIds: _j, workerLog: _w, ...pipeline } = ours;
    const cpus = os.cpus();
    report = {
      version: 1,
      date: new Date().toISOString(),
      machine: {
        cpus: cpus.length,
        cpuModel: cpus[0]?.model.trim() ?? 'unknown',
        memoryGiB: round(os.totalmem() / 2 ** 30, 1),
        node: process.version,
        platform: `${os.type()} ${os.release()}`,
      },
      isolation: { database: infra.databaseName, redisPrefix: infra.prefix },
      source: gitSource(),
      options: {
        jobs,
        steadyJobs,
        concurrency,
        workers,
        scaleOutWorkers,
        reviewItems,
        history,
        seed,
        rounds,
        stRateLimit,
        autoPost: values['auto-post'],
        stages: STAGES,
        childRuntime,
      },
      definitions: DEFINITIONS,
      pipeline,
      baseline: raw,
      ratios: {
        throughput: ratio(ours.invoicesPerSecond, raw.jobsPerSecond),
        latencyP50: ratio(ours.latencyMs.p50, raw.latencyMs.p50),
        latencyP95: ratio(ours.latencyMs.p95, raw.latencyMs.p95),
        latencyP99: ratio(ours.latencyMs.p99, raw.latencyMs.p99),
        steadyLatencyP50:
          ours.steady && raw.steady ? ratio(ours.steady.latencyMs.p50, raw.steady.latencyMs.p50) : null,
        steadyLatencyP95:
          ours.steady && raw.steady ? ratio(ours.steady.latencyMs.p95, raw.steady.latencyMs.p95) : null,
        workerPeakRss:
          ours.workerPeakRssMiB !== null && raw.workerPeakRssMiB !== null
            ? ratio(ours.workerPeakRssMiB, raw.workerPeakRssMiB)
            : null,
        totalCpuToPureBilling:
          ours.cost.perInvoice.cpuMs.total !== null && ours.pureBilling
            ? ratio(ours.cost.perInvoice.cpuMs.total, ours.pureBilling.cpuMsPerInvoice)
            : null,
        scaleOutThroughput: ours.scaleOut?.throughputRatio ?? null,
      },
      stCeilingInvoicesPerSecond:
        ours.st.callsPerInvoice > 0 ? round((stRateLimit ?? ST_LIMIT) / ours.st.callsPerInvoice) : null,
      console: consoleResult,
      durationSeconds: round((Date.now() - started) / 1000, 1),
    };
  } finally {
    if (!interrupted) {
      say('Cleaning up (database, Redis keys)…');
      await cleanup();
      cleanup = async () => {};
    }
  }
  const file = path.join(outDir, 'bench.json');
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${render(report)}\n\nWrote ${path.relative(process.cwd(), file) || file}`);
  if (pdfInvoices > 0) {
    say(`Invoice PDFs: rendering ${pdfInvoices} generated invoices…`);
    const pdfResult = await runPdfBench({ invoices: pdfInvoices, seed });
    writeFileSync(path.join(outDir, 'pdf.json'), `${JSON.stringify(pdfResult, null, 2)}\n`);
    console.log(`\n${renderPdfBench(pdfResult)}`);
  }
  return report.pipeline.failedRuns > 0 || (report.pipeline.scaleOut?.failedRuns ?? 0) > 0 ? 1 : 0;
}

function gitSource(): Report['source'] {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const changed = git('status', '--porcelain').split('\n').filter(Boolean).length;
    return { commit: git('rev-parse', 'HEAD').trim(), changedFiles: changed };
  } catch {
    return { commit: null, changedFiles: null };
  }
}

function render(r: Report): string {
  const p = r.pipeline;
  const b = r.baseline;
  const x = (v: number | null) => (v === null ? null : `${Number(v.toPrecision(3))}×`);
  const out: string[] = [];
  out.push(
    `Benchmark ${r.date.slice(0, 16).replace('T', ' ')} UTC · ${r.machine.cpus} CPU (${r.machine.cpuModel}) · ` +
      `Node ${r.machine.node} · ${p.jobs} jobs · concurrency ${p.concurrency} · ${p.historyJobs} jobs of history · ` +
      `${p.policy} policy · ${p.workers} worker process${p.workers === 1 ? '' : 'es'} (${r.options.childRuntime})`,
    '',
  );
  out.push(
    table(
      ['', 'ours', `raw BullMQ (${b.stages} no-op stages)`, 'ours/raw'],
      [
        ['throughput (invoices/s)', p.invoicesPerSecond, b.jobsPerSecond, x(r.ratios.throughput)],
        ['latency p50', fmtMs(p.latencyMs.p50), fmtMs(b.latencyMs.p50), x(r.ratios.latencyP50)],
        ['latency p95', fmtMs(p.latencyMs.p95), fmtMs(b.latencyMs.p95), x(r.ratios.latencyP95)],
        ['latency p99', fmtMs(p.latencyMs.p99), fmtMs(b.latencyMs.p99), x(r.ratios.latencyP99)],
        ...(p.steady && b.steady
          ? [
              [
                `steady latency p50 (${p.steady.jobs} at ${p.steady.ratePerSecond}/s)`,
                fmtMs(p.steady.latencyMs.p50),
                fmtMs(b.steady.latencyMs.p50),
                x(r.ratios.steadyLatencyP50),
              ],
              [
                'steady latency p95',
                fmtMs(p.steady.latencyMs.p95),
                fmtMs(b.steady.latencyMs.p95),
                x(r.ratios.steadyLatencyP95),
              ],
            ]
          : []),
        ['worker peak RSS (MiB)', p.workerPeakRssMiB, b.workerPeakRssMiB, x(r.ratios.workerPeakRss)],
      ],
    ),
  );
  out.push(
    '',
    `Burst of ${p.jobs}: all routed after ${p.routedSeconds} s, all settled (posting included) after ` +
      `${p.settledSeconds} s (${p.invoicesPerSecondSettled} invoices/s). Warm-up (first sync) ${p.warmup.seconds} s.`,
    `Runs: ${Object.entries(p.statuses)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ')}; review reasons: ${
      Object.entries(p.reviewReasons)
        .map(([reason, n]) => `${reason} ${n}`)
        .join(', ') || 'none'
    }.`,
    `Ingest (completion → run queued) p50 ${fmtMs(p.ingestLatencyMs.p50)}, p95 ${fmtMs(
      p.ingestLatencyMs.p95,
    )}.`,
    `ServiceTitan calls per invoice: ${p.st.callsPerInvoice} (reads ${p.st.readsPerInvoice}, writes ${p.st.writesPerInvoice}` +
      `${p.st.writesPerPostedInvoice !== null ? `; ${p.st.writesPerPostedInvoice} writes per posted invoice` : ''}); ` +
      `peak ${p.st.peakCallsPerSecond} calls/s${p.st.rateLimitPerSecond ? ` (limit ${p.st.rateLimitPerSecond}/s)` : ' (no limit)'}. ` +
      (r.stCeilingInvoicesPerSecond !== null
        ? `At ${p.st.rateLimitPerSecond ?? ST_LIMIT} calls/s one tenant is capped at ${r.stCeilingInvoicesPerSecond} invoices/s.`
        : ''),
    '',
    renderCost(r),
    '',
    table(
      ['stage compute (ms)', 'p50', 'p95', 'max'],
      Object.entries(p.stageComputeMs)
        .filter(([, s]) => s.n > 0)
        .map(([stage, s]) => [stage, s.p50, s.p95, s.max]),
    ),
  );
  if (r.console) {
    const c = r.console;
    out.push(
      '',
      `Review console GET /queue (JSON) with ${c.reviewItems} open review items ` +
        `(${c.openItemsInQueue} in the queue; inserted in ${c.insertSeconds} s): ` +
        `server p50 ${fmtMs(c.serverMs.p50)}, p95 ${fmtMs(c.serverMs.p95)}, max ${fmtMs(c.serverMs.max)} over ${c.calls} calls`,
      '',
      table(
        ['scenario', 'matching', 'calls', 'server p50', 'server p95', 'client p50'],
        c.scenarios.map((s) => [
          s.name,
          s.matching,
          s.calls,
          fmtMs(s.serverMs.p50),
          fmtMs(s.serverMs.p95),
          fmtMs(s.clientMs.p50),
        ]),
      ),
    );
  }
  out.push('', `Total ${r.durationSeconds} s.`);
  return out.join('\n');
}

const processes = (n: number) => `${n} worker process${n === 1 ? '' : 'es'}`;

/** What an invoice costs over the burst (and the scale-out burst), the pure billing CPU and the scale-out. */
function renderCost(r: Report): string {
  const p = r.pipeline;
  const b = r.baseline;
  const c = p.cost.perInvoice;
  const s = p.scaleOut?.cost.perInvoice ?? null;
  const x = (v: number | null) => (v === null ? null : `${Number(v.toPrecision(3))}×`);
  const headers = ['per invoice, over the burst', processes(p.workers)];
  if (p.scaleOut) headers.push(processes(p.scaleOut.workers));
  headers.push('raw BullMQ');
  const row = (label: string, ours: number | null, out: number | null = null, raw: number | null = null) =>
    p.scaleOut ? [label, ours, out, raw] : [label, ours, raw];
  const lines = [
    table(headers, [
      row(
        'throughput (invoices/s)',
        p.invoicesPerSecond,
        p.scaleOut?.invoicesPerSecond ?? null,
        b.jobsPerSecond,
      ),
      row('CPU total: worker + Postgres (ms)', c.cpuMs.total, s?.cpuMs.total ?? null),
      row('  worker processes (ms)', c.cpuMs.worker, s?.cpuMs.worker ?? null, b.workerCpuMsPerJob),
      row('  Postgres, whole server (ms)', c.cpuMs.postgres, s?.cpuMs.postgres ?? null),
      row(
        '  (Postgres, bench database backends) (ms)',
        c.cpuMs.postgresBenchDatabase,
        s?.cpuMs.postgresBenchDatabase ?? null,
      ),
      row('Redis server CPU, not in total (ms)', c.cpuMs.redisServer, s?.cpuMs.redisServer ?? null),
      row('SQL statements (workers + ingest)', c.sqlStatements, s?.sqlStatements ?? null),
      row('  of which transactions begun', c.sqlTransactions, s?.sqlTransactions ?? null),
      row('Redis commands sent (workers + ingest)', c.redisCommandsSent, s?.redisCommandsSent ?? null),
      row(
        'Redis commands executed, incl. in Lua scripts',
        c.redisCommands,
        s?.redisCommands ?? null,
        b.redisCommandsPerJob,
      ),
      row('ServiceTitan reads', c.stReads, s?.stReads ?? null),
      row('ServiceTitan writes', c.stWrites, s?.stWrites ?? null),
    ]),
  ];
  const pure = p.pureBilling;
  if (pure) {
    lines.push(
      '',
      `Pure billing functions, re-run in the bench process on the burst's ${pure.runs} saved inputs: ` +
        `${pure.cpuMsPerInvoice} ms CPU per invoice (${Object.entries(pure.byStage)
          .map(([stage, ms]) => `${stage} ${ms}`)
          .join(', ')}); ` +
        `total CPU / pure billing = ${x(r.ratios.totalCpuToPureBilling) ?? '–'} (target ≤ ${TOTAL_CPU_TARGET}×). ` +
        `Replayed draft and routing identical to the saved ones: ${pure.identical}/${pure.runs}` +
        `${pure.skipped ? ` (${pure.skipped} runs had no saved input)` : ''}.`,
    );
  }
  if (p.scaleOut) {
    const o = p.scaleOut;
    lines.push(
      '',
      `Scale-out: ${processes(o.workersBefore)} → ${o.workers}: ${p.invoicesPerSecond} → ${o.invoicesPerSecond} ` +
        `invoices/s (${x(o.throughputRatio) ?? '–'}; ${o.efficiency ?? '–'} of linear) on ${r.machine.cpus} CPUs ` +
        `shared with Postgres, Redis and the bench; latency p50 ${fmtMs(o.latencyMs.p50)}, p95 ${fmtMs(o.latencyMs.p95)}` +
        `${o.failedRuns ? `; ${o.failedRuns} runs failed` : ''}.`,
    );
  }
  lines.push(
    '',
    `Also per invoice, not in the total: the bench process (ingest, ServiceTitan simulator, polling) ` +
      `${c.cpuMs.benchProcess} ms CPU; the workers' own process.cpuUsage() ` +
      `${p.cost.totals.cpuMs.workerSelfReported === null ? '–' : round(p.cost.totals.cpuMs.workerSelfReported / p.jobs, 1)} ms. ` +
      `Postgres and Redis are shared servers: other load on them during the burst counts too.`,
  );
  return lines.join('\n');
}

let cleanup: () => Promise<void> = async () => {};
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\n${signal}: stopping and cleaning up…`);
    // Dropping the database cuts the connections still open in this process; we are leaving.
    process.on('uncaughtException', () => {});
    process.on('unhandledRejection', () => {});
    cleanup().finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  async (error) => {
    if (interrupted) return; // the signal handler cleans up and exits
    if (error instanceof ConfigError || error instanceof ServiceUnavailableError) {
      console.error(error.message);
      if (error instanceof ConfigError) console.error(`\n${USAGE}`);
      await cleanup().catch(() => {});
      process.exit(2);
    }
    console.error(`bench failed: ${errorMessage(error)}`);
    if (process.env.LOG_LEVEL === 'debug') console.error(error);
    await cleanup().catch(() => {});
    process.exit(1);
  },
);
