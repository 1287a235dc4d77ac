// Pure metrics of the cross-shop evaluation (`npm run eval`). Definitions follow
// ../shared/eval-shops/score_shop.py so the two agree on the same drafts:
// - a line is keyed by SKU id + quantity (4 dp); draft and final invoice are multisets of keys;
// - the technician's lines are the final invoice's items created on or before completion, the
//   office's (the missed billables) those created after;
// - missed recall = office lines present in the draft / office lines; missed precision = draft
//   lines beyond the technician's that the office also added / draft lines beyond the technician's;
// - exactly right = line multiset equal to the final invoice's and total equal to the cent.
// A job with no draft at all counts against every rate (all its lines missed, not exact).
import type { RecommendedThreshold } from '@invoicer/billing';
import { type Decimal, toDecimal } from '@invoicer/core';

export interface EvalLine {
  skuId: number | null;
  quantity: string;
  confidence?: number | null;
}

export interface EvalDraft {
  route: string;
  confidence: number | null;
  lines: EvalLine[];
  salesTax: string | null;
  total: string | null;
}

export interface EvalFinalItem {
  skuId: number | null;
  quantity: string;
  /** Created after the job was completed: the office added it (a missed billable). */
  officeAdded: boolean;
}

export interface EvalJob {
  jobId: number;
  /** null: the pipeline produced nothing for this job (a missing draft). */
  draft: EvalDraft | null;
  final: { items: EvalFinalItem[]; salesTax: string; total: string };
  /** SKUs the notes say were declined, only quoted, not needed...: never to be billed. */
  declinedSkuIds: number[];
}

export interface EvalJobScore {
  jobId: number;
  missing: boolean;
  draftLines: number;
  finalLines: number;
  matched: number;
  officeLines: number;
  officeFound: number;
  added: number;
  addedCorrect: number;
  linesRight: boolean;
  taxRight: boolean;
  totalRight: boolean;
  exact: boolean;
  declinedBilled: number;
  route: string | null;
  confidence: number | null;
}

export function lineKey(skuId: number | null, quantity: string | number): string {
  return `${skuId ?? '-'}|${toDecimal(quantity).toFixed(4)}`;
}

type Bag = Map<string, number>;

