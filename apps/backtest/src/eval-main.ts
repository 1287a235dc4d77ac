// npm run eval [-- --shops A,B,gen-11-1200] [--quick] [--check] [--out DIR]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { InvalidInputError } from '@invoicer/core';
import { BaseEnv, checkRedis, createLogger, loadConfig, runCli } from '@invoicer/platform';
import {
  assemble,
  DEFAULT_CALIBRATE_DAYS,
  DEFAULT_EVAL_SHOPS_DIR,
  defaultShops,
  evalShopMissing,
  formatTable,
  listEvalShops,
  parseShop,
  REPO_ROOT,
  runEval,
  type ShopSpec,
  scoreDraftsFile,
  writeEvalOutput,
} from './eval.ts';

const USAGE = `Usage: npm run eval -- [options]
Replays every evaluation shop through the real pipeline (one at a time, each on its own
database and Redis prefix) and prints one table: a row per shop, then the mean and the worst.

  --shops <list>         comma-separated: eval shops by name (A,B,C,D from ../shared/eval-shops)
                         and generated shops as gen-<seed>-<jobs> (default: A,B,C,D,
                         gen-11-1200,gen-21-2000,gen-5-350)
  --quick                a small set for CI: C and gen-5-350
  --out <dir>            where eval.json and each shop's drafts.jsonl / report.json go
                         (default .data/eval/<timestamp>/, and .data/eval/latest.json a copy of its eval.json)
  --check                exit 1 when any shop is below the targets
  --eval-shops <dir>     the eval shops (default ../shared/eval-shops next to the repository)
  --provider <name>      local (default) or openai
  --concurrency <n>      worker concurrency per stage (default 8)
  --period-days <n>      replay a period at a time (default 7, as the backtest)
  --calibrate-days <n>   replay the n days before each shop's evaluated jobs as a calibration
                         window; the threshold recommended from it (≥ 99.5% exact) is put in
                         force for the evaluated jobs (default ${DEFAULT_CALIBRATE_DAYS}; 0 disables)
  --drafts <file>        score an existing drafts.jsonl for the one shop in --shops (no replay)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      shops: { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      check: { type: 'boolean', default: false },
      'eval-shops': { type: 'string' },
      provider: { type: 'string', default: 'local' },
      concurrency: { type: 'string', default: '8' },
      'period-days': { type: 'string', default: '7' },
      'calibrate-days': { type: 'string', default: String(DEFAULT_CALIBRATE_DAYS) },
      drafts: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.provider !== 'local' && values.provider !== 'openai')
    throw new InvalidInputError(`--provider must be local or openai, not "${values.provider}"`);
  const concurrency = Number(values.concurrency);
  const periodDays = Number(values['period-days']);
  if (!(concurrency >= 1) || !(periodDays >= 1))
    throw new InvalidInputError('--concurrency and --period-days must be positive numbers');
  const calibrateDays = Number(values['calibrate-days']);
  if (!Number.isInteger(calibrateDays) || calibrateDays < 0)
    throw new InvalidInputError('--calibrate-days must be a whole number of days (0 disables)');
  const evalShopsDir = path.resolve(values['eval-shops'] ?? DEFAULT_EVAL_SHOPS_DIR);
  const ids = (values.shops ? values.shops.split(',') : defaultShops(values.quick))
    .map((s) => s.trim())
    .filter(Boolean);
  if (!ids.length) throw new InvalidInputError('--shops names no shop');
  const specs = ids.map((id) => parseShop(id, evalShopsDir));

  const skipped: { shop: string; reason: string }[] = [];
  const runnable: ShopSpec[] = [];
  for (const spec of specs) {
    const missing = evalShopMissing(spec);
    if (missing) skipped.push({ shop: spec.id, reason: missing });
    else runnable.push(spec);
  }
  if (skipped.length) {
    const available = listEvalShops(evalShopsDir);
    console.log(
      `Skipping eval shop${skipped.length > 1 ? 's' : ''} ${skipped.map((s) => s.shop).join(', ')}: ` +
        (available.length
          ? `not in ${evalShopsDir} (it has ${available.join(', ')})`
          : `the eval shops are not here (${evalShopsDir} is absent; they live in ../shared/eval-shops next to the repository)`),
    );
  }

  if (values.drafts) {
    if (runnable.length !== 1)
      throw new InvalidInputError('--drafts scores exactly one shop: give it with --shops');
    const row = scoreDraftsFile(runnable[0]!, path.resolve(values.drafts));
    const result = assemble(
      [row],
      { shops: runnable, provider: values.provider, concurrency, periodDays, calibrateDays: 0 },
      new Date(),
      [],
    );
    console.log(formatTable(result));
    console.log(JSON.stringify(row));
    return 0;
  }
  if (!runnable.length) {
    console.log('Nothing to evaluate.');
    return values.check ? 1 : 0;
  }

  const env = loadConfig(BaseEnv);
  await checkRedis(env.REDIS_URL);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = path.resolve(values.out ?? path.join(REPO_ROOT, '.data/eval', stamp));
  const log = createLogger({ name: 'eval', level: process.env.LOG_LEVEL ?? 'error' });
  let cleanup: (() => Promise<void>) | null = null;
  const interrupt = () => {
    process.stderr.write('\ninterrupted: dropping this shop’s database and Redis keys…\n');
    void (cleanup?.() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  console.log(
    `Evaluating ${runnable.length} shop${runnable.length > 1 ? 's' : ''} (${runnable.map((s) => s.id).join(', ')}), one at a time → ${outDir}`,
  );
  const tty = process.stderr.isTTY;
  let lastShop = '';
  const result = await runEval({
    shops: runnable,
    skipped,
    outDir,
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' },
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    log,
    provider: values.provider,
    concurrency,
    periodDays,
    calibrateDays,
    onCleanup: (fn) => {
      cleanup = fn;
    },
    onProgress: (line) => {
      const shop = line.split(':')[0]!;
      if (tty) process.stderr.write(`\r  ${line}   `);
      else if (shop !== lastShop) process.stderr.write(`  ${shop}: replaying…\n`);
      lastShop = shop;
    },
  });
  if (tty) process.stderr.write('\n');
  // latest.json follows the runs kept in the default place; an explicit --out leaves it alone.
  const latest = values.out ? null : path.join(REPO_ROOT, '.data/eval/latest.json');
  const file = writeEvalOutput(outDir, result, latest);
  console.log('');
  console.log(formatTable(result));
  console.log(
    `\n${result.seconds} s in all. JSON: ${file}${latest ? ` (and ${latest})` : ''}; per shop: ${outDir}/<shop>/drafts.jsonl, report.json`,
  );
  const errored = result.shops.some((r) => r.error);
  if (values.check) return result.verdict.meets_targets ? 0 : 1;
  return errored ? 1 : 0;
}

runCli('eval', main);
