// Billing quality floors on the cross-shop table (`npm run eval`): every default shop — the
// independent shops in ../shared/eval-shops and generated shops of several seeds and sizes — is
// replayed through the real pipeline and must stay at or above each floor. The worst shop counts.
// Floors are stated in the README ("Billing quality floors"); raise them as the billing improves,
// never lower them quietly. The threshold recommendation (its calibration window) is exercised
// by eval-shop-c.test.ts; here it is off, so the table is the same one `--calibrate-days 0` prints.
import { existsSync } from 'node:fs';
import {
  DEFAULT_EVAL_SHOPS_DIR,
  defaultShops,
  type EvalResult,
  parseShop,
  runEval,
} from '@invoicer/backtest';
import { createTestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { createLogger } from '@invoicer/platform';
import { beforeAll, describe, expect, it } from 'vitest';

/** The least each shop may score; the README's table. */
export const FLOORS = {
  line_f1: 0.96,
  missed_recall: 0.81,
  missed_precision: 0.83,
  total_exact_rate: 0.74,
  tax_exact_on_lines_right: 0.99,
} as const;

const evalShopsPresent = existsSync(DEFAULT_EVAL_SHOPS_DIR);
if (!evalShopsPresent)
  console.warn(
    `cross-shop floors: ${DEFAULT_EVAL_SHOPS_DIR} is absent, so the independent shops A–D are skipped; the generated shops still run`,
  );

let result: EvalResult;

describe('billing quality floors on every shop of the cross-shop table', () => {
  beforeAll(async () => {
    const ids = defaultShops(false).filter((id) => evalShopsPresent || id.startsWith('gen-'));
    result = await runEval({
      shops: ids.map((id) => parseShop(id, DEFAULT_EVAL_SHOPS_DIR)),
      outDir: null,
      env: { ...process.env, LOG_LEVEL: 'error' },
      redisUrl: testRedisUrl(),
      log: createLogger({ name: 'cross-shop-floors', level: 'error' }),
      calibrateDays: 0,
      database: async () => createTestDatabase(),
      queuePrefix: (slug) => testQueuePrefix(`floors-${slug}`),
    });
    console.log(
      result.shops
        .map(
          (s) =>
            `${s.shop}: F1 ${s.line_f1?.toFixed(3)} missed ${s.missed_recall?.toFixed(3)}/${s.missed_precision?.toFixed(3)} exact ${s.total_exact_rate?.toFixed(3)} declined ${s.declined_billed}`,
        )
        .join('\n'),
    );
  }, 1_500_000);

  it('drafts every evaluated job of every shop, none failed', () => {
    expect(result.shops.length).toBeGreaterThanOrEqual(evalShopsPresent ? 7 : 3);
    for (const shop of result.shops) {
      expect(shop.error, shop.shop).toBeNull();
      expect(shop.missing_drafts, shop.shop).toBe(0);
      expect(shop.failed, shop.shop).toBe(0);
    }
  });

  it('never bills declined or quoted-only work on any shop', () => {
    for (const shop of result.shops) expect(shop.declined_billed, shop.shop).toBe(0);
  });

  it.each(Object.entries(FLOORS))('%s holds on every shop', (metric, floor) => {
    for (const shop of result.shops) {
      const value = shop[metric as keyof typeof FLOORS];
      if (value === null) continue; // nothing to count on this shop (see the README)
      expect(value, `${shop.shop} ${metric}`).toBeGreaterThanOrEqual(floor);
    }
  });
});
