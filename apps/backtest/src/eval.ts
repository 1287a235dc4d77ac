// The cross-shop evaluation: replay every evaluation shop through the real pipeline (the
// backtest, one shop at a time, each on a fresh database and Redis prefix of its own) and score
// the drafts with the pure metrics in eval-score.ts. Shops are the independent development
// shops in ../shared/eval-shops (A–D; their truth/ is read here, for scoring only, never by the
// product) and shops from our own generator at several seeds and sizes.
//
// Each shop is replayed with a calibration window (default the 56 days before its evaluated
// jobs): the auto-approval threshold recommended from it is put in force for the evaluated jobs,
// so auto_post and wrong auto-posts measure it out of time; the in-sample "auto @99.5%" is kept
// beside it. Calibration jobs are never scored.
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errorMessage, InvalidInputError } from '@invoicer/core';
import { createProducerConnection, type Logger } from '@invoicer/platform';
import { loadTenantFixture, type TenantFixture } from '@invoicer/servicetitan';
import { generateTenant } from '@invoicer/st-sim/generator';
import pg from 'pg';
import { freshDatabase } from './database.ts';
import {
  type CalibrationMetrics,
  calibrationMetrics,
  type EvalDraft,
  type EvalJob,
  ROW_KEYS,
  type Row,
  type ShopMetrics,
  shopMetrics,
  summaryRows,
  TARGETS,
  TARGETS_TEXT,
  targetFailures,
} from './eval-score.ts';
import { buildReport, writeReport } from './report.ts';
import { runBacktest, type TruthJob } from './run.ts';
import type { JobOutcome } from './score.ts';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
/** The independent development shops, next to the repository: `../shared/eval-shops`. */
export const DEFAULT_EVAL_SHOPS_DIR = path.resolve(REPO_ROOT, '../shared/eval-shops');
export const EVAL_SHOP_IDS = ['A', 'B', 'C', 'D'] as const;
/** Seed 11 (1,200 jobs), seed 21 (2,000 jobs), seed 5 (350 jobs: about 230 jobs of history). */
export const DEFAULT_GENERATED = ['gen-11-1200', 'gen-21-2000', 'gen-5-350'] as const;
export const QUICK_SHOPS = ['C', 'gen-5-350'] as const;
/** Days before each shop's evaluated jobs replayed to recommend its threshold (0: none). */
export const DEFAULT_CALIBRATE_DAYS = 56;

/** A generated shop replays its last 20% of completed jobs, at least 100 and at most 250. */
export const GENERATED_REPLAY = { share: 0.2, min: 100, max: 250 } as const;

export type ShopSpec =
  | { id: string; kind: 'eval'; dir: string }
  | { id: string; kind: 'generated'; seed: number; jobs: number };

const GENERATED_ID = /^gen-(\d+)-(\d+)$/;

/** `A`, `B`… (a directory of the eval shops) or `gen-<seed>-<jobs>`. */
export function parseShop(id: string, evalShopsDir: string): ShopSpec {
  const g = GENERATED_ID.exec(id);
  if (g) {
    const jobs = Number(g[2]);
    if (jobs < 50) throw new InvalidInputError(`shop ${id}: a generated shop needs at least 50 jobs`);
    return { id, kind: 'generated', seed: Number(g[1]), jobs };
  }
  if (/^[A-Za-z0-9_-]+$/.test(id)) return { id, kind: 'eval', dir: path.join(evalShopsDir, id) };
  throw new InvalidInputError(`shop "${id}" is neither an eval shop name (A, B, …) nor gen-<seed>-<jobs>`);
}

export function defaultShops(quick: boolean): string[] {
  return quick ? [...QUICK_SHOPS] : [...EVAL_SHOP_IDS, ...DEFAULT_GENERATED];
}

/** Why an eval shop cannot be run here (its directory or its truth is absent), or null. */
export function evalShopMissing(spec: ShopSpec): string | null {
  if (spec.kind !== 'eval') return null;
  if (!existsSync(spec.dir)) return `${spec.dir} not found`;
  if (!existsSync(path.join(spec.dir, 'truth/annotations.json')))
    return `${path.join(spec.dir, 'truth/annotations.json')} not found`;
  return null;
}

