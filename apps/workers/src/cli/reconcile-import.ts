// `npm run reconcile:import -- <file> [--tenant <id>] [--format ofx|camt|bai2|nacha|csv]
//   [--csv-mapping <json>|stripe|paypal] [--dry-run] [--confirm]`
// Import a bank statement, store its transactions (idempotent by fingerprint) and queue every
// new credit for reconciliation by the workers. A file that does not fit the shop (another
// currency, an account never imported, dates years before the first job) is refused with the
// reasons unless --confirm is given; --dry-run reports the same reasons and the first rows.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, errorMessage, InvalidInputError, ServiceUnavailableError } from '@invoicer/core';
import { checkPostgres, createDb, type Db, listTenants } from '@invoicer/db';
import { describeImport, ImportNeedsConfirmation, importBankStatement } from '@invoicer/pipeline';
import { BaseEnv, checkRedis, createProducerConnection, loadConfig, QueueSet } from '@invoicer/platform';
import {
  type CsvMapping,
  type CsvPreset,
  type StatementFormat,
  StatementParseError,
} from '@invoicer/reconcile';

const FORMATS = ['ofx', 'camt', 'bai2', 'nacha', 'csv'] as const;
const PRESETS: Record<string, CsvPreset> = {
  stripe: 'stripe_balance_transactions',
  paypal: 'paypal_activity',
  stripe_balance_transactions: 'stripe_balance_transactions',
  paypal_activity: 'paypal_activity',
};
const USAGE =
  'usage: npm run reconcile:import -- <file> [--tenant <id>] [--format ofx|camt|bai2|nacha|csv] ' +
  '[--csv-mapping <json>|stripe|paypal] [--dry-run] [--confirm]';

function csvMapping(value: string | undefined): CsvMapping | CsvPreset | undefined {
  if (value === undefined) return undefined;
  const preset = PRESETS[value.toLowerCase()];
  if (preset) return preset;
  try {
    return JSON.parse(value) as CsvMapping;
  } catch {
    throw new InvalidInputError(`--csv-mapping is neither stripe, paypal nor JSON: ${value}`);
  }
}

async function resolveTenant(db: Db, wanted: string | undefined): Promise<string> {
  if (wanted) return wanted;
  const tenants = await listTenants(db);
  if (tenants.length === 1) return tenants[0]!.id;
  throw new InvalidInputError(
    tenants.length === 0
      ? 'no tenant is registered yet'
      : `several tenants are registered; pass --tenant (${tenants.map((t) => t.id).join(', ')})`,
  );
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      format: { type: 'string' },
      'csv-mapping': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      confirm: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const format = values.format?.toLowerCase();
  if (format && !FORMATS.includes(format as StatementFormat)) {
    console.error(`--format must be one of ${FORMATS.join(', ')}\n${USAGE}`);
    return 2;
  }
  const file = path.resolve(positionals[0]!);
  let buffer: Buffer;
  try {
    buffer = readFileSync(file);
  } catch (error) {
    console.error(`cannot read ${file}: ${errorMessage(error)}`);
    return 2;
  }
  const env = loadConfig(BaseEnv);
  await checkPostgres(env.DATABASE_URL);
  const dryRun = values['dry-run'] ?? false;
  if (!dryRun) await checkRedis(env.REDIS_URL);
  const db = createDb(env.DATABASE_URL);
  const redis = dryRun ? null : createProducerConnection(env.REDIS_URL);
  const queues = redis ? new QueueSet(redis, env.QUEUE_PREFIX) : null;
  try {
    const tenantId = await resolveTenant(db, values.tenant);
    const report = await importBankStatement(db, queues, tenantId, buffer, {
      fileName: path.basename(file),
      format: format as StatementFormat | undefined,
      csvMapping: csvMapping(values['csv-mapping']),
      dryRun,
      confirm: values.confirm ?? false,
      importedBy: `cli:${process.env.USER ?? 'unknown'}`,
    });
    for (const line of describeImport(report)) console.log(line);
    if (dryRun && report.rows.length) {
      console.log('rows (date, amount, description, reference):');
      for (const r of report.rows)
        console.log(
          `  ${r.date}  ${r.amount.padStart(12)} ${r.currency}  ${r.description}  ${r.reference ?? ''}`,
        );
      if (report.moreRows) console.log(`  … and ${report.moreRows} more row(s)`);
    }
    return 0;
  } catch (error) {
    if (error instanceof StatementParseError) {
      console.error(`refused: ${file} is not a readable ${error.format ?? 'bank'} file`);
      for (const issue of error.issues) console.error(`  ${issue}`);
      return 1;
    }
    if (error instanceof ImportNeedsConfirmation) {
      console.error(`refused: ${file} does not look like this shop's file; nothing was stored:`);
      for (const check of error.checks) console.error(`  ${check.message}`);
      console.error('If it is the right file, run the same command again with --confirm.');
      return 1;
    }
    if (error instanceof InvalidInputError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await queues?.close();
    redis?.disconnect();
    await db.$disconnect();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof ConfigError || error instanceof ServiceUnavailableError) {
    console.error(error.message);
    process.exitCode = 2;
  } else throw error;
}