function bag(keys: string[]): Bag {
  const m: Bag = new Map();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

function size(b: Bag): number {
  let n = 0;
  for (const v of b.values()) n += v;
  return n;
}

/** Multiset intersection size. */
function common(a: Bag, b: Bag): number {
  let n = 0;
  for (const [k, v] of a) n += Math.min(v, b.get(k) ?? 0);
  return n;
}

/** Multiset difference a − b. */
function minus(a: Bag, b: Bag): Bag {
  const out: Bag = new Map();
  for (const [k, v] of a) {
    const left = v - (b.get(k) ?? 0);
    if (left > 0) out.set(k, left);
  }
  return out;
}

function sameBag(a: Bag, b: Bag): boolean {
  return size(a) === size(b) && common(a, b) === size(a);
}

const money = (v: string | null): Decimal | null => (v === null || v === '' ? null : toDecimal(v));

/** Equal to the cent (both present). */
export function centsEqual(a: string | null, b: string | null): boolean {
  const x = money(a);
  const y = money(b);
  return x !== null && y !== null && x.toFixed(2) === y.toFixed(2);
}

export function scoreEvalJob(job: EvalJob): EvalJobScore {
  const finalKeys = job.final.items.map((i) => lineKey(i.skuId, i.quantity));
  const want = bag(finalKeys);
  const tech = bag(job.final.items.filter((i) => !i.officeAdded).map((i) => lineKey(i.skuId, i.quantity)));
  const office = bag(job.final.items.filter((i) => i.officeAdded).map((i) => lineKey(i.skuId, i.quantity)));
  const d = job.draft;
  if (!d) {
    return {
      jobId: job.jobId,
      missing: true,
      draftLines: 0,
      finalLines: size(want),
      matched: 0,
      officeLines: size(office),
      officeFound: 0,
      added: 0,
      addedCorrect: 0,
      linesRight: false,
      taxRight: false,
      totalRight: false,
      exact: false,
      declinedBilled: 0,
      route: null,
      confidence: null,
    };
  }
  const got = bag(d.lines.map((l) => lineKey(l.skuId, l.quantity)));
  const added = minus(got, tech);
  const linesRight = sameBag(got, want);
  const totalRight = centsEqual(d.total, job.final.total);
  // Declined or quoted SKUs billed although the final invoice does not carry them.
  const declined = new Set(job.declinedSkuIds);
  const beyondFinal = minus(got, want);
  let declinedBilled = 0;
  for (const [k, n] of beyondFinal) {
    const sku = k.split('|')[0]!;
    if (sku !== '-' && declined.has(Number(sku))) declinedBilled += n;
  }
  return {
    jobId: job.jobId,
    missing: false,
    draftLines: size(got),
    finalLines: size(want),
    matched: common(got, want),
    officeLines: size(office),
    officeFound: common(office, got),
    added: size(added),
    addedCorrect: common(added, office),
    linesRight,
    taxRight: centsEqual(d.salesTax, job.final.salesTax),
    totalRight,
    exact: linesRight && totalRight,
    declinedBilled,
    route: d.route,
    confidence: typeof d.confidence === 'number' && Number.isFinite(d.confidence) ? d.confidence : null,
  };
}

/**
 * Mann-Whitney AUC of `score` for `label` true, ties given their average rank; null when one
 * class is empty. The same computation as score_shop.py `auc`.
 */
export function auc(pairs: { score: number; label: boolean }[]): number | null {
  const pos = pairs.filter((p) => p.label).length;
  const neg = pairs.length - pos;
  if (!pos || !neg) return null;
  const order = pairs.map((p, i) => ({ s: p.score, i })).sort((a, b) => a.s - b.s || a.i - b.i);
  const ranks = new Array<number>(pairs.length).fill(0);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]!.s === order[i]!.s) j++;
    for (let k = i; k <= j; k++) ranks[order[k]!.i] = (i + j) / 2 + 1;
    i = j + 1;
  }
  const rankSum = pairs.reduce((a, p, i) => a + (p.label ? ranks[i]! : 0), 0);
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Lower end of the Wilson score interval (95% two-sided by default); null when n = 0. */
export function wilsonLower(hits: number, n: number, z = 1.959964): number | null {
  if (n <= 0) return null;
  const p = hits / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.max(0, (centre - spread) / (1 + z2 / n));
}

export interface AutoApproval {
  /** Auto-approved invoices / all invoices. */
  share: number;
  /** Lowest confidence auto-approved (approve when confidence ≥ it); null when none qualify. */
  threshold: number | null;
  count: number;
  exact: number;
  exactness: number | null;
  wilson_low: number | null;
}

/**
 * The largest share of invoices, taken most confident first, whose exactness is ≥ target,
 * cutting only between different confidences (a threshold admits every tie). `total` is the
 * number of invoices the share is of (jobs without a draft are never approved); default the pairs.
 */
export function autoApproval(
  pairs: { confidence: number; exact: boolean }[],
  target: number,
  total = pairs.length,
): AutoApproval {
  const sorted = [...pairs].sort((a, b) => b.confidence - a.confidence);
  let best: AutoApproval = {
    share: 0,
    threshold: null,
    count: 0,
    exact: 0,
    exactness: null,
    wilson_low: null,
  };
  let exact = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i]!.exact) exact += 1;
    const next = sorted[i + 1];
    if (next && next.confidence === sorted[i]!.confidence) continue;
    const count = i + 1;
    if (exact / count >= target)
      best = {
        share: total ? count / total : 0,
        threshold: sorted[i]!.confidence,
        count,
        exact,
        exactness: exact / count,
        wilson_low: wilsonLower(exact, count),
      };
  }
  return best;
}