// ---- a shop ready to replay: fixture, window, the jobs it is judged on, and the truth for scoring

export interface PreparedShop {
  spec: ShopSpec;
  fixture: TenantFixture;
  from: Date;
  /** The evaluated jobs (eval shops: the annotated jobs; generated: every job replayed). */
  jobIds: number[];
  historyJobs: number;
  declined: Map<number, number[]>;
  source: string;
}

interface Annotation {
  declined?: string[];
}

function skuIdsByCode(fixture: TenantFixture): Map<string, number> {
  const out = new Map<string, number>();
  for (const list of [
    fixture['pricebook/services'],
    fixture['pricebook/materials'],
    fixture['pricebook/equipment'],
    fixture['pricebook/discounts-and-fees'],
  ])
    for (const s of list) out.set(s.code, s.id);
  return out;
}

function completedOn(fixture: TenantFixture): { id: number; at: string }[] {
  return fixture['jpm/jobs']
    .filter((j) => j.jobStatus === 'Completed' && j.completedOn)
    .map((j) => ({ id: j.id, at: j.completedOn! }))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id - b.id);
}

export function prepareShop(spec: ShopSpec): PreparedShop {
  if (spec.kind === 'eval') {
    const fixture = loadTenantFixture(spec.dir);
    // truth/ is read here, for scoring only; the fixture loader never opens it.
    const meta = JSON.parse(readFileSync(path.join(spec.dir, 'truth/meta.json'), 'utf8')) as {
      eval_start: string;
    };
    const annotations = JSON.parse(
      readFileSync(path.join(spec.dir, 'truth/annotations.json'), 'utf8'),
    ) as Record<string, Annotation>;
    const from = new Date(`${meta.eval_start.slice(0, 10)}T00:00:00Z`);
    const codes = skuIdsByCode(fixture);
    const declined = new Map<number, number[]>();
    for (const [jobId, a] of Object.entries(annotations))
      declined.set(
        Number(jobId),
        (a.declined ?? []).flatMap((c) => (codes.has(c) ? [codes.get(c)!] : [])),
      );
    const completed = completedOn(fixture);
    return {
      spec,
      fixture,
      from,
      jobIds: Object.keys(annotations)
        .map(Number)
        .sort((a, b) => a - b),
      historyJobs: completed.filter((j) => Date.parse(j.at) < from.getTime()).length,
      declined,
      source: spec.dir,
    };
  }
  const generated = generateTenant({ jobs: spec.jobs, seed: spec.seed, payments: false });
  const fixture = generated.fixture;
  const completed = completedOn(fixture);
  const replay = Math.min(
    completed.length,
    Math.max(
      GENERATED_REPLAY.min,
      Math.min(GENERATED_REPLAY.max, Math.floor(completed.length * GENERATED_REPLAY.share)),
    ),
  );
  const first = completed[completed.length - replay]!;
  const from = new Date(first.at);
  const declined = new Map<number, number[]>();
  for (const t of generated.truth.jobs)
    declined.set(
      t.jobId,
      t.mentions.flatMap((m) => (m.skuId !== null ? [m.skuId] : [])),
    );
  return {
    spec,
    fixture,
    from,
    jobIds: completed
      .filter((j) => Date.parse(j.at) >= from.getTime())
      .map((j) => j.id)
      .sort((a, b) => a - b),
    historyJobs: completed.filter((j) => Date.parse(j.at) < from.getTime()).length,
    declined,
    source: `generator seed ${spec.seed}, ${spec.jobs} jobs, last ${replay} completed jobs replayed`,
  };
}

/** The truth the backtest's own report uses (declined SKUs per job). */
function backtestTruth(shop: PreparedShop): TruthJob[] {
  return [...shop.declined].map(([jobId, skuIds]) => ({
    jobId,
    mentions: skuIds.map((skuId) => ({ skuId })),
  }));
}

// ---- drafts → scoring input

export function draftFromOutcome(o: JobOutcome): EvalDraft {
  return {
    route: o.route,
    confidence: o.confidence,
    lines: (o.draft?.lines ?? []).map((l) => ({
      skuId: l.skuId,
      quantity: l.quantity,
      confidence: l.confidence,
    })),
    salesTax: o.draft?.salesTax ?? null,
    total: o.draft?.total ?? null,
  };
}

