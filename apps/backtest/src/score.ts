// Scoring drafts against what was finally billed. Lines match by SKU and quantity (a multiset:
// two identical lines need two matches). The office's later items on the final invoice are the
// missed billables; the draft's added lines are what we claim was missed.
import { computeTax, eligibleForAutoPost, type ItemType, type ThresholdInvoice } from '@invoicer/billing';
import { Decimal, fromAmountString, sum, type TenantSettings, toMoneyString, ZERO } from '@invoicer/core';

export interface DraftLineOut {
  skuId: number;
  skuCode: string;
  type: string;
  quantity: string;
  unitPrice: string;
  total: string;
  taxable: boolean;
  confidence: number;
  provenance: string;
  origin: 'technician' | 'added' | 'changed';
}

export interface FinalItem {
  skuId: number | null;
  skuCode: string | null;
  type: string;
  quantity: string;
  total: string;
  taxable: boolean;
  officeAdded: boolean;
}

export interface JobOutcome {
  jobId: number;
  invoiceId: number;
  businessUnit: string;
  businessUnitId: number;
  jobType: string;
  completedOn: string;
  route: string;
  reasons: string[];
  confidence: number;
  draft: { lines: DraftLineOut[]; subTotal: string; salesTax: string; total: string } | null;
  final: { items: FinalItem[]; subTotal: string; salesTax: string; total: string };
  /** Our tax engine applied to the final invoice's own lines. */
  engineTax: string | null;
  declinedSkuIds: number[];
}

const key = (skuId: number | null, quantity: string) => `${skuId}|${fromAmountString(quantity).toFixed(4)}`;

function multiset(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

function take(bag: Map<string, number>, k: string): boolean {
  const n = bag.get(k) ?? 0;
  if (!n) return false;
  bag.set(k, n - 1);
  return true;
}

export interface JobScore {
  predicted: number;
  truth: number;
  matched: number;
  added: number;
  addedCorrect: number;
  missed: number;
  missedFound: number;
  recovered: Decimal;
  wronglyAdded: Decimal;
  missedValue: Decimal;
  exactTotal: boolean;
  correct: boolean;
  declinedBilled: number;
  taxEngineExact: boolean | null;
  lineResults: { confidence: number; correct: boolean }[];
  missing: string[];
  wrong: string[];
  error: Decimal;
}

export function scoreJob(o: JobOutcome): JobScore {
  const finalBag = multiset(o.final.items.map((i) => key(i.skuId, i.quantity)));
  const missedItems = o.final.items.filter((i) => i.officeAdded);
  const missedBag = multiset(missedItems.map((i) => key(i.skuId, i.quantity)));
  const lines = o.draft?.lines ?? [];
  let matched = 0;
  const lineResults = lines.map((l) => {
    const ok = take(finalBag, key(l.skuId, l.quantity));
    if (ok) matched += 1;
    return { confidence: l.confidence, correct: ok };
  });
  const added = lines.filter((l) => l.origin === 'added');
  let addedCorrect = 0;
  let recovered = ZERO;
  let wronglyAdded = ZERO;
  const wrong: string[] = [];
  for (const l of added) {
    if (take(missedBag, key(l.skuId, l.quantity))) {
      addedCorrect += 1;
      recovered = recovered.plus(fromAmountString(l.total));
    } else {
      wronglyAdded = wronglyAdded.plus(fromAmountString(l.total));
      wrong.push(`${l.skuCode} × ${l.quantity} (${l.provenance})`);
    }
  }
  const missing = [...missedBag].flatMap(([k, n]) => {
    const item = missedItems.find((i) => key(i.skuId, i.quantity) === k);
    return n > 0 && item
      ? Array.from({ length: n }, () => `${item.skuCode ?? item.skuId} × ${item.quantity}`)
      : [];
  });
  const exactTotal = o.draft !== null && fromAmountString(o.draft.total).eq(fromAmountString(o.final.total));
  const declined = new Set(o.declinedSkuIds);
  return {
    predicted: lines.length,
    truth: o.final.items.length,
    matched,
    added: added.length,
    addedCorrect,
    missed: missedItems.length,
    missedFound: addedCorrect,
    recovered,
    wronglyAdded,
    missedValue: sum(missedItems.map((i) => fromAmountString(i.total))),
    exactTotal,
    correct: exactTotal && matched === lines.length && matched === o.final.items.length,
    declinedBilled: added.filter((l) => declined.has(l.skuId)).length,
    taxEngineExact:
      o.engineTax === null ? null : fromAmountString(o.engineTax).eq(fromAmountString(o.final.salesTax)),
    lineResults,
    missing,
    wrong,
    error: o.draft
      ? fromAmountString(o.draft.total).minus(fromAmountString(o.final.total)).abs()
      : fromAmountString(o.final.total),
  };
}

/** Our tax engine on the final invoice's lines, for the tax exactness check. */
export function engineTaxFor(
  items: FinalItem[],
  zone: Parameters<typeof computeTax>[1],
  settings: TenantSettings['tax'],
  exempt: boolean,
): string {
  const result = computeTax(
    items.map((i, n) => ({
      key: String(n),
      itemType: i.type as ItemType,
      amount: fromAmountString(i.total),
      taxable: i.taxable,
    })),
    zone,
    { ...settings, exempt },
  );
  return toMoneyString(result.salesTax);
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const f1 = (p: number | null, r: number | null) =>
  p === null || r === null || p + r === 0 ? null : (2 * p * r) / (p + r);

export interface GroupMetrics {
  jobs: number;
  line_precision: number | null;
  line_recall: number | null;
  line_f1: number | null;
  missed_recall: number | null;
  missed_precision: number | null;
  total_exact_rate: number | null;
}

export function groupMetrics(scores: JobScore[]): GroupMetrics {
  const s = (f: (x: JobScore) => number) => scores.reduce((a, x) => a + f(x), 0);
  const p = ratio(
    s((x) => x.matched),
    s((x) => x.predicted),
  );
  const r = ratio(
    s((x) => x.matched),
    s((x) => x.truth),
  );
  return {
    jobs: scores.length,
    line_precision: p,
    line_recall: r,
    line_f1: f1(p, r),
    missed_recall: ratio(
      s((x) => x.missedFound),
      s((x) => x.missed),
    ),
    missed_precision: ratio(
      s((x) => x.addedCorrect),
      s((x) => x.added),
    ),
    total_exact_rate: ratio(
      s((x) => (x.exactTotal ? 1 : 0)),
      scores.length,
    ),
  };
}

export const CALIBRATION_BUCKETS = [0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001];

export function calibration(scores: JobScore[]): { bucket: string; n: number; accuracy: number | null }[] {
  const lines = scores.flatMap((s) => s.lineResults);
  return CALIBRATION_BUCKETS.slice(0, -1).map((lo, i) => {
    const hi = CALIBRATION_BUCKETS[i + 1]!;
    const inBucket = lines.filter((l) => l.confidence >= lo && l.confidence < hi);
    return {
      bucket: `${lo.toFixed(2)}–${Math.min(hi, 1).toFixed(2)}`,
      n: inBucket.length,
      accuracy: ratio(inBucket.filter((l) => l.correct).length, inBucket.length),
    };
  });
}

/** The largest share of invoices, taken most confident first, whose precision stays ≥ target. */
export function autoShare(
  pairs: { confidence: number; correct: boolean }[],
  target: number,
): { share: number; threshold: number | null; precision: number | null } {
  const sorted = [...pairs].sort((a, b) => b.confidence - a.confidence);
  let best = { share: 0, threshold: null as number | null, precision: null as number | null };
  let correct = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i]!.correct) correct += 1;
    const next = sorted[i + 1];
    // Only cut between different confidences: a threshold admits every tie.
    if (next && next.confidence === sorted[i]!.confidence) continue;
    const precision = correct / (i + 1);
    if (precision >= target)
      best = { share: (i + 1) / sorted.length, threshold: sorted[i]!.confidence, precision };
  }
  return best;
}

