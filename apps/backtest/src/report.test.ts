import { recommendThreshold } from '@invoicer/billing';
import { describe, expect, it } from 'vitest';
import { buildReport, html, markdown, terminalSummary } from './report.ts';
import { type CalibrationRun, storedRecommendation } from './run.ts';
import { type JobOutcome, reliability, thresholdInvoice } from './score.ts';

let nextId = 1;
/** A one-line job: exactly right when `right`, else the draft bills the wrong SKU. */
function outcome(confidence: number, right: boolean, o: Partial<JobOutcome> = {}): JobOutcome {
  const jobId = nextId++;
  return {
    jobId,
    invoiceId: jobId + 1000,
    businessUnit: 'HVAC',
    businessUnitId: 7,
    jobType: 'Repair',
    completedOn: '2026-09-22T15:00:00Z',
    route: 'review',
    reasons: ['low_confidence'],
    confidence,
    draft: {
      lines: [
        {
          skuId: right ? 1 : 2,
          skuCode: right ? 'A' : 'B',
          type: 'Service',
          quantity: '1',
          unitPrice: '100.00',
          total: '100.00',
          taxable: false,
          confidence,
          provenance: 'technician',
          origin: 'technician',
        },
      ],
      subTotal: '100.00',
      salesTax: '0.00',
      total: '100.00',
    },
    final: {
      items: [
        {
          skuId: 1,
          skuCode: 'A',
          type: 'Service',
          quantity: '1',
          total: '100.00',
          taxable: false,
          officeAdded: false,
        },
      ],
      subTotal: '100.00',
      salesTax: '0.00',
      total: '100.00',
    },
    engineTax: '0.00',
    declinedSkuIds: [],
    ...o,
  };
}

describe('thresholdInvoice', () => {
  it('is exact when lines and total equal the final invoice, eligible when only confidence held it', () => {
    expect(thresholdInvoice(outcome(0.9, true))).toEqual({
      confidence: 0.9,
      exact: true,
      eligible: true,
      businessUnitId: 7,
    });
    expect(thresholdInvoice(outcome(0.9, false)).exact).toBe(false);
    expect(
      thresholdInvoice(outcome(0.9, true, { reasons: ['low_confidence', 'validation_flag'] })).eligible,
    ).toBe(false);
    expect(
      thresholdInvoice(outcome(0.9, true, { route: 'failed', reasons: ['stage_failed'] })).eligible,
    ).toBe(false);
    expect(thresholdInvoice(outcome(0.9, true, { draft: null })).eligible).toBe(false);
  });
});

describe('the report with a calibration window', () => {
  const calibrationOutcomes = [
    ...Array.from({ length: 10 }, () => outcome(0.95, true, { completedOn: '2026-09-01T12:00:00Z' })),
    outcome(0.6, false, { completedOn: '2026-09-02T12:00:00Z' }),
  ];
  // The report plumbing, not the rule: a short window is allowed to qualify here.
  const recommendation = recommendThreshold(
    calibrationOutcomes.map((o) => thresholdInvoice(o)),
    { minWilsonLow: 0 },
  );
  const window = { from: new Date('2026-08-24T00:00:00Z'), to: new Date('2026-09-21T00:00:00Z') };
  const calibration: CalibrationRun = {
    days: 28,
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    recommendation,
    stored: storedRecommendation(recommendation, window, 'backtest', new Date('2026-11-30T00:00:00Z')),
    outcomes: calibrationOutcomes,
  };
  // Evaluated: routed under the recommendation (0.95): two auto-posts, one of them wrong.
  const evaluated = [
    outcome(0.97, true, { route: 'auto_post', reasons: [] }),
    outcome(0.96, false, { route: 'auto_post', reasons: [] }),
    outcome(0.5, true),
    outcome(0.15, false),
  ];
  const report = buildReport(evaluated, { elapsedMs: 3000, stCalls: 150, calibration });

  it('reports the recommendation from the calibration jobs, which it does not score', () => {
    expect(report.jobs).toBe(4);
    expect(report.recommendation).toMatchObject({
      calibration_days: 28,
      calibration_jobs: 11,
      threshold: 0.95,
      auto_posts: 10,
      exactness: 1,
      window_to: '2026-09-21T00:00:00.000Z',
    });
    expect(report.recommendation!.share).toBeCloseTo(10 / 11, 12);
    expect(report.recommendation!.wilson_low).toBeCloseTo(10 / (10 + 1.645 ** 2), 12);
    expect(report.recommendation!.settings).toMatchObject({
      autoApproveConfidence: 0.95,
      source: 'backtest',
    });
    // Throughput counts every replayed job, the calibration window's too.
    expect(report.jobs_per_second).toBeCloseTo(15 / 3, 2);
    expect(report.st_calls_per_job).toBe(10);
  });

  it('measures the auto-posts under it, the reliability curve and the AUC on the evaluated jobs', () => {
    expect(report.auto_post_share).toBe(0.5);
    expect(report.auto_posts).toBe(2);
    expect(report.wrong_auto_posts).toBe(1);
    // exact: 0.97, 0.5; wrong: 0.96, 0.15 → pairs won 0.97>0.96, 0.97>0.15, 0.5>0.15 = 3 of 4.
    expect(report.invoice_confidence_auc).toBeCloseTo(0.75, 12);
    const byBucket = Object.fromEntries(report.reliability.map((b) => [b.bucket, b]));
    expect(report.reliability).toHaveLength(10);
    expect(byBucket['0.9–1.0']).toMatchObject({ n: 2, exactness: 0.5 });
    expect(byBucket['0.9–1.0']!.mean_confidence).toBeCloseTo(0.965, 12);
    expect(byBucket['0.1–0.2']).toMatchObject({ n: 1, exactness: 0 });
    expect(byBucket['0.3–0.4']).toMatchObject({ n: 0, exactness: null, mean_confidence: null });
  });

  it('writes them in the summary, markdown and HTML', () => {
    expect(terminalSummary(report)).toMatch(
      /recommended threshold \(28-day calibration\)\s+≥ 0\.9500 on 11 calibration jobs/,
    );
    expect(terminalSummary(report)).toContain('50.0% (2 of 4), 1 not exactly right');
    const md = markdown(report, 'test');
    expect(md).toContain('## Recommended auto-approval threshold');
    expect(md).toContain('## Reliability (invoice confidence → exactly right)');
    const page = html(report, 'test');
    expect(page).toContain('aria-label="Reliability: invoices exactly right by invoice confidence"');
    expect(page).toMatch(/<path d="M[\d,]+ L/);
  });

  it('says when nothing qualified, and leaves the recommendation out without a calibration window', () => {
    const none = recommendThreshold([outcome(0.9, false)].map((o) => thresholdInvoice(o)));
    const r = buildReport(evaluated, {
      elapsedMs: 1000,
      stCalls: 0,
      calibration: { ...calibration, recommendation: none, outcomes: [outcome(0.9, false)] },
    });
    expect(r.recommendation?.threshold).toBeNull();
    expect(terminalSummary(r)).toContain('none: no threshold kept 99.5% exact on 1 calibration jobs');
    expect(buildReport(evaluated, { elapsedMs: 1000, stCalls: 0 }).recommendation).toBeNull();
  });
});

describe('reliability', () => {
  it('puts a confidence of exactly 1 in the top bucket', () => {
    expect(reliability([{ confidence: 1, exact: true }]).at(-1)).toMatchObject({ n: 1, exactness: 1 });
  });
});