interface DraftRow {
  jobId: number | string;
  route?: string;
  confidence?: number | null;
  salesTax?: string | number | null;
  total?: string | number | null;
  lines?: {
    skuId?: number | null;
    skuCode?: string | null;
    quantity: string | number;
    confidence?: number;
  }[];
}

const str = (v: string | number | null | undefined) => (v === null || v === undefined ? null : String(v));

/** Read a backtest's drafts.jsonl (as written with --out) into drafts by job id. */
export function draftsFromJsonl(text: string, fixture: TenantFixture): Map<number, EvalDraft> {
  const codes = skuIdsByCode(fixture);
  const out = new Map<number, EvalDraft>();
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    const d = JSON.parse(raw) as DraftRow;
    out.set(Number(d.jobId), {
      route: d.route ?? 'unknown',
      confidence: typeof d.confidence === 'number' ? d.confidence : null,
      lines: (d.lines ?? []).map((l) => ({
        skuId: l.skuId ?? (l.skuCode ? (codes.get(l.skuCode) ?? null) : null),
        quantity: String(l.quantity),
        confidence: l.confidence ?? null,
      })),
      salesTax: str(d.salesTax),
      total: str(d.total),
    });
  }
  return out;
}

/** Each evaluated job with its final invoice (as billed in the end) and its draft, if any. */
export function evalJobs(shop: PreparedShop, drafts: Map<number, EvalDraft>): EvalJob[] {
  const { fixture } = shop;
  const jobs = new Map(fixture['jpm/jobs'].map((j) => [j.id, j]));
  const invoices = new Map(fixture['accounting/invoices'].map((i) => [i.id, i]));
  const invoiceByJob = new Map(fixture['accounting/invoices'].map((i) => [i.job?.id, i]));
  return shop.jobIds.flatMap((jobId) => {
    const job = jobs.get(jobId);
    if (!job?.completedOn) return [];
    const invoice = (job.invoiceId ? invoices.get(job.invoiceId) : undefined) ?? invoiceByJob.get(jobId);
    if (!invoice) return [];
    const completed = Date.parse(job.completedOn);
    return [
      {
        jobId,
        draft: drafts.get(jobId) ?? null,
        final: {
          items: (invoice.items ?? [])
            .filter((i) => i.active !== false)
            .map((i) => ({
              skuId: i.skuId ?? null,
              quantity: i.quantity,
              officeAdded: Date.parse(i.createdOn ?? '') > completed,
            })),
          salesTax: invoice.salesTax,
          total: invoice.total,
        },
        declinedSkuIds: shop.declined.get(jobId) ?? [],
      },
    ];
  });
}

// ---- running shops

export type Nullable<T> = { [K in keyof T]: T[K] | null };

export interface ShopResult extends Nullable<Row> {
  shop: string;
  kind: 'eval' | 'generated';
  source: string;
  from: string | null;
  history_jobs: number | null;
  backtest_seconds: number | null;
  meets_targets: boolean;
  failures: string[];
  error: string | null;
}

export interface ShopDatabase {
  url: string;
  drop(): Promise<void>;
}

export interface EvalOptions {
  shops: ShopSpec[];
  /** Where each shop's drafts.jsonl and report files go (`<outDir>/<shop>/`); null writes none. */
  outDir: string | null;
  env: NodeJS.ProcessEnv;
  /** The server and base name of each shop's database (unless `database` is given). */
  databaseUrl?: string;
  redisUrl: string;
  log: Logger;
  provider?: 'local' | 'openai';
  concurrency?: number;
  periodDays?: number;
  /** Calibration window before each shop's evaluated jobs (default DEFAULT_CALIBRATE_DAYS; 0: none). */
  calibrateDays?: number;
  /** A database per shop; default `<DATABASE_URL>_eval_<shop>_<pid>`, created, migrated and dropped. */
  database?: (slug: string) => Promise<ShopDatabase>;
  /** Redis key prefix per shop; default `eval-<shop>-<time>` (its keys are deleted afterwards). */
  queuePrefix?: (slug: string) => string;
  onProgress?: (line: string) => void;
  /** Registered while a shop runs, so an interrupt can drop its database and keys. */
  onCleanup?: (cleanup: (() => Promise<void>) | null) => void;
}

