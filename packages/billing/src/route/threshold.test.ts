import { describe, expect, it } from 'vitest';
import {
  bestThreshold,
  eligibleForAutoPost,
  recommendThreshold,
  type ThresholdInvoice,
} from './threshold.ts';

const inv = (
  confidence: number,
  exact: boolean,
  o: { eligible?: boolean; businessUnitId?: number } = {},
): ThresholdInvoice => ({
  confidence,
  exact,
  eligible: o.eligible ?? true,
  businessUnitId: o.businessUnitId ?? 1,
});
const many = (n: number, confidence: number, exact: boolean, o: Parameters<typeof inv>[2] = {}) =>
  Array.from({ length: n }, () => inv(confidence, exact, o));

/** One-sided 95% Wilson lower bound when every one of n is right: n / (n + z²). */
const allRightLow = (n: number) => n / (n + 1.645 ** 2);

describe('recommendThreshold', () => {
  it('takes the lowest threshold that keeps ≥ 99.5% exact, with its share and Wilson bound', () => {
    const r = recommendThreshold([...many(200, 0.95, true), ...many(100, 0.5, false)]);
    expect(r.autoApproveConfidence).toBe(0.95);
    expect(r.share).toBeCloseTo(200 / 300, 12);
    expect(r.exactness).toBe(1);
    expect(r.autoPosts).toBe(200);
    expect(r.jobs).toBe(300);
    expect(r.target).toBe(0.995);
    // p = 1, n = 200, z = 1.645: (1 + z²/2n − z²/2n) / (1 + z²/n) = 200 / 202.706…
    expect(r.wilsonLow).toBeCloseTo(allRightLow(200), 12);
    expect(r.wilsonLow).toBeCloseTo(0.98665, 5);
  });

  it('reports the Wilson bound of the exactness it keeps, not of the share', () => {
    // 399 of 400 right at ≥ 0.9: 99.75%.
    const r = recommendThreshold([...many(399, 0.92, true), inv(0.91, false), ...many(50, 0.2, false)]);
    expect(r.autoApproveConfidence).toBe(0.91);
    expect(r.exactness).toBeCloseTo(399 / 400, 12);
    const z2 = 1.645 ** 2;
    const p = 399 / 400;
    const n = 400;
    const low = (p + z2 / (2 * n) - 1.645 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
    expect(r.wilsonLow).toBeCloseTo(low, 12);
    expect(r.wilsonLow!).toBeLessThan(r.exactness!);
  });

  it('admits every tie: a cut never falls between invoices of equal confidence', () => {
    // Inside the 0.9 tie a cut after its one exact draft would keep 100%, but the threshold
    // 0.9 admits all three (201/203 = 99.0%), so 0.95 is the lowest that keeps the target.
    for (const order of [
      [true, false, false],
      [false, false, true],
    ]) {
      const r = recommendThreshold([...many(200, 0.95, true), ...order.map((e) => inv(0.9, e))]);
      expect(r.autoApproveConfidence).toBe(0.95);
      expect(r.autoPosts).toBe(200);
      expect(r.share).toBeCloseTo(200 / 203, 12);
    }
    // A tie that keeps the target is admitted whole.
    const r = recommendThreshold([...many(300, 0.95, true), inv(0.9, true), inv(0.9, false)]);
    expect(r.autoApproveConfidence).toBe(0.9);
    expect(r.autoPosts).toBe(302);
  });

  it('scans down to the last cut still at target, past a dip above it', () => {
    // 100/101 at 0.96 misses the target; 300/301 at 0.95 keeps it again.
    const r = recommendThreshold([...many(100, 0.97, true), inv(0.96, false), ...many(200, 0.95, true)]);
    expect(r.autoApproveConfidence).toBe(0.95);
    expect(r.exactness).toBeCloseTo(300 / 301, 12);
  });

  it('recommends no auto-approval (null) when no threshold keeps the target', () => {
    for (const invoices of [
      [inv(0.99, false), ...many(100, 0.8, true)],
      [],
      many(10, 0.9, true, { eligible: false }),
    ]) {
      const r = recommendThreshold(invoices);
      expect(r.autoApproveConfidence).toBeNull();
      expect(r.share).toBe(0);
      expect(r.exactness).toBeNull();
      expect(r.wilsonLow).toBeNull();
      expect(r.autoPosts).toBe(0);
    }
  });

  it('leaves ineligible invoices out of the exactness, but counts them in the share', () => {
    const invoices = [
      // held for an amount or a flag: wrong, and most confident, but would never auto-post
      inv(0.99, false, { eligible: false }),
      ...many(200, 0.9, true),
      // right, but held whatever the threshold: must not pull the threshold down
      ...many(50, 0.3, true, { eligible: false }),
      ...many(10, 0.3, false),
    ];
    const r = recommendThreshold(invoices);
    expect(r.autoApproveConfidence).toBe(0.9);
    expect(r.exactness).toBe(1);
    expect(r.eligible).toBe(210);
    expect(r.jobs).toBe(261);
    expect(r.share).toBeCloseTo(200 / 261, 12);
  });

  it('gives a business unit with enough jobs its own threshold when its record differs', () => {
    const invoices = [
      // BU 1: clean all the way down to 0.6
      ...many(40, 0.95, true, { businessUnitId: 1 }),
      ...many(40, 0.6, true, { businessUnitId: 1 }),
      // BU 2: a wrong draft at 0.7 (drags the shop's threshold up to 0.95)
      ...many(40, 0.95, true, { businessUnitId: 2 }),
      ...many(10, 0.7, false, { businessUnitId: 2 }),
      // BU 3: same as the shop (0.95): not listed
      ...many(100, 0.95, true, { businessUnitId: 3 }),
      ...many(5, 0.5, false, { businessUnitId: 3 }),
      // BU 4: would differ, but too few jobs of its own
      ...many(10, 0.4, true, { businessUnitId: 4 }),
      // BU 5: wrong at the top: no auto-approval of its own (the shop keeps 219/220 at 0.95)
      inv(0.97, false, { businessUnitId: 5 }),
      ...many(39, 0.96, true, { businessUnitId: 5 }),
    ];
    const r = recommendThreshold(invoices, { target: 0.995, minBusinessUnitJobs: 40, minWilsonLow: 0 });
    expect(r.autoApproveConfidence).toBe(0.95);
    expect(r.exactness).toBeCloseTo(219 / 220, 12);
    expect(r.businessUnits.map((b) => b.businessUnitId)).toEqual([1, 5]);
    const bu1 = r.businessUnits[0]!;
    expect(bu1).toMatchObject({ autoApproveConfidence: 0.6, jobs: 80, autoPosts: 80, exactness: 1 });
    expect(bu1.share).toBe(1);
    expect(bu1.wilsonLow).toBeCloseTo(allRightLow(80), 12);
    const bu5 = r.businessUnits[1]!;
    expect(bu5.autoApproveConfidence).toBeNull();
    expect(bu5.share).toBe(0);
    // With a lower bar for BU size, BU 4 (10 jobs, all right at 0.4) is listed too.
    expect(
      recommendThreshold(invoices, { minBusinessUnitJobs: 10, minWilsonLow: 0 }).businessUnits.map(
        (b) => b.businessUnitId,
      ),
    ).toEqual([1, 4, 5]);
  });

  it('needs enough evidence: 24 of 24 exact is not a 99.5% record, 80 of 80 is enough', () => {
    const small = [...many(24, 0.2, true), ...many(3, 0.1, false)];
    expect(recommendThreshold(small).autoApproveConfidence).toBeNull();
    expect(recommendThreshold(small, { minWilsonLow: 0 }).autoApproveConfidence).toBe(0.2);
    const large = [...many(80, 0.2, true), ...many(3, 0.1, false)];
    const r = recommendThreshold(large);
    expect(r.autoApproveConfidence).toBe(0.2);
    expect(r.wilsonLow).toBeGreaterThanOrEqual(0.95);
  });

  it("a unit too small to earn its own threshold inherits the shop's unless it falls short there", () => {
    const invoices = [
      ...many(100, 0.95, true, { businessUnitId: 1 }),
      // Unit 2: 45 clean invoices, too few for a Wilson bound of 0.95 of its own: inherits.
      ...many(45, 0.95, true, { businessUnitId: 2 }),
      // Unit 3: one wrong of 45 at the shop's threshold: 97.8% < 99.5%, so none for it.
      ...many(44, 0.96, true, { businessUnitId: 3 }),
      inv(0.96, false, { businessUnitId: 3 }),
      ...many(300, 0.95, true, { businessUnitId: 4 }),
    ];
    const r = recommendThreshold(invoices, { minBusinessUnitJobs: 40 });
    expect(r.autoApproveConfidence).toBe(0.95);
    expect(r.businessUnits.map((b) => [b.businessUnitId, b.autoApproveConfidence])).toEqual([[3, null]]);
  });

  it('honours another target', () => {
    const invoices = [...many(95, 0.9, true), ...many(5, 0.8, false), ...many(100, 0.1, false)];
    expect(recommendThreshold(invoices).autoApproveConfidence).toBe(0.9);
    expect(recommendThreshold(invoices, { target: 0.95, minWilsonLow: 0 }).autoApproveConfidence).toBe(0.8);
    expect(bestThreshold(invoices, 0.95).autoPosts).toBe(100);
  });
});

describe('eligibleForAutoPost', () => {
  it('is true only when nothing but the confidence (or the rollout mode) held the draft', () => {
    expect(eligibleForAutoPost([])).toBe(true);
    expect(eligibleForAutoPost(['low_confidence'])).toBe(true);
    expect(eligibleForAutoPost(['suggest_mode', 'low_confidence'])).toBe(true);
    for (const reason of [
      'amount_over_threshold',
      'validation_flag',
      'always_review_customer',
      'always_review_job_type',
      'stage_failed',
    ])
      expect(eligibleForAutoPost(['low_confidence', reason]), reason).toBe(false);
  });
});