export interface ShopMetrics {
  jobs: number;
  missing_drafts: number;
  failed: number;
  line_precision: number | null;
  line_recall: number | null;
  line_f1: number | null;
  office_lines: number;
  added_lines: number;
  missed_recall: number | null;
  missed_precision: number | null;
  total_exact_rate: number | null;
  invoice_exact_rate: number | null;
  tax_exact_rate: number | null;
  lines_right: number;
  tax_exact_on_lines_right: number | null;
  declined_billed: number;
  invoice_confidence_auc: number | null;
  auto_share_at_995: number;
  auto_threshold_at_995: number | null;
  auto_count_at_995: number;
  auto_exactness_at_995: number | null;
  auto_wilson_low_at_995: number | null;
  auto_post_share: number | null;
  auto_posts: number;
  wrong_auto_posts: number;
}

export const AUTO_TARGET = 0.995;

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

export function shopMetrics(jobs: EvalJob[]): ShopMetrics {
  const scores = jobs.map(scoreEvalJob);
  const s = (f: (x: EvalJobScore) => number) => scores.reduce((a, x) => a + f(x), 0);
  const count = (f: (x: EvalJobScore) => boolean) => scores.filter(f).length;
  const matched = s((x) => x.matched);
  const p = ratio(
    matched,
    s((x) => x.draftLines),
  );
  const r = ratio(
    matched,
    s((x) => x.finalLines),
  );
  const present = scores.filter((x) => !x.missing);
  const linesRight = count((x) => x.linesRight);
  const pairs = present.flatMap((x) =>
    x.confidence === null ? [] : [{ confidence: x.confidence, exact: x.exact }],
  );
  const auto = autoApproval(pairs, AUTO_TARGET, scores.length);
  const autoPosts = count((x) => x.route === 'auto_post');
  return {
    jobs: scores.length,
    missing_drafts: count((x) => x.missing),
    failed: count((x) => x.route === 'failed'),
    line_precision: p,
    line_recall: r,
    line_f1: p === null || r === null ? null : p + r === 0 ? 0 : (2 * p * r) / (p + r),
    office_lines: s((x) => x.officeLines),
    added_lines: s((x) => x.added),
    missed_recall: ratio(
      s((x) => x.officeFound),
      s((x) => x.officeLines),
    ),
    missed_precision: ratio(
      s((x) => x.addedCorrect),
      s((x) => x.added),
    ),
    total_exact_rate: ratio(
      count((x) => x.totalRight),
      scores.length,
    ),
    invoice_exact_rate: ratio(
      count((x) => x.exact),
      scores.length,
    ),
    tax_exact_rate: ratio(
      count((x) => x.taxRight),
      scores.length,
    ),
    lines_right: linesRight,
    tax_exact_on_lines_right: ratio(
      count((x) => x.linesRight && x.taxRight),
      linesRight,
    ),
    declined_billed: s((x) => x.declinedBilled),
    invoice_confidence_auc: auc(pairs.map((q) => ({ score: q.confidence, label: q.exact }))),
    auto_share_at_995: auto.share,
    auto_threshold_at_995: auto.threshold,
    auto_count_at_995: auto.count,
    auto_exactness_at_995: auto.exactness,
    auto_wilson_low_at_995: auto.wilson_low,
    auto_post_share: ratio(autoPosts, scores.length),
    auto_posts: autoPosts,
    wrong_auto_posts: count((x) => x.route === 'auto_post' && !x.exact),
  };
}

/**
 * The threshold recommended out of time: from the calibration window before the evaluated jobs
 * (its share, exactness and Wilson low are the calibration window's), put in force for them.
 * Null when the shop ran without a calibration window.
 */
export interface CalibrationMetrics {
  calibration_days: number | null;
  calibration_jobs: number | null;
  recommended_threshold: number | null;
  recommended_share: number | null;
  recommended_exactness: number | null;
  recommended_wilson_low: number | null;
  /** Business units that got a threshold of their own. */
  recommended_business_units: number | null;
}