export function slugOf(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

export function evalDatabaseUrl(databaseUrl: string, slug: string): string {
  const u = new URL(databaseUrl);
  u.pathname = `${u.pathname.replace(/\/$/, '')}_eval_${slug}_${process.pid}`;
  return u.toString();
}

export async function dropDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}" WITH (FORCE)`);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = createProducerConnection(redisUrl, { lazyConnect: true, enableOfflineQueue: true });
  redis.on('error', () => {});
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

function resultRow(
  shop: PreparedShop | null,
  spec: ShopSpec,
  metrics: (ShopMetrics & CalibrationMetrics) | null,
  seconds: number,
  backtestSeconds: number | null,
  error: string | null,
): ShopResult {
  const failures = error ? [`error: ${error}`] : metrics ? targetFailures(metrics) : [];
  const row: ShopResult = {
    shop: spec.id,
    kind: spec.kind,
    source:
      shop?.source ?? (spec.kind === 'eval' ? spec.dir : `generator seed ${spec.seed}, ${spec.jobs} jobs`),
    from: shop ? shop.from.toISOString() : null,
    history_jobs: shop?.historyJobs ?? null,
  } as ShopResult;
  for (const k of ROW_KEYS)
    (row as unknown as Record<string, unknown>)[k] = metrics ? (metrics as Row)[k] : null;
  row.seconds = round(seconds);
  row.backtest_seconds = backtestSeconds === null ? null : round(backtestSeconds);
  row.meets_targets = !error && metrics !== null && failures.length === 0;
  row.failures = failures;
  row.error = error;
  return row;
}

