import { recommendThreshold } from '@invoicer/billing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  auc,
  autoApproval,
  calibrationMetrics,
  centsEqual,
  type EvalJob,
  lineKey,
  ROW_KEYS,
  type Row,
  type ShopMetrics,
  scoreEvalJob,
  shopMetrics,
  summaryRows,
  TARGETS,
  targetFailures,
  wilsonLower,
} from './eval-score.ts';
import { autoShare } from './score.ts';

const item = (skuId: number, quantity: string, officeAdded = false) => ({ skuId, quantity, officeAdded });
const line = (skuId: number, quantity: string) => ({ skuId, quantity, confidence: 0.9 });

function job(overrides: Partial<EvalJob> & { lines?: ReturnType<typeof line>[] } = {}): EvalJob {
  const { lines, ...rest } = overrides;
  return {
    jobId: 1,
    draft: {
      route: 'review',
      confidence: 0.5,
      lines: lines ?? [line(1, '1'), line(2, '2')],
      salesTax: '5.00',
      total: '105.00',
    },
    final: { items: [item(1, '1.00'), item(2, '2.0000')], salesTax: '5.00', total: '105.00' },
    declinedSkuIds: [],
    ...rest,
  };
}

describe('auc (Mann-Whitney with ties)', () => {
  it('gives tied scores half a win (hand-computed)', () => {
    // Positive/negative pairs: (0.9,0.8) 1, (0.9,0.3) 1, (0.8,0.8) ½, (0.8,0.3) 1 → 3.5 / 4.
    const pairs = [
      { score: 0.9, label: true },
      { score: 0.8, label: false },
      { score: 0.8, label: true },
      { score: 0.3, label: false },
    ];
    expect(auc(pairs)).toBeCloseTo(0.875, 12);
  });

  it('is 1 when every exact draft is more confident, 0 when reversed, ½ when all tie', () => {
    expect(
      auc([
        { score: 0.2, label: false },
        { score: 0.7, label: true },
        { score: 0.9, label: true },
      ]),
    ).toBe(1);
    expect(
      auc([
        { score: 0.9, label: false },
        { score: 0.1, label: true },
      ]),
    ).toBe(0);
    expect(
      auc([
        { score: 0.5, label: true },
        { score: 0.5, label: false },
        { score: 0.5, label: false },
      ]),
    ).toBe(0.5);
  });

  it('handles a three-way tie across classes (hand-computed: (2·½ + 2 + 2) / 6)', () => {
    // pos: 0.6, 0.6, 0.95 ; neg: 0.6, 0.1 → pairs won: 0.6 vs 0.6 ½ ×2, vs 0.1 1 ×2, 0.95 vs both 1 ×2
    const pairs = [
      { score: 0.6, label: true },
      { score: 0.6, label: true },
      { score: 0.95, label: true },
      { score: 0.6, label: false },
      { score: 0.1, label: false },
    ];
    expect(auc(pairs)).toBeCloseTo(5 / 6, 12);
  });

  it('is null when one class is empty', () => {
    expect(auc([{ score: 0.4, label: true }])).toBeNull();
    expect(auc([])).toBeNull();
  });

  it('equals the share of positive-negative pairs won, ties counting half', () => {
    const arb = fc.array(fc.record({ score: fc.constantFrom(0.1, 0.5, 0.7, 0.9, 1), label: fc.boolean() }), {
      minLength: 2,
      maxLength: 40,
    });
    fc.assert(
      fc.property(arb, (pairs) => {
        const pos = pairs.filter((p) => p.label);
        const neg = pairs.filter((p) => !p.label);
        const got = auc(pairs);
        if (!pos.length || !neg.length) return got === null;
        let won = 0;
        for (const p of pos)
          for (const n of neg) won += p.score > n.score ? 1 : p.score === n.score ? 0.5 : 0;
        return Math.abs(got! - won / (pos.length * neg.length)) < 1e-12;
      }),
    );
  });
});

describe('wilsonLower (95%)', () => {
  it('matches hand-computed bounds', () => {
    expect(wilsonLower(8, 10)).toBeCloseTo(0.4902, 4); // the textbook 8/10 interval (0.490, 0.943)
    expect(wilsonLower(1, 1)).toBeCloseTo(1 / (1 + 1.959964 ** 2), 10);
    expect(wilsonLower(10, 10)).toBeCloseTo(0.7225, 4);
    expect(wilsonLower(199, 200)).toBeCloseTo(0.9722, 4);
  });

  it('is null without observations and never negative', () => {
    expect(wilsonLower(0, 0)).toBeNull();
    expect(wilsonLower(0, 5)).toBe(0);
  });
});

