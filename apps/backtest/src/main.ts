// npm run backtest -- --tenant <fixture dir> [--from DATE] [--to DATE] [--calibrate-days N] [--provider local|openai] [--out DIR]
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { InvalidInputError } from '@invoicer/core';
import { BaseEnv, checkRedis, createLogger, loadConfig, runCli } from '@invoicer/platform';
import { loadTenantFixture } from '@invoicer/servicetitan';
import { backtestDatabaseUrl, freshDatabase } from './database.ts';
import { buildReport, terminalSummary, writeReport } from './report.ts';
import { runBacktest, type TruthJob } from './run.ts';

const USAGE = `Usage: npm run backtest -- --tenant <fixture dir> [options]
  --from <date>          replay jobs completed on or after this date (earlier jobs are history)
  --to <date>            ... and before this date
  --provider <name>      local (default) or openai (OPENAI_API_KEY / OPENAI_BASE_URL)
  --out <dir>            where to write report.md, report.html, report.json, drafts.jsonl
  --concurrency <n>      worker concurrency per stage (default 8)
  --period-days <n>      replay a period at a time; each job learns from history before its
                         period (default 7; 1 is most faithful, slower)
  --calibrate-days <n>   also replay the n days before --from as a calibration window: the
                         auto-approval threshold recommended from them (≥ 99.5% exact) is stored
                         as the tenant's recommendation and put in force for the jobs from --from
                         on, which alone are scored (default 28; 0 disables; needs --from)

Uses its own database (BACKTEST_DATABASE_URL, default <DATABASE_URL>_backtest), recreated each run.`;

function date(value: string | undefined, flag: string): Date | null {
  if (!value) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime()))
    throw new InvalidInputError(`${flag} "${value}" is not a date (use YYYY-MM-DD)`);
  return d;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      provider: { type: 'string', default: 'local' },
      out: { type: 'string' },
      concurrency: { type: 'string', default: '8' },
      'period-days': { type: 'string', default: '7' },
      'calibrate-days': { type: 'string', default: '56' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.tenant) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  if (values.provider !== 'local' && values.provider !== 'openai')
    throw new InvalidInputError(`--provider must be local or openai, not "${values.provider}"`);
  const calibrateDays = Number(values['calibrate-days']);
  if (!Number.isInteger(calibrateDays) || calibrateDays < 0)
    throw new InvalidInputError('--calibrate-days must be a whole number of days (0 disables)');
  const from = date(values.from, '--from');
  if (calibrateDays && !from)
    console.error(
      'No --from: no calibration window, so no threshold is recommended (give --from to get one).',
    );
  const env = loadConfig(BaseEnv);
  const databaseUrl = process.env.BACKTEST_DATABASE_URL ?? backtestDatabaseUrl(env.DATABASE_URL);
  const fixture = loadTenantFixture(values.tenant);
  const truthFile = path.join(values.tenant, '_truth/jobs.json');
  const truth = existsSync(truthFile) ? (JSON.parse(readFileSync(truthFile, 'utf8')) as TruthJob[]) : null;
  await checkRedis(env.REDIS_URL);
  await freshDatabase(databaseUrl);
  const out =
    values.out ?? path.resolve('.out', `backtest-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const log = createLogger({ name: 'backtest', level: process.env.LOG_LEVEL ?? 'error' });
  const prefix = `backtest-${Date.now().toString(36)}`;
  const run = await runBacktest({
    fixture,
    truth,
    from,
    to: date(values.to, '--to'),
    provider: values.provider,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    },
    concurrency: Number(values.concurrency),
    periodDays: Number(values['period-days']),
    calibrateDays: from ? calibrateDays : 0,
    log,
    onProgress: (p) => {
      const rate = p.done / Math.max(p.elapsedMs / 1000, 0.001);
      process.stderr.write(
        `\r  day ${p.day}/${p.days} · ${p.done}/${p.total} jobs · ${rate.toFixed(1)} jobs/s   `,
      );
    },
  });
  process.stderr.write('\n');
  const report = buildReport(run.outcomes, run);
  writeReport(
    out,
    report,
    run.outcomes,
    `${fixture.meta.name}${truth ? '' : ' (no ground truth: declined items not checked)'}`,
    run.calibration?.outcomes,
  );
  console.log(terminalSummary(report));
  console.log(
    `\nReport: ${path.join(out, 'report.md')} · ${path.join(out, 'report.html')} · report.json · drafts.jsonl`,
  );
  return 0;
}

runCli('backtest', main);
