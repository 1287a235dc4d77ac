// The cross-shop evaluation (`npm run eval`) end to end on one independent shop: C, the smallest
// (about 40 evaluated jobs). Replays it through the real pipeline on its own database and Redis
// prefix, writes the eval JSON, and checks its keys and that the values are sane; when python3
// is here, also that ../shared/eval-shops/score_shop.py agrees with our scorer on the same drafts.
// Skips when ../shared/eval-shops (next to the repository) is absent.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseShop, ROW_KEYS, runEval, writeEvalOutput } from '@invoicer/backtest';
import { createTestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { createLogger } from '@invoicer/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const EVAL_SHOPS = path.resolve(root, '../shared/eval-shops');
const SHOP_DIR = path.join(EVAL_SHOPS, 'C');
const present = existsSync(path.join(SHOP_DIR, 'truth/annotations.json'));
if (!present)
  console.warn(`eval-shop-c: skipped, ${SHOP_DIR} is absent (../shared/eval-shops next to the repo)`);
const hasPython = present && spawnSync('python3', ['--version']).status === 0;

type Json = Record<string, unknown>;

let outDir: string;
let json: Json;
let row: Json;

describe.skipIf(!present)('npm run eval on eval shop C (../shared/eval-shops/C)', () => {
  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'eval-c-'));
    const result = await runEval({
      shops: [parseShop('C', EVAL_SHOPS)],
      outDir,
      env: { ...process.env, LOG_LEVEL: 'error' },
      redisUrl: testRedisUrl(),
      log: createLogger({ name: 'eval-test', level: 'error' }),
      database: async () => createTestDatabase(),
      queuePrefix: () => testQueuePrefix('eval'),
    });
    const file = writeEvalOutput(outDir, result, null);
    json = JSON.parse(readFileSync(file, 'utf8')) as Json;
    row = (json.shops as Json[])[0]!;
  }, 600_000);

  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('writes the eval JSON with every key', () => {
    for (const key of [
      'schema',
      'started_at',
      'finished_at',
      'seconds',
      'options',
      'targets',
      'shops',
      'skipped',
      'mean',
      'worst',
      'verdict',
    ])
      expect(json, key).toHaveProperty(key);
    expect(json.shops).toHaveLength(1);
    for (const key of [
      'shop',
      'kind',
      'source',
      'from',
      'history_jobs',
      ...ROW_KEYS,
      'backtest_seconds',
      'meets_targets',
      'failures',
      'error',
    ])
      expect(row, key).toHaveProperty(key);
    for (const key of ROW_KEYS) {
      expect(json.mean as Json, `mean.${key}`).toHaveProperty(key);
      expect(json.worst as Json, `worst.${key}`).toHaveProperty(key);
    }
    expect((json.verdict as Json).text).toMatch(/^Verdict: \d of 1 shops meet the targets/);
  });

  it('replays every evaluated job of C without a failure, with sane figures', () => {
    expect(row.error).toBeNull();
    expect(row.shop).toBe('C');
    expect(row.from).toBe('2026-09-21T00:00:00.000Z');
    const annotations = JSON.parse(readFileSync(path.join(SHOP_DIR, 'truth/annotations.json'), 'utf8'));
    expect(row.jobs).toBe(Object.keys(annotations).length);
    expect(row.jobs as number).toBeGreaterThanOrEqual(35);
    expect(row.missing_drafts).toBe(0);
    expect(row.failed).toBe(0);
    expect(row.history_jobs as number).toBeGreaterThan(300);
    for (const key of [
      'line_precision',
      'line_recall',
      'line_f1',
      'missed_recall',
      'missed_precision',
      'total_exact_rate',
      'invoice_exact_rate',
      'tax_exact_rate',
      'auto_share_at_995',
      'auto_post_share',
    ]) {
      expect(row[key], key).not.toBeNull();
      expect(row[key] as number, key).toBeGreaterThanOrEqual(0);
      expect(row[key] as number, key).toBeLessThanOrEqual(1);
    }
    // Our drafts are far from random on a shop the logic was not tuned on.
    expect(row.line_f1 as number).toBeGreaterThan(0.8);
    expect(row.invoice_exact_rate as number).toBeLessThanOrEqual(row.total_exact_rate as number);
    expect(row.declined_billed).toBe(0);
    expect(row.wrong_auto_posts as number).toBeLessThanOrEqual(row.auto_posts as number);
    expect(row.seconds as number).toBeGreaterThan(0);
    expect(row.seconds as number).toBeGreaterThanOrEqual(row.backtest_seconds as number);
    const auc = row.invoice_confidence_auc as number | null;
    if (auc !== null) expect(auc).toBeGreaterThanOrEqual(0);
    if (auc !== null) expect(auc).toBeLessThanOrEqual(1);
    if ((row.auto_share_at_995 as number) > 0) {
      expect(row.auto_exactness_at_995 as number).toBeGreaterThanOrEqual(0.995);
      expect(row.auto_wilson_low_at_995 as number).toBeLessThan(row.auto_exactness_at_995 as number);
      expect(row.auto_threshold_at_995).not.toBeNull();
    } else expect(row.auto_threshold_at_995).toBeNull();
    expect((json.mean as Json).line_f1).toBe(row.line_f1);
    expect((json.worst as Json).line_f1).toBe(row.line_f1);
  });

  it('keeps the shop’s drafts.jsonl and report.json', () => {
    const drafts = readFileSync(path.join(outDir, 'C/drafts.jsonl'), 'utf8').trim().split('\n');
    expect(drafts).toHaveLength(row.jobs as number);
    const report = JSON.parse(readFileSync(path.join(outDir, 'C/report.json'), 'utf8')) as Json;
    expect(report.jobs).toBe(row.jobs);
  });

  it('recommends the threshold from the 56 days before the evaluated jobs and measures it on them', () => {
    expect((json.options as Json).calibrate_days).toBe(56);
    expect(row.calibration_days).toBe(56);
    expect(row.calibration_jobs as number).toBeGreaterThan(0);
    for (const key of ['recommended_share', 'recommended_business_units', 'auto_post_share'])
      expect(row[key], key).not.toBeNull();
    expect(row.recommended_share as number).toBeGreaterThanOrEqual(0);
    expect(row.recommended_share as number).toBeLessThanOrEqual(1);
    if (row.recommended_threshold !== null) {
      expect(row.recommended_exactness as number).toBeGreaterThanOrEqual(0.995);
      expect(row.recommended_wilson_low as number).toBeLessThan(row.recommended_exactness as number);
    } else expect(row.recommended_share).toBe(0);
    // The calibration jobs were drafted but not scored: none of them is among the evaluated jobs.
    const ids = (file: string) =>
      readFileSync(path.join(outDir, 'C', file), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { jobId: number }).jobId);
    const calibration = ids('calibration-drafts.jsonl');
    expect(calibration).toHaveLength(row.calibration_jobs as number);
    const evaluated = new Set(ids('drafts.jsonl'));
    expect(calibration.some((id) => evaluated.has(id))).toBe(false);
    const report = JSON.parse(readFileSync(path.join(outDir, 'C/report.json'), 'utf8')) as Json;
    const rec = report.recommendation as Json;
    for (const key of [
      'calibration_days',
      'window_from',
      'window_to',
      'calibration_jobs',
      'threshold',
      'share',
      'exactness',
      'wilson_low',
      'business_units',
      'settings',
    ])
      expect(rec, `recommendation.${key}`).toHaveProperty(key);
    expect(rec.window_to).toBe(row.from);
    expect(rec.threshold).toBe(row.recommended_threshold);
    expect((rec.settings as Json).source).toBe('backtest');
    // Under it, the evaluated jobs' actual auto-posts; the reliability curve and the AUC.
    expect(report.auto_posts).toBe(row.auto_posts);
    expect(report.wrong_auto_posts).toBe(row.wrong_auto_posts);
    if (row.invoice_confidence_auc === null) expect(report.invoice_confidence_auc).toBeNull();
    else expect(report.invoice_confidence_auc).toBeCloseTo(row.invoice_confidence_auc as number, 12);
    const reliability = report.reliability as { n: number; exactness: number | null }[];
    expect(reliability).toHaveLength(10);
    expect(reliability.reduce((a, b) => a + b.n, 0)).toBe(row.jobs);
    expect(readFileSync(path.join(outDir, 'C/report.html'), 'utf8')).toContain(
      'Reliability: invoices exactly right',
    );
  });

  it.skipIf(!hasPython)('agrees with score_shop.py on the same drafts', () => {
    // score_shop.py exits 1 when the shop is below its goal; its JSON line comes first either way.
    const run = spawnSync(
      'python3',
      [path.join(EVAL_SHOPS, 'score_shop.py'), SHOP_DIR, path.join(outDir, 'C/drafts.jsonl'), '--json'],
      { encoding: 'utf8' },
    );
    expect(run.status, run.stderr).not.toBeNull();
    const py = JSON.parse(run.stdout.split('\n')[0]!) as Json;
    const close = (ours: unknown, theirs: unknown, label: string) =>
      expect(Math.abs((ours as number) - (theirs as number)), label).toBeLessThanOrEqual(0.00005);
    close(row.line_f1, py.line_f1, 'line F1');
    close(row.missed_recall, py.missed_recall, 'missed recall');
    close(row.missed_precision, py.missed_precision, 'missed precision');
    close(row.total_exact_rate, py.total_exact, 'total exact');
    close(row.invoice_exact_rate, py.invoice_exact, 'invoice exact');
    close(row.tax_exact_rate, py.tax_exact, 'tax exact');
    expect(row.declined_billed).toBe(py.declined_billed);
    expect(row.wrong_auto_posts).toBe(py.auto_wrong);
    if (py.invoice_conf_auc === null) expect(row.invoice_confidence_auc).toBeNull();
    else close(row.invoice_confidence_auc, py.invoice_conf_auc, 'AUC');
  });
});