describe('autoApproval at 99.5%', () => {
  const p = (confidence: number, exact: boolean) => ({ confidence, exact });

  it('takes the largest most-confident-first share that stays exact enough, with its threshold and bound', () => {
    const r = autoApproval([p(1, true), p(0.99, true), p(0.99, false), p(0.95, true), p(0.9, false)], 0.995);
    expect(r).toEqual({
      share: 0.2,
      threshold: 1,
      count: 1,
      exact: 1,
      exactness: 1,
      wilson_low: wilsonLower(1, 1),
    });
  });

  it('never cuts between equal confidences', () => {
    // Cutting after the first 0.9 would give 1/1 exact; a threshold of 0.9 admits both.
    expect(autoApproval([p(0.9, true), p(0.9, false)], 0.995).share).toBe(0);
    expect(autoApproval([p(0.9, true), p(0.9, false)], 0.995).threshold).toBeNull();
    const r = autoApproval([p(0.97, true), p(0.97, true), p(0.9, false)], 0.995);
    expect(r.count).toBe(2);
    expect(r.threshold).toBe(0.97);
  });

  it('admits a wrong draft when enough exact ones dilute it below the limit', () => {
    const pairs = [
      p(0.99, false),
      ...Array.from({ length: 250 }, (_, i) => p(0.98 - i * 1e-4, true)),
      p(0.1, false),
    ];
    const r = autoApproval(pairs, 0.995);
    expect(r.count).toBe(251); // 250/251 = 0.99602 ≥ 0.995; adding the last gives 250/252 < 0.995
    expect(r.exact).toBe(250);
    expect(r.threshold).toBeCloseTo(0.98 - 249e-4, 10);
    expect(r.share).toBeCloseTo(251 / 252, 12);
    expect(r.wilson_low).toBeCloseTo(wilsonLower(250, 251)!, 12);
  });

  it('counts jobs without a draft in the share’s denominator', () => {
    expect(autoApproval([p(0.99, true)], 0.995, 4).share).toBe(0.25);
  });

  it('agrees with the backtest report’s autoShare on share and threshold', () => {
    const arb = fc.array(
      fc.record({ confidence: fc.constantFrom(0.5, 0.8, 0.9, 0.95, 0.99, 1), exact: fc.boolean() }),
      {
        maxLength: 60,
      },
    );
    fc.assert(
      fc.property(arb, fc.constantFrom(0.9, 0.99, 0.995), (pairs, target) => {
        const ours = autoApproval(pairs, target);
        const theirs = autoShare(
          pairs.map((x) => ({ confidence: x.confidence, correct: x.exact })),
          target,
        );
        return ours.share === theirs.share && ours.threshold === theirs.threshold;
      }),
    );
  });
});

describe('scoreEvalJob', () => {
  it('is exact when the line multiset and the total match (quantity to 4 dp)', () => {
    const s = scoreEvalJob(job());
    expect(s.linesRight).toBe(true);
    expect(s.exact).toBe(true);
    expect(lineKey(2, '2')).toBe(lineKey(2, '2.0000'));
    expect(lineKey(2, '2.00004')).toBe(lineKey(2, '2.0000'));
    expect(lineKey(2, '2.0001')).not.toBe(lineKey(2, '2'));
  });

  it('is not exact when the total is a cent off, or a line is doubled, or a line is missing', () => {
    const base = job();
    expect(scoreEvalJob({ ...base, draft: { ...base.draft!, total: '105.01' } }).exact).toBe(false);
    expect(scoreEvalJob({ ...base, draft: { ...base.draft!, total: '105.01' } }).linesRight).toBe(true);
    expect(scoreEvalJob(job({ lines: [line(1, '1'), line(2, '2'), line(2, '2')] })).exact).toBe(false);
    expect(scoreEvalJob(job({ lines: [line(1, '1')] })).exact).toBe(false);
    expect(scoreEvalJob({ ...base, draft: { ...base.draft!, total: null } }).exact).toBe(false);
  });

  it('compares money to the cent', () => {
    expect(centsEqual('105', '105.00')).toBe(true);
    expect(centsEqual('105.00', '105.01')).toBe(false);
    expect(centsEqual(null, '0.00')).toBe(false);
  });

  it('scores missed billables against the office’s additions', () => {
    // technician: 1; office: 2 and 3; draft: 1, 2 and 9 → found 2 (1 of 2), added 2 and 9 (1 of 2 right).
    const s = scoreEvalJob(
      job({
        lines: [line(1, '1'), line(2, '1'), line(9, '1')],
        final: { items: [item(1, '1'), item(2, '1', true), item(3, '1', true)], salesTax: '0', total: '10' },
      }),
    );
    expect(s.officeLines).toBe(2);
    expect(s.officeFound).toBe(1);
    expect(s.added).toBe(2);
    expect(s.addedCorrect).toBe(1);
    expect(s.matched).toBe(2);
  });

  it('counts declined or quoted SKUs billed beyond the final invoice', () => {
    const s = scoreEvalJob(
      job({
        lines: [line(1, '1'), line(2, '2'), line(7, '1'), line(7, '1'), line(8, '1')],
        declinedSkuIds: [7, 2],
      }),
    );
    // Two lines of SKU 7; SKU 2 is on the final invoice too, so it is not a declined item billed.
    expect(s.declinedBilled).toBe(2);
  });

  it('counts a job with no draft as wholly missed', () => {
    const s = scoreEvalJob(job({ draft: null }));
    expect(s.missing).toBe(true);
    expect(s.matched).toBe(0);
    expect(s.finalLines).toBe(2);
    expect(s.exact).toBe(false);
  });
});