export function calibrationMetrics(
  calibration: { days: number; recommendation: RecommendedThreshold } | null,
): CalibrationMetrics {
  const r = calibration?.recommendation;
  return {
    calibration_days: calibration?.days ?? null,
    calibration_jobs: r?.jobs ?? null,
    recommended_threshold: r?.autoApproveConfidence ?? null,
    recommended_share: r?.share ?? null,
    recommended_exactness: r?.exactness ?? null,
    recommended_wilson_low: r?.wilsonLow ?? null,
    recommended_business_units: r ? r.businessUnits.length : null,
  };
}

// ---- the table's summary rows and the targets

export type Row = ShopMetrics & CalibrationMetrics & { seconds: number };

/** Which end of each summarised column is the worst shop: its minimum or its maximum. */
export const WORST: Partial<Record<keyof Row, 'min' | 'max'>> = {
  jobs: 'min',
  missing_drafts: 'max',
  failed: 'max',
  line_precision: 'min',
  line_recall: 'min',
  line_f1: 'min',
  missed_recall: 'min',
  missed_precision: 'min',
  total_exact_rate: 'min',
  invoice_exact_rate: 'min',
  tax_exact_rate: 'min',
  tax_exact_on_lines_right: 'min',
  declined_billed: 'max',
  invoice_confidence_auc: 'min',
  auto_post_share: 'min',
  wrong_auto_posts: 'max',
  seconds: 'max',
};

const AUTO_KEYS = [
  'auto_share_at_995',
  'auto_threshold_at_995',
  'auto_count_at_995',
  'auto_exactness_at_995',
  'auto_wilson_low_at_995',
] as const;

const RECOMMENDATION_KEYS = [
  'calibration_days',
  'calibration_jobs',
  'recommended_threshold',
  'recommended_share',
  'recommended_exactness',
  'recommended_wilson_low',
  'recommended_business_units',
] as const;

const COUNT_KEYS = ['office_lines', 'added_lines', 'lines_right', 'auto_posts'] as const;

