// npm run evidence:eval -- --seed 5 --jobs 350 [--months 12] [--period-days 7]
//                          | --tenant <dir generated with --evidence>
// Generates (or reads) a shop with the evidence scenario, replays every completed job through the
// real pipeline with the evidence stage on (photos, nameplates with Tesseract), and prints the
// stage's figures against the issue 18 targets. Uses its own database (<DATABASE_URL>_evidence,
// recreated) and a fresh Redis prefix. Exit code 1 when a target is missed.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { dropDatabase } from '@invoicer/backtest';
import { InvalidInputError } from '@invoicer/core';
import { prepareDatabase, startCluster } from '@invoicer/demo';
import { BaseEnv, checkRedis, createLogger, loadConfig, runCli } from '@invoicer/platform';
import { loadTenantFixture } from '@invoicer/servicetitan';
import { loadSimEvidence } from '@invoicer/st-sim';
import { type EvidenceTruth, generateTenant } from '@invoicer/st-sim/generator';
import { evidenceSettings, replayEnv, replayEvidence, replaySimOptions, simEvidenceOf } from './replay.ts';
import { formatScore, scoreEvidence, unmetTargets } from './score.ts';

const USAGE = `Usage: npm run evidence:eval -- (--seed <n> --jobs <n> [--months <n>] | --tenant <dir>) [--period-days 7] [--concurrency 4]`;

function int(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new InvalidInputError(`${flag} must be an integer, got "${value}"`);
  return Number(value);
}

/** Its own database, recreated each run (dropped with the cross-shop eval's helper). */
async function freshDatabase(url: string): Promise<void> {
  await dropDatabase(url);
  await prepareDatabase(url);
}

function loadShop(values: { seed?: string; jobs?: string; months?: string; tenant?: string }) {
  if (values.tenant) {
    const evidence = loadSimEvidence(values.tenant);
    if (!evidence)
      throw new InvalidInputError(`${values.tenant} has no evidence files (generate it with --evidence)`);
    const truth = JSON.parse(
      readFileSync(path.join(values.tenant, '_truth/evidence.json'), 'utf8'),
    ) as EvidenceTruth;
    return { label: values.tenant, fixture: loadTenantFixture(values.tenant), evidence, truth };
  }
  const seed = int(values.seed, '--seed');
  const jobs = int(values.jobs, '--jobs');
  if (seed === undefined || jobs === undefined) throw new InvalidInputError(USAGE);
  const shop = generateTenant({
    seed,
    jobs,
    months: int(values.months, '--months'),
    payments: false,
    evidence: true,
  });
  return {
    label: `generated shop seed ${seed}, ${jobs} jobs`,
    fixture: shop.fixture,
    evidence: simEvidenceOf(shop.evidence!),
    truth: shop.evidence!.truth,
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      jobs: { type: 'string' },
      months: { type: 'string' },
      tenant: { type: 'string' },
      'period-days': { type: 'string', default: '7' },
      concurrency: { type: 'string', default: '4' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const shop = loadShop(values);
  const periodDays = int(values['period-days'], '--period-days') ?? 7;
  const env = loadConfig(BaseEnv);
  const databaseUrl = new URL(env.DATABASE_URL);
  databaseUrl.pathname = `${databaseUrl.pathname.replace(/\/$/, '')}_evidence`;
  await checkRedis(env.REDIS_URL);
  await freshDatabase(databaseUrl.toString());
  const log = createLogger({ name: 'evidence-eval', level: process.env.LOG_LEVEL ?? 'error' });
  const cluster = await startCluster({
    fixture: shop.fixture,
    tenantId: 'evidence-eval',
    env: {
      ...process.env,
      ...replayEnv(periodDays),
      DATABASE_URL: databaseUrl.toString(),
      QUEUE_PREFIX: `evidence-${Date.now().toString(36)}`,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
      WORKER_CONCURRENCY: values.concurrency,
    },
    credentialsKey: randomBytes(32),
    webhooks: false,
    sim: replaySimOptions(shop, shop.evidence),
    settings: evidenceSettings(shop.fixture.meta.timezone),
    log,
  });
  let runs: Awaited<ReturnType<typeof replayEvidence>>;
  try {
    runs = await replayEvidence(cluster, {
      periodDays,
      log,
      onProgress: (done, ms) =>
        process.stderr.write(`\r  ${done} jobs · ${(done / (ms / 1000)).toFixed(1)} jobs/s   `),
    });
  } finally {
    await cluster.close();
  }
  process.stderr.write('\n');
  const score = scoreEvidence(shop.truth, runs);
  console.log(`Evidence evaluation: ${shop.label}\n${formatScore(score)}`);
  const unmet = unmetTargets(score);
  if (score.soldNotInvoiced.missed.length)
    console.log(`missed sold items: ${JSON.stringify(score.soldNotInvoiced.missed.slice(0, 10))}`);
  if (score.soldNotInvoiced.falseSuggestions.length)
    console.log(`false suggestions: ${JSON.stringify(score.soldNotInvoiced.falseSuggestions.slice(0, 10))}`);
  if (score.photos.goodFlaggedList.length)
    console.log(`good photos flagged: ${JSON.stringify(score.photos.goodFlaggedList.slice(0, 10))}`);
  if (score.nameplates.serialMisses.length)
    console.log(`serials misread: ${JSON.stringify(score.nameplates.serialMisses.slice(0, 10))}`);
  console.log(unmet.length ? `Targets missed: ${unmet.join('; ')}` : 'All targets met.');
  return unmet.length ? 1 : 0;
}

runCli('evidence-eval', main);