describe('shopMetrics', () => {
  it('computes the table’s rates', () => {
    const jobs: EvalJob[] = [
      // exact, auto-posted, most confident
      { ...job({ jobId: 1 }), draft: { ...job().draft!, route: 'auto_post', confidence: 0.99 } },
      // lines right, tax and total wrong, auto-posted: a wrong auto-post
      {
        ...job({ jobId: 2 }),
        draft: { ...job().draft!, route: 'auto_post', confidence: 0.95, salesTax: '5.01', total: '105.01' },
      },
      // lines wrong (missing SKU 2), tax right
      job({ jobId: 3, lines: [line(1, '1')] }),
      // no draft
      job({ jobId: 4, draft: null }),
    ];
    const m = shopMetrics(jobs);
    expect(m.jobs).toBe(4);
    expect(m.missing_drafts).toBe(1);
    // lines: predicted 2+2+1 = 5, final 8, matched 5
    expect(m.line_precision).toBe(1);
    expect(m.line_recall).toBe(5 / 8);
    expect(m.line_f1).toBeCloseTo((2 * 1 * 0.625) / 1.625, 12);
    expect(m.total_exact_rate).toBe(0.5); // jobs 1 and 3 (105.00)
    expect(m.invoice_exact_rate).toBe(0.25);
    expect(m.lines_right).toBe(2);
    expect(m.tax_exact_on_lines_right).toBe(0.5);
    expect(m.auto_posts).toBe(2);
    expect(m.auto_post_share).toBe(0.5);
    expect(m.wrong_auto_posts).toBe(1);
    // confidences: exact job 1 at 0.99 above 0.95 and 0.5 (both wrong) → AUC 1
    expect(m.invoice_confidence_auc).toBe(1);
    expect(m.auto_share_at_995).toBe(0.25);
    expect(m.auto_threshold_at_995).toBe(0.99);
    expect(m.auto_wilson_low_at_995).toBeCloseTo(wilsonLower(1, 1)!, 12);
    expect(m.missed_recall).toBeNull(); // nothing was added by the office
    expect(m.missed_precision).toBeNull();
  });

  it('leaves tax-exact-on-lines-right undefined when no draft has the right lines', () => {
    expect(shopMetrics([job({ lines: [] })]).tax_exact_on_lines_right).toBeNull();
  });
});

function row(overrides: Partial<Row>): Row {
  const base = Object.fromEntries(ROW_KEYS.map((k) => [k, 0])) as unknown as Row;
  return {
    ...base,
    jobs: 100,
    line_f1: 0.98,
    missed_recall: 0.95,
    missed_precision: 0.97,
    total_exact_rate: 0.9,
    tax_exact_on_lines_right: 1,
    invoice_confidence_auc: 0.95,
    auto_share_at_995: 0.6,
    auto_threshold_at_995: 0.97,
    auto_wilson_low_at_995: 0.98,
    seconds: 10,
    ...overrides,
  };
}

