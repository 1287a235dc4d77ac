// The auto-approval threshold a shop's own record supports: the lowest invoice confidence at
// which the drafts that would have posted without a person were still ≥ 99.5% exactly right
// (lines and total equal to the final invoice). Computed from a backtest's outcomes; reported
// with the share it would post and the Wilson lower bound of its exactness, and only ever a
// recommendation: nothing here changes the threshold in force.
import { wilsonLowerBound } from '../history/model.ts';

export interface ThresholdInvoice {
  /** The draft's invoice confidence. */
  confidence: number;
  /** The draft's lines (a multiset by SKU and quantity) and total equal the final invoice's. */
  exact: boolean;
  /**
   * The route had no reason to hold it other than its confidence (see `eligibleForAutoPost`):
   * an invoice held for its amount, a flag, an always-review customer or job type never posts
   * whatever the threshold, so it neither counts for nor against one.
   */
  eligible: boolean;
  businessUnitId: number;
}

export interface ThresholdOptions {
  /** Exactness the auto-posted invoices must keep (default 0.995). */
  target?: number;
  /** A business unit gets its own threshold only with at least this many invoices (default 40). */
  minBusinessUnitJobs?: number;
  /** z of the one-sided Wilson bound reported (default 1.645: 95%). */
  z?: number;
  /**
   * The Wilson lower bound the admitted invoices must also reach (default 0.95): a short run of
   * exact drafts in a small window proves little (24 of 24 exact is a lower bound of 0.90).
   */
  minWilsonLow?: number;
}

export interface ThresholdFigures {
  /** Post without review at confidence ≥ this; null: no threshold keeps the target, post nothing. */
  autoApproveConfidence: number | null;
  /** Invoices that would auto-post (eligible and ≥ the threshold) / all invoices. */
  share: number;
  /** Exactly right among those that would auto-post; null when none would. */
  exactness: number | null;
  /** One-sided 95% Wilson lower bound of that exactness; null when none would post. */
  wilsonLow: number | null;
  /** All invoices considered. */
  jobs: number;
  /** Of which eligible (held by nothing but their confidence). */
  eligible: number;
  /** Invoices that would auto-post at the threshold, and how many of them were exactly right. */
  autoPosts: number;
  exact: number;
}

export interface BusinessUnitThreshold extends ThresholdFigures {
  businessUnitId: number;
}

export interface RecommendedThreshold extends ThresholdFigures {
  target: number;
  /** Business units with enough invoices whose own best threshold differs from the shop's. */
  businessUnits: BusinessUnitThreshold[];
}

export const AUTO_APPROVE_TARGET = 0.995;
export const MIN_BUSINESS_UNIT_JOBS = 40;
export const MIN_WILSON_LOW = 0.95;

/** Route reasons that do not stop an invoice from auto-posting once the threshold and mode allow. */
const THRESHOLD_REASONS = new Set(['low_confidence', 'suggest_mode']);

/**
 * Whether a routed draft could have auto-posted at some threshold: it has a draft, its run did
 * not fail, and nothing but its confidence (or the rollout mode) held it.
 */
export function eligibleForAutoPost(reasons: readonly string[]): boolean {
  return reasons.every((r) => THRESHOLD_REASONS.has(r));
}

/**
 * Scanning the eligible invoices from the most confident down, cutting only between distinct
 * confidences (a threshold admits every tie), the last cut at which the admitted invoices are
 * still ≥ target exactly right, with a Wilson lower bound of at least `minWilsonLow`: the lowest
 * threshold that keeps the target on enough evidence.
 */
export function bestThreshold(
  invoices: readonly ThresholdInvoice[],
  target: number,
  z = 1.645,
  minWilsonLow = 0,
): ThresholdFigures {
  const eligible = invoices
    .filter((i) => i.eligible && Number.isFinite(i.confidence))
    .sort((a, b) => b.confidence - a.confidence);
  let best = { threshold: null as number | null, count: 0, exact: 0 };
  let exact = 0;
  for (let i = 0; i < eligible.length; i++) {
    if (eligible[i]!.exact) exact += 1;
    const next = eligible[i + 1];
    if (next && next.confidence === eligible[i]!.confidence) continue;
    if (exact / (i + 1) >= target && wilsonLowerBound(exact, i + 1, z) >= minWilsonLow)
      best = { threshold: eligible[i]!.confidence, count: i + 1, exact };
  }
  const jobs = invoices.length;
  return {
    autoApproveConfidence: best.threshold,
    share: jobs ? best.count / jobs : 0,
    exactness: best.count ? best.exact / best.count : null,
    wilsonLow: best.count ? wilsonLowerBound(best.exact, best.count, z) : null,
    jobs,
    eligible: eligible.length,
    autoPosts: best.count,
    exact: best.exact,
  };
}

/**
 * The shop's recommended auto-approval threshold, and the business units (with at least
 * `minBusinessUnitJobs` invoices) whose own record supports a different one — lower or higher,
 * or none at all.
 */
export function recommendThreshold(
  invoices: readonly ThresholdInvoice[],
  options: ThresholdOptions = {},
): RecommendedThreshold {
  const target = options.target ?? AUTO_APPROVE_TARGET;
  const minJobs = options.minBusinessUnitJobs ?? MIN_BUSINESS_UNIT_JOBS;
  const minWilsonLow = options.minWilsonLow ?? MIN_WILSON_LOW;
  const shop = bestThreshold(invoices, target, options.z, minWilsonLow);
  const byUnit = new Map<number, ThresholdInvoice[]>();
  for (const i of invoices) byUnit.set(i.businessUnitId, [...(byUnit.get(i.businessUnitId) ?? []), i]);
  const businessUnits: BusinessUnitThreshold[] = [];
  for (const [businessUnitId, list] of [...byUnit].sort(([a], [b]) => a - b)) {
    if (list.length < minJobs) continue;
    const own = bestThreshold(list, target, options.z, minWilsonLow);
    if (own.autoApproveConfidence === shop.autoApproveConfidence) continue;
    // A unit too small to earn a threshold of its own inherits the shop's, unless its own
    // record at the shop's threshold falls short of the target (then it posts nothing).
    if (own.autoApproveConfidence === null && !fallsShort(list, shop.autoApproveConfidence, target)) continue;
    businessUnits.push({ businessUnitId, ...own });
  }
  return { target, ...shop, businessUnits };
}

/** Whether a unit's eligible invoices at or above `threshold` are less exact than the target. */
function fallsShort(list: readonly ThresholdInvoice[], threshold: number | null, target: number): boolean {
  if (threshold === null) return false;
  const admitted = list.filter((i) => i.eligible && i.confidence >= threshold);
  return admitted.length > 0 && admitted.filter((i) => i.exact).length / admitted.length < target;
}
