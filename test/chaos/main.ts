// `npm run chaos`: attack a running cluster (its own Postgres cluster and Redis) while a few
// thousand jobs complete, then check that nothing was lost, nothing was posted twice, nothing
// was posted unapproved and no process died. Writes .data/chaos/chaos.json; exits 1 when an
// invariant fails. See README "Chaos".
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { missingTools } from './infra.ts';
import { printReport } from './report.ts';
import { type ChaosOptions, cleanupActiveRun, DEFAULT_OPTIONS, runChaos, SHORT_OPTIONS } from './run.ts';

const USAGE = `Usage: npm run chaos -- [options]
  --jobs <n>              jobs completing under faults (default 2000; --short: 200)
  --seed <n>              seeds the shop and the fault sequence (default 1)
  --faults-every-ms <n>   mean time between faults (default 4000; --short: 3500)
  --short                 the CI version: a few hundred jobs, a handful of faults, 12 s Postgres outage
  --baseline              first run the same number of jobs with no faults (the drain-time ratio)
  --rate <n>              jobs completing per second (default 10; --short: 8)
  --workers <n>           worker processes (default 2)
  --concurrency <n>       per queue and worker process (default 4)
  --pg-outage-ms <n>      how long Postgres stays down (default 30000; --short: 12000)
  --drain-timeout-ms <n>  how long to wait for the drain after the faults (default 900000)
  --sweeper-only          never run runs:resume after the faults (default: once, if the drain lags)
  --keep                  leave the chaos Postgres cluster running at the end
  --out <dir>             chaos.json and the process logs (default .data/chaos)
Needs pg_createcluster / pg_ctlcluster (Debian's postgresql-common) and redis-server. Uses its
own cluster (port 25432) and Redis (port 26379), never the defaults.`;

function num(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string' },
      seed: { type: 'string' },
      'faults-every-ms': { type: 'string' },
      short: { type: 'boolean', default: false },
      baseline: { type: 'boolean', default: false },
      rate: { type: 'string' },
      workers: { type: 'string' },
      concurrency: { type: 'string' },
      'pg-outage-ms': { type: 'string' },
      'drain-timeout-ms': { type: 'string' },
      keep: { type: 'boolean', default: false },
      'sweeper-only': { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const missing = missingTools();
  if (missing) {
    console.error(missing);
    return 2;
  }
  const given: Partial<ChaosOptions> = {
    jobs: num(values.jobs, 'jobs'),
    seed: num(values.seed, 'seed'),
    faultsEveryMs: num(values['faults-every-ms'], 'faults-every-ms'),
    ratePerSecond: num(values.rate, 'rate'),
    workers: num(values.workers, 'workers'),
    concurrency: num(values.concurrency, 'concurrency'),
    pgOutageMs: num(values['pg-outage-ms'], 'pg-outage-ms'),
    drainTimeoutMs: num(values['drain-timeout-ms'], 'drain-timeout-ms'),
    outDir: values.out ? path.resolve(values.out) : undefined,
    baseline: values.baseline,
    keep: values.keep,
    sweeperOnly: values['sweeper-only'],
  };
  const options: Partial<ChaosOptions> = {
    ...(values.short ? SHORT_OPTIONS : {}),
    ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
  };
  const controller = new AbortController();
  let interrupted = 0;
  const onSignal = () => {
    interrupted += 1;
    if (interrupted > 1) process.exit(130);
    console.error('\nchaos: stopping (child processes, Redis, the chaos cluster)…');
    process.exitCode = 130;
    controller.abort();
    void cleanupActiveRun().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const report = await runChaos({ ...options, say: (line) => console.log(line), signal: controller.signal });
  const outDir = options.outDir ?? DEFAULT_OPTIONS.outDir;
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'chaos.json');
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  printReport(report);
  console.log(
    `\nwrote ${path.relative(process.cwd(), file)} (process logs in ${path.relative(process.cwd(), path.join(outDir, 'logs'))})`,
  );
  return report.pass ? 0 : 1;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (!process.exitCode) console.error(`chaos: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
}
// Whatever handle is left (a pool's idle timer, a socket) must not keep the command alive.
process.exit(process.exitCode);