describe('summaryRows', () => {
  it('gives the mean and the worst shop of every column', () => {
    const { mean, worst } = summaryRows([
      row({ line_f1: 0.9, declined_billed: 0, seconds: 30, invoice_confidence_auc: null, jobs: 40 }),
      row({ line_f1: 0.96, declined_billed: 3, seconds: 10, invoice_confidence_auc: 0.8, jobs: 200 }),
    ]);
    expect(mean.line_f1).toBeCloseTo(0.93, 12);
    expect(worst.line_f1).toBe(0.9);
    expect(mean.declined_billed).toBe(1.5);
    expect(worst.declined_billed).toBe(3);
    expect(worst.seconds).toBe(30);
    expect(mean.jobs).toBe(120);
    expect(worst.jobs).toBe(40);
    // a shop without an AUC is left out of both
    expect(mean.invoice_confidence_auc).toBe(0.8);
    expect(worst.invoice_confidence_auc).toBe(0.8);
  });

  it('takes the auto-approval cell whole from the shop with the smallest share', () => {
    const { mean, worst } = summaryRows([
      row({ auto_share_at_995: 0.7, auto_threshold_at_995: 0.9, auto_wilson_low_at_995: 0.97 }),
      row({ auto_share_at_995: 0.2, auto_threshold_at_995: 0.99, auto_wilson_low_at_995: 0.95 }),
    ]);
    expect(worst.auto_share_at_995).toBe(0.2);
    expect(worst.auto_threshold_at_995).toBe(0.99);
    expect(worst.auto_wilson_low_at_995).toBe(0.95);
    expect(mean.auto_share_at_995).toBeCloseTo(0.45, 12);
    expect(mean.auto_threshold_at_995).toBeNull();
    expect(Object.keys(mean)).toEqual(ROW_KEYS);
    expect(Object.keys(worst)).toEqual(ROW_KEYS);
  });

  it('takes the recommended-threshold cell whole from the shop whose recommendation posts least', () => {
    const a = calibrationMetrics({
      days: 28,
      recommendation: recommendThreshold([
        ...Array(60).fill({ confidence: 0.9, exact: true, eligible: true, businessUnitId: 1 }),
        { confidence: 0.2, exact: false, eligible: true, businessUnitId: 1 },
      ]),
    });
    expect(a).toMatchObject({
      calibration_days: 28,
      calibration_jobs: 61,
      recommended_threshold: 0.9,
      recommended_exactness: 1,
      recommended_business_units: 0,
    });
    expect(a.recommended_share).toBeCloseTo(60 / 61, 12);
    const none = calibrationMetrics({
      days: 28,
      recommendation: recommendThreshold([
        { confidence: 0.9, exact: false, eligible: true, businessUnitId: 1 },
      ]),
    });
    expect(none).toMatchObject({ recommended_threshold: null, recommended_share: 0, calibration_jobs: 1 });
    expect(Object.values(calibrationMetrics(null)).every((v) => v === null)).toBe(true);
    const { mean, worst } = summaryRows([row(a), row(none), row(calibrationMetrics(null))]);
    expect(worst).toMatchObject({ recommended_threshold: null, recommended_share: 0, calibration_jobs: 1 });
    expect(mean.recommended_share).toBeCloseTo(30 / 61, 12);
    expect(mean.recommended_threshold).toBeNull();
    expect(mean.calibration_jobs).toBe(31);
  });
});

describe('targetFailures', () => {
  const good: ShopMetrics = row({ wrong_auto_posts: 0, declined_billed: 0 });

  it('passes a shop at every target', () => {
    expect(targetFailures(good)).toEqual([]);
    expect(
      targetFailures({
        ...good,
        line_f1: TARGETS.line_f1,
        auto_share_at_995: TARGETS.auto_share_at_995,
      }),
    ).toEqual([]);
  });

  it('names each target a shop misses', () => {
    expect(targetFailures({ ...good, line_f1: 0.969 })).toEqual(['F1 0.969 < 0.97']);
    expect(targetFailures({ ...good, tax_exact_on_lines_right: 0.99 })).toHaveLength(1);
    expect(targetFailures({ ...good, declined_billed: 1 })).toEqual(['declined billed 1']);
    expect(targetFailures({ ...good, wrong_auto_posts: 1 })).toEqual(['wrong auto-posts 1']);
    expect(targetFailures({ ...good, auto_share_at_995: 0.49 })).toHaveLength(1);
    expect(targetFailures({ ...good, invoice_confidence_auc: 0.5, missed_precision: 0.9 })).toHaveLength(2);
  });
});