/**
 * An outcome as the threshold recommendation sees it: exact when its lines (a multiset) and
 * total equal the final invoice's; eligible when it has a draft, its run did not fail, and its
 * route had no reason to hold it other than its confidence.
 */
export function thresholdInvoice(o: JobOutcome, score: JobScore = scoreJob(o)): ThresholdInvoice {
  return {
    confidence: o.confidence,
    exact: score.correct,
    eligible: o.draft !== null && o.route !== 'failed' && eligibleForAutoPost(o.reasons),
    businessUnitId: o.businessUnitId,
  };
}

export const RELIABILITY_BUCKETS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001];

export interface ReliabilityBucket {
  bucket: string;
  n: number;
  /** Mean invoice confidence in the bucket (the curve's x), null when empty. */
  mean_confidence: number | null;
  /** Share of its invoices exactly right (the curve's y), null when empty. */
  exactness: number | null;
}

/** Invoice-level reliability: drafted invoices by confidence bucket → how many were exactly right. */
export function reliability(pairs: { confidence: number; exact: boolean }[]): ReliabilityBucket[] {
  return RELIABILITY_BUCKETS.slice(0, -1).map((lo, i) => {
    const hi = RELIABILITY_BUCKETS[i + 1]!;
    const inBucket = pairs.filter((p) => p.confidence >= lo && p.confidence < hi);
    return {
      bucket: `${lo.toFixed(1)}–${Math.min(hi, 1).toFixed(1)}`,
      n: inBucket.length,
      mean_confidence: inBucket.length
        ? inBucket.reduce((a, p) => a + p.confidence, 0) / inBucket.length
        : null,
      exactness: ratio(inBucket.filter((p) => p.exact).length, inBucket.length),
    };
  });
}

export { Decimal };