function mean(values: (number | null)[]): number | null {
  const xs = values.filter((v): v is number => v !== null);
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

/**
 * The mean row (each column's mean over the shops that have a value) and the worst row (each
 * column's worst shop; the auto-approval cell is taken whole from the shop with the smallest share).
 */
export function summaryRows(rows: Row[]): { mean: Row; worst: Row } {
  const meanRow = {} as Record<string, number | null>;
  const worstRow = {} as Record<string, number | null>;
  for (const [key, end] of Object.entries(WORST) as [keyof Row, 'min' | 'max'][]) {
    const values = rows.map((r) => r[key]);
    meanRow[key] = mean(values);
    const xs = values.filter((v): v is number => v !== null);
    worstRow[key] = xs.length ? (end === 'min' ? Math.min(...xs) : Math.max(...xs)) : null;
  }
  for (const key of COUNT_KEYS) {
    meanRow[key] = mean(rows.map((r) => r[key]));
    worstRow[key] = null;
  }
  meanRow.auto_share_at_995 = mean(rows.map((r) => r.auto_share_at_995));
  meanRow.auto_threshold_at_995 = null;
  meanRow.auto_count_at_995 = mean(rows.map((r) => r.auto_count_at_995));
  meanRow.auto_exactness_at_995 = mean(rows.map((r) => r.auto_exactness_at_995));
  meanRow.auto_wilson_low_at_995 = mean(rows.map((r) => r.auto_wilson_low_at_995));
  const worstAuto = [...rows].sort(
    (a, b) =>
      a.auto_share_at_995 - b.auto_share_at_995 ||
      (a.auto_wilson_low_at_995 ?? -1) - (b.auto_wilson_low_at_995 ?? -1),
  )[0];
  for (const key of AUTO_KEYS) worstRow[key] = worstAuto ? worstAuto[key] : null;
  // The recommended threshold: means of its figures; the worst cell whole from the shop whose
  // recommendation would post the smallest share.
  for (const key of RECOMMENDATION_KEYS) meanRow[key] = mean(rows.map((r) => r[key]));
  meanRow.recommended_threshold = null;
  const worstRecommendation = rows
    .filter((r) => r.recommended_share !== null)
    .sort(
      (a, b) =>
        a.recommended_share! - b.recommended_share! ||
        (a.recommended_wilson_low ?? -1) - (b.recommended_wilson_low ?? -1),
    )[0];
  for (const key of RECOMMENDATION_KEYS)
    worstRow[key] = worstRecommendation ? worstRecommendation[key] : null;
  const order = (r: Record<string, number | null>) =>
    Object.fromEntries(ROW_KEYS.map((k) => [k, r[k] ?? null])) as unknown as Row;
  return { mean: order(meanRow), worst: order(worstRow) };
}

/** Every key of a row, in the order the JSON writes them. */
export const ROW_KEYS: (keyof Row)[] = [
  'jobs',
  'missing_drafts',
  'failed',
  'line_precision',
  'line_recall',
  'line_f1',
  'office_lines',
  'added_lines',
  'missed_recall',
  'missed_precision',
  'total_exact_rate',
  'invoice_exact_rate',
  'tax_exact_rate',
  'lines_right',
  'tax_exact_on_lines_right',
  'declined_billed',
  'invoice_confidence_auc',
  'auto_share_at_995',
  'auto_threshold_at_995',
  'auto_count_at_995',
  'auto_exactness_at_995',
  'auto_wilson_low_at_995',
  'calibration_days',
  'calibration_jobs',
  'recommended_threshold',
  'recommended_share',
  'recommended_exactness',
  'recommended_wilson_low',
  'recommended_business_units',
  'auto_post_share',
  'auto_posts',
  'wrong_auto_posts',
  'seconds',
];

export const TARGETS = {
  line_f1: 0.97,
  missed_recall: 0.9,
  missed_precision: 0.95,
  total_exact_rate: 0.85,
  tax_exact_on_lines_right: 1,
  declined_billed: 0,
  invoice_confidence_auc: 0.9,
  auto_share_at_995: 0.5,
  wrong_auto_posts: 0,
} as const;

export const TARGETS_TEXT =
  'F1 ≥ 0.97, missed R ≥ 0.90, missed P ≥ 0.95, total exact ≥ 0.85, tax exact | lines right = 1.0, ' +
  'declined billed 0, AUC ≥ 0.90, auto share @99.5% ≥ 0.5 with 0 wrong auto-posts';

/**
 * Which targets a shop misses, in words. A rate with no denominator (nothing to find, nothing
 * added, no draft with right lines, one AUC class empty) is not counted against the shop: the
 * other targets already judge it.
 */
export function targetFailures(m: ShopMetrics): string[] {
  const out: string[] = [];
  const atLeast = (key: keyof typeof TARGETS, label: string) => {
    const v = m[key] as number | null;
    const t = TARGETS[key];
    if (v !== null && v < t) out.push(`${label} ${v.toFixed(3)} < ${t}`);
  };
  atLeast('line_f1', 'F1');
  atLeast('missed_recall', 'missed R');
  atLeast('missed_precision', 'missed P');
  atLeast('total_exact_rate', 'total exact');
  atLeast('tax_exact_on_lines_right', 'tax exact | lines right');
  if (m.declined_billed > TARGETS.declined_billed) out.push(`declined billed ${m.declined_billed}`);
  atLeast('invoice_confidence_auc', 'AUC');
  atLeast('auto_share_at_995', 'auto share @99.5%');
  if (m.wrong_auto_posts > TARGETS.wrong_auto_posts) out.push(`wrong auto-posts ${m.wrong_auto_posts}`);
  return out;
}