/** Replay one shop and score it. Errors are reported in the row, not thrown. */
export async function runEvalShop(spec: ShopSpec, options: EvalOptions): Promise<ShopResult> {
  const started = performance.now();
  const slug = slugOf(spec.id);
  const say = options.onProgress ?? (() => {});
  let shop: PreparedShop | null = null;
  let backtestSeconds: number | null = null;
  let database: ShopDatabase | null = null;
  const prefix =
    options.queuePrefix?.(slug) ?? `eval-${slug}-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const cleanup = async () => {
    const db = database;
    database = null;
    if (db)
      await db
        .drop()
        .catch((e: unknown) =>
          console.error(`could not drop the database of ${spec.id}: ${errorMessage(e)}`),
        );
    await deleteRedisKeys(options.redisUrl, prefix).catch((e: unknown) =>
      console.error(`could not delete Redis keys ${prefix}*: ${errorMessage(e)}`),
    );
  };
  options.onCleanup?.(cleanup);
  try {
    shop = prepareShop(spec);
    database = options.database
      ? await options.database(slug)
      : await (async () => {
          if (!options.databaseUrl) throw new Error('runEvalShop needs databaseUrl or database');
          const url = evalDatabaseUrl(options.databaseUrl, slug);
          await freshDatabase(url);
          return { url, drop: () => dropDatabase(url) };
        })();
    const run = await runBacktest({
      fixture: shop.fixture,
      truth: backtestTruth(shop),
      from: shop.from,
      to: null,
      provider: options.provider ?? 'local',
      env: {
        ...options.env,
        DATABASE_URL: database.url,
        REDIS_URL: options.redisUrl,
        QUEUE_PREFIX: prefix,
        LOG_LEVEL: options.env.LOG_LEVEL ?? 'error',
      },
      concurrency: options.concurrency ?? 8,
      periodDays: options.periodDays ?? 7,
      calibrateDays: options.calibrateDays ?? DEFAULT_CALIBRATE_DAYS,
      log: options.log,
      onProgress: (p) =>
        say(
          `${spec.id}: day ${p.day}/${p.days} · ${p.done}/${p.total} jobs · ${(p.done / Math.max(p.elapsedMs / 1000, 0.001)).toFixed(1)} jobs/s`,
        ),
    });
    backtestSeconds = run.elapsedMs / 1000;
    const drafts = new Map(run.outcomes.map((o) => [o.jobId, draftFromOutcome(o)]));
    const metrics = { ...shopMetrics(evalJobs(shop, drafts)), ...calibrationMetrics(run.calibration) };
    if (options.outDir) {
      const dir = path.join(options.outDir, spec.id);
      writeReport(
        dir,
        buildReport(run.outcomes, run),
        run.outcomes,
        `${shop.fixture.meta.name} (${spec.id})`,
        run.calibration?.outcomes,
      );
    }
    return resultRow(shop, spec, metrics, (performance.now() - started) / 1000, backtestSeconds, null);
  } catch (error) {
    return resultRow(
      shop,
      spec,
      null,
      (performance.now() - started) / 1000,
      backtestSeconds,
      errorMessage(error),
    );
  } finally {
    await cleanup();
    options.onCleanup?.(null);
  }
}

/** Score an existing drafts.jsonl for one shop (no replay): the cross-check against score_shop.py. */
export function scoreDraftsFile(spec: ShopSpec, file: string): ShopResult {
  const started = performance.now();
  const shop = prepareShop(spec);
  const drafts = draftsFromJsonl(readFileSync(file, 'utf8'), shop.fixture);
  const metrics = { ...shopMetrics(evalJobs(shop, drafts)), ...calibrationMetrics(null) };
  return resultRow(shop, spec, metrics, (performance.now() - started) / 1000, null, null);
}

export interface EvalResult {
  schema: 'invoicer-eval/1';
  started_at: string;
  finished_at: string;
  seconds: number;
  options: {
    shops: string[];
    provider: string;
    concurrency: number;
    period_days: number;
    calibrate_days: number;
  };
  targets: typeof TARGETS;
  shops: ShopResult[];
  skipped: { shop: string; reason: string }[];
  mean: (Row & { shop: 'mean' }) | null;
  worst: (Row & { shop: 'worst' }) | null;
  verdict: { meets_targets: boolean; shops: number; shops_meeting: number; text: string };
}

export async function runEval(
  options: EvalOptions & { skipped?: { shop: string; reason: string }[] },
): Promise<EvalResult> {
  const startedAt = new Date();
  const rows: ShopResult[] = [];
  for (const spec of options.shops) rows.push(await runEvalShop(spec, options));
  return assemble(rows, options, startedAt, options.skipped ?? []);
}

export function assemble(
  rows: ShopResult[],
  options: Pick<EvalOptions, 'provider' | 'concurrency' | 'periodDays' | 'calibrateDays'> & {
    shops: ShopSpec[];
  },
  startedAt: Date,
  skipped: { shop: string; reason: string }[],
): EvalResult {
  const scored = rows.filter((r) => !r.error) as (ShopResult & Row)[];
  const summary = scored.length ? summaryRows(scored) : null;
  const meeting = rows.filter((r) => r.meets_targets).length;
  const finished = new Date();
  return {
    schema: 'invoicer-eval/1',
    started_at: startedAt.toISOString(),
    finished_at: finished.toISOString(),
    seconds: round((finished.getTime() - startedAt.getTime()) / 1000),
    options: {
      shops: options.shops.map((s) => s.id),
      provider: options.provider ?? 'local',
      concurrency: options.concurrency ?? 8,
      period_days: options.periodDays ?? 7,
      calibrate_days: options.calibrateDays ?? DEFAULT_CALIBRATE_DAYS,
    },
    targets: TARGETS,
    shops: rows,
    skipped,
    mean: summary ? { shop: 'mean', ...summary.mean } : null,
    worst: summary ? { shop: 'worst', ...summary.worst } : null,
    verdict: {
      meets_targets: rows.length > 0 && meeting === rows.length,
      shops: rows.length,
      shops_meeting: meeting,
      text: `Verdict: ${meeting} of ${rows.length} shops meet the targets (${TARGETS_TEXT})${
        rows.length && meeting === rows.length
          ? '.'
          : `; below: ${rows
              .filter((r) => !r.meets_targets)
              .map((r) => r.shop)
              .join(', ')}.`
      }`,
    },
  };
}

// ---- output

const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`;
const num = (v: number | null | undefined, digits: number) =>
  v === null || v === undefined ? '-' : v.toFixed(digits);

const count = (v: number | null | undefined) =>
  v === null || v === undefined ? '-' : Number.isInteger(v) ? String(v) : v.toFixed(1);

const COLUMNS = [
  'shop',
  'jobs',
  'F1',
  'missed R',
  'missed P',
  'total exact',
  'tax | lines right',
  'declined',
  'AUC',
  'in-sample auto @99.5% (thr, Wilson low)',
  'calibrated thr (share, Wilson low, jobs)',
  'auto_post',
  'wrong auto',
  'seconds',
];

function cells(r: Nullable<Row> & { shop: string; error?: string | null }): string[] {
  if (r.error) return [r.shop, `error: ${r.error}`];
  const auto =
    r.auto_threshold_at_995 === null || r.auto_threshold_at_995 === undefined
      ? `${pct(r.auto_share_at_995)} (-, ${pct(r.auto_wilson_low_at_995)})`
      : `${pct(r.auto_share_at_995)} (${num(r.auto_threshold_at_995, 4)}, ${pct(r.auto_wilson_low_at_995)})`;
  const summary = r.shop === 'mean' || r.shop === 'worst';
  const calibrated =
    r.recommended_share === null || r.recommended_share === undefined
      ? '-'
      : `${r.recommended_threshold === null || r.recommended_threshold === undefined ? (summary ? '-' : 'none') : num(r.recommended_threshold, 4)} (${pct(r.recommended_share)}, ${pct(r.recommended_wilson_low)}, ${count(r.calibration_jobs)})`;
  return [
    r.shop,
    num(r.jobs, 0),
    pct(r.line_f1),
    pct(r.missed_recall),
    pct(r.missed_precision),
    pct(r.total_exact_rate),
    summary ? pct(r.tax_exact_on_lines_right) : `${pct(r.tax_exact_on_lines_right)} of ${r.lines_right ?? 0}`,
    count(r.declined_billed),
    num(r.invoice_confidence_auc, 3),
    auto,
    calibrated,
    pct(r.auto_post_share),
    count(r.wrong_auto_posts),
    num(r.seconds, 0),
  ];
}

/** The terminal table: one row per shop, then the mean and the worst, then the verdict. */
export function formatTable(result: EvalResult): string {
  const body = [
    ...result.shops.map((r) => cells(r)),
    ...(result.mean ? [cells(result.mean)] : []),
    ...(result.worst ? [cells(result.worst)] : []),
  ];
  const widths = COLUMNS.map((c, i) =>
    Math.max(c.length, ...body.map((row) => (row.length > 2 ? (row[i] ?? '').length : 0))),
  );
  const line = (row: string[]) =>
    row.length <= 2
      ? `${row[0]!.padEnd(widths[0]!)}  ${row[1] ?? ''}`
      : row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [line(COLUMNS), rule, ...body.slice(0, result.shops.length).map(line)];
  if (result.mean) out.push(rule, ...body.slice(result.shops.length).map(line));
  out.push(
    result.options.calibrate_days
      ? `in-sample auto: the best cut on the evaluated jobs themselves. calibrated thr: recommended from the ${result.options.calibrate_days} days before them (its share and Wilson low there; "none": no threshold kept 99.5%) and put in force; auto_post and wrong auto: the evaluated jobs routed auto_post under it (out of time).`
      : 'in-sample auto: the best cut on the evaluated jobs themselves. auto_post and wrong auto: routed auto_post under the default settings (no calibration window).',
  );
  for (const s of result.skipped) out.push(`(skipped ${s.shop}: ${s.reason})`);
  const below = result.shops.filter((r) => !r.meets_targets && r.failures.length);
  if (below.length) {
    out.push('');
    for (const r of below) out.push(`  ${r.shop}: ${r.failures.join('; ')}`);
  }
  out.push('', result.verdict.text);
  return out.join('\n');
}

export function writeEvalOutput(outDir: string, result: EvalResult, latest: string | null): string {
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'eval.json');
  writeFileSync(file, `${JSON.stringify({ ...result, out_dir: outDir }, null, 2)}\n`);
  if (latest) {
    mkdirSync(path.dirname(latest), { recursive: true });
    copyFileSync(file, latest);
  }
  return file;
}

/** Shops present in an eval-shops directory (for messages). */
export function listEvalShops(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'truth/annotations.json')))
    .map((d) => d.name)
    .sort();
}
