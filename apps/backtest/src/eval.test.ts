import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assemble,
  DEFAULT_EVAL_SHOPS_DIR,
  defaultShops,
  draftsFromJsonl,
  evalDatabaseUrl,
  evalJobs,
  evalShopMissing,
  formatTable,
  GENERATED_REPLAY,
  parseShop,
  prepareShop,
  REPO_ROOT,
  type ShopResult,
  slugOf,
} from './eval.ts';
import { ROW_KEYS } from './eval-score.ts';

describe('shop list', () => {
  it('reads eval shops and generated shops', () => {
    expect(parseShop('gen-11-1200', '/x')).toEqual({
      id: 'gen-11-1200',
      kind: 'generated',
      seed: 11,
      jobs: 1200,
    });
    expect(parseShop('C', '/x')).toEqual({ id: 'C', kind: 'eval', dir: path.join('/x', 'C') });
    expect(() => parseShop('../etc', '/x')).toThrow(/neither/);
    expect(() => parseShop('gen-1-10', '/x')).toThrow(/at least 50/);
  });

  it('defaults to the four eval shops and three generated ones; --quick to two', () => {
    expect(defaultShops(false)).toEqual(['A', 'B', 'C', 'D', 'gen-11-1200', 'gen-21-2000', 'gen-5-350']);
    expect(defaultShops(true)).toEqual(['C', 'gen-5-350']);
  });

  it('looks for the eval shops next to the repository', () => {
    expect(DEFAULT_EVAL_SHOPS_DIR).toBe(path.resolve(REPO_ROOT, '../shared/eval-shops'));
    expect(evalShopMissing(parseShop('nope', '/nonexistent'))).toMatch(/not found/);
    expect(evalShopMissing(parseShop('gen-5-350', '/nonexistent'))).toBeNull();
  });

  it('gives each shop a database and names safe for Postgres', () => {
    expect(slugOf('gen-11-1200')).toBe('gen_11_1200');
    expect(evalDatabaseUrl('postgresql://postgres@127.0.0.1:5432/invoicer', 'c')).toBe(
      `postgresql://postgres@127.0.0.1:5432/invoicer_eval_c_${process.pid}`,
    );
  });
});

describe('a generated shop', () => {
  const shop = prepareShop(parseShop('gen-5-350', '/x'));

  it('replays its last jobs (100–250) with under 300 jobs of history', () => {
    expect(shop.jobIds.length).toBeGreaterThanOrEqual(GENERATED_REPLAY.min);
    expect(shop.jobIds.length).toBeLessThanOrEqual(GENERATED_REPLAY.max);
    expect(shop.historyJobs).toBeLessThan(300);
    expect(shop.historyJobs).toBeGreaterThan(150);
    const jobs = new Map(shop.fixture['jpm/jobs'].map((j) => [j.id, j]));
    for (const id of shop.jobIds)
      expect(Date.parse(jobs.get(id)!.completedOn!)).toBeGreaterThanOrEqual(+shop.from);
  });

  it('scores drafts read from drafts.jsonl against the final invoices', () => {
    const jobs = evalJobs(shop, new Map());
    expect(jobs).toHaveLength(shop.jobIds.length);
    expect(jobs.every((j) => j.draft === null)).toBe(true);
    expect(jobs.some((j) => j.final.items.some((i) => i.officeAdded))).toBe(true);
    expect(jobs.some((j) => j.declinedSkuIds.length > 0)).toBe(true);
    const first = jobs[0]!;
    const sku = shop.fixture['pricebook/services'].find((s) => s.id === first.final.items[0]?.skuId);
    const text = [
      JSON.stringify({
        jobId: first.jobId,
        route: 'review',
        confidence: 0.4,
        salesTax: first.final.salesTax,
        total: first.final.total,
        lines: first.final.items.map((i, n) =>
          // the first line by SKU code only, as score_shop.py also accepts
          n === 0 && sku
            ? { skuCode: sku.code, quantity: i.quantity }
            : { skuId: i.skuId, quantity: i.quantity },
        ),
      }),
      '',
    ].join('\n');
    const drafts = draftsFromJsonl(text, shop.fixture);
    expect(drafts.get(first.jobId)!.lines[0]!.skuId).toBe(first.final.items[0]!.skuId);
    const scored = evalJobs(shop, drafts);
    expect(scored.find((j) => j.jobId === first.jobId)!.draft).not.toBeNull();
  });
});

describe('the result and its table', () => {
  const metrics = Object.fromEntries(ROW_KEYS.map((k) => [k, 0])) as Record<string, number>;
  const shopRow = (shop: string, over: Record<string, unknown>): ShopResult =>
    ({
      shop,
      kind: 'generated',
      source: 's',
      from: null,
      history_jobs: 0,
      ...metrics,
      jobs: 10,
      line_f1: 0.9,
      auto_threshold_at_995: null,
      backtest_seconds: 1,
      meets_targets: false,
      failures: ['F1 0.900 < 0.97'],
      error: null,
      ...over,
    }) as ShopResult;

  it('has one row per shop, the mean and the worst, and a verdict', () => {
    const specs = [parseShop('gen-1-100', '/x'), parseShop('gen-2-100', '/x')];
    const result = assemble(
      [shopRow('gen-1-100', { line_f1: 0.9 }), shopRow('gen-2-100', { line_f1: 0.8 })],
      { shops: specs },
      new Date(),
      [{ shop: 'A', reason: 'absent' }],
    );
    expect(result.mean?.line_f1).toBeCloseTo(0.85, 12);
    expect(result.worst?.line_f1).toBe(0.8);
    expect(result.verdict.meets_targets).toBe(false);
    const table = formatTable(result).split('\n');
    expect(table[0]).toMatch(/^shop\s+jobs\s+F1\s+missed R\s+missed P\s+total exact/);
    expect(table[0]).toMatch(
      /in-sample auto @99\.5% \(thr, Wilson low\)\s+calibrated thr \(share, Wilson low, jobs\)\s+auto_post\s+wrong auto/,
    );
    expect(result.options.calibrate_days).toBe(56);
    expect(table.some((l) => /^mean\s/.test(l))).toBe(true);
    expect(table.some((l) => /^worst\s+10\s+80\.0%/.test(l))).toBe(true);
    expect(table.some((l) => l.includes('skipped A'))).toBe(true);
    expect(table.at(-1)).toMatch(/^Verdict: 0 of 2 shops meet the targets/);
  });

  it('leaves a shop that failed to run out of the summary and says why', () => {
    const result = assemble(
      [
        shopRow('gen-1-100', { meets_targets: true, failures: [] }),
        shopRow('gen-2-100', { error: 'boom', failures: ['error: boom'] }),
      ],
      { shops: [parseShop('gen-1-100', '/x'), parseShop('gen-2-100', '/x')] },
      new Date(),
      [],
    );
    expect(result.worst?.line_f1).toBe(0.9);
    expect(result.verdict.shops_meeting).toBe(1);
    expect(formatTable(result)).toMatch(/gen-2-100\s+error: boom/);
  });
});
