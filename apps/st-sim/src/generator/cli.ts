// CLI: npm run tenant:generate -- --jobs 2000 --seed 1 --out <dir> [--start YYYY-MM-DD] [--months 12] [--no-payments] [--evidence]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateTenant, writeTenantFixture } from './index.ts';

const USAGE = `Usage: npm run tenant:generate -- --jobs <n> --seed <n> --out <dir> [options]

Writes a SYNTHETIC ServiceTitan tenant fixture (plus ground truth in _truth/ and a bank
statement in _bank/).

  --jobs <n>          number of jobs (positive integer)
  --seed <n>          random seed (integer); same seed, same output
  --out <dir>         output directory (created; generated files are replaced)
  --start <date>      first day of the period, YYYY-MM-DD (default 2025-11-01)
  --months <n>        length of the period, 1-60 (default 12)
  --no-payments       no payments, payment types or bank statement
  --personas          customer payment personas (prompt, slow, disputes, never after 90 days)
  --evidence          also estimates, installed equipment and job photos (some deliberately
                      wrong), with their ground truth in _truth/evidence.json; the other
                      files are the same as without it
  -h, --help          show this help
`;

class UsageError extends Error {}

function integer(name: string, raw: string | undefined, min: number, max: number): number {
  if (raw === undefined) throw new UsageError(`--${name} is required`);
  if (!/^-?\d+$/.test(raw)) throw new UsageError(`--${name} must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function parse(argv: string[]) {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        jobs: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        start: { type: 'string' },
        months: { type: 'string' },
        'no-payments': { type: 'boolean', default: false },
        personas: { type: 'boolean', default: false },
        evidence: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return null;
  const jobs = integer('jobs', values.jobs as string | undefined, 1, 5_000_000);
  const seed = integer('seed', values.seed as string | undefined, -2_147_483_648, 2_147_483_647);
  const months = values.months === undefined ? 12 : integer('months', values.months as string, 1, 60);
  if (!values.out) throw new UsageError('--out is required');
  let start: Date | undefined;
  if (values.start !== undefined) {
    const s = values.start as string;
    start = new Date(`${s}T00:00:00Z`);
    if (
      !/^\d{4}-\d{2}-\d{2}$/.test(s) ||
      Number.isNaN(start.getTime()) ||
      start.toISOString().slice(0, 10) !== s
    ) {
      throw new UsageError(`--start must be a date like 2025-11-01, got "${s}"`);
    }
  }
  return {
    jobs,
    seed,
    months,
    start,
    out: values.out as string,
    payments: !values['no-payments'],
    personas: values.personas === true,
    evidence: values.evidence === true,
  };
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (!args) {
    process.stdout.write(USAGE);
    return 0;
  }
  const t0 = performance.now();
  const result = generateTenant({
    jobs: args.jobs,
    seed: args.seed,
    months: args.months,
    payments: args.payments,
    personas: args.personas,
    evidence: args.evidence,
    ...(args.start ? { start: args.start } : {}),
  });
  const t1 = performance.now();
  const out = path.resolve(args.out);
  await writeTenantFixture(out, result);
  const t2 = performance.now();
  const s = result.truth.summary;
  process.stdout.write(
    [
      `SYNTHETIC tenant written to ${out}`,
      `  jobs ${s.counts['jpm/jobs']} (completed ${s.completedJobs}), invoices ${s.counts['accounting/invoices']}, SKUs ${s.counts.skus}, customers ${s.counts['crm/customers']}`,
      `  office-added items ${Object.values(s.missedByCategory).reduce((a, b) => a + b, 0)} on ${s.invoicesWithOfficeAdditions} invoices; payments ${s.counts['accounting/payments']}; bank lines ${s.counts.bankLines}`,
      ...(result.evidence
        ? [
            `  evidence: estimates ${JSON.stringify(result.evidence.truth.summary.estimates)}, sold-not-invoiced items ${result.evidence.truth.summary.soldNotInvoiced}, photos ${JSON.stringify(result.evidence.truth.summary.photos)}, nameplates ${result.evidence.truth.summary.nameplates}`,
          ]
        : []),
      `  generated in ${((t1 - t0) / 1000).toFixed(1)} s, written in ${((t2 - t1) / 1000).toFixed(1)} s`,
      '',
    ].join('\n'),
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
