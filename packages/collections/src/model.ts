// The per-tenant model: L2-regularised logistic regression of P(not paid within 30 days after
// due) on the scorecard's features, trained on the shop's own earlier invoices (the caller
// passes only examples whose outcome was known at training time). Full-batch gradient descent
// on standardised features: small, deterministic, no dependency. Reason codes are the features
// that push this invoice's risk up most relative to the average invoice.
import type { RiskFeatures } from './features.ts';
import { formatCents } from './ledger.ts';
import type { Reason, RiskScore } from './scorecard.ts';

export const RISK_MODEL_FEATURES: {
  code: string;
  value: (f: RiskFeatures) => number;
  text: (f: RiskFeatures) => string;
}[] = [
  {
    code: 'days_past_due',
    value: (f) => Math.max(-60, Math.min(120, f.daysPastDue)),
    text: (f) => `${f.daysPastDue} days past due`,
  },
  {
    code: 'late_history',
    value: (f) => (f.recentClosed ? f.recentLate / f.recentClosed : 0.5),
    text: (f) => `${f.recentLate} of last ${f.recentClosed} invoices paid more than 30 days after due`,
  },
  { code: 'no_history', value: (f) => (f.recentClosed ? 0 : 1), text: () => 'no paid invoices yet' },
  {
    code: 'median_days_late',
    value: (f) => Math.max(-30, Math.min(120, f.medianDaysLate ?? 0)),
    text: (f) => `pays a median ${Math.round(f.medianDaysLate ?? 0)} days after due`,
  },
  {
    code: 'other_overdue',
    value: (f) => Math.min(5, f.otherOverdueCount),
    text: (f) => `${f.otherOverdueCount} other invoices over 30 days past due`,
  },
  {
    code: 'balance',
    value: (f) => Math.log1p(Math.max(0, f.balanceCents) / 100),
    text: (f) => `open balance ${formatCents(f.balanceCents)}`,
  },
  {
    code: 'term_days',
    value: (f) => Math.min(90, Math.max(0, f.termDays)),
    text: (f) => `terms ${f.termDays} days`,
  },
  { code: 'dispute', value: (f) => Math.min(3, f.disputes), text: (f) => `${f.disputes} disputes recorded` },
  {
    code: 'broken_promise',
    value: (f) => Math.min(3, f.brokenPromises),
    text: (f) => `${f.brokenPromises} broken promises`,
  },
  { code: 'open_promise', value: (f) => (f.openPromise ? 1 : 0), text: () => 'promised to pay' },
  {
    code: 'wrong_number',
    value: (f) => (f.wrongNumber ? 1 : 0),
    text: () => 'a collector reached a wrong number',
  },
];

export interface RiskModel {
  weights: number[];
  bias: number;
  means: number[];
  scales: number[];
  trainedOn: number;
  /** The feature codes the weights belong to, in order. */
  features: string[];
}

/** A stored model still usable by this code: same features in the same order, finite numbers. */
export function asRiskModel(value: unknown): RiskModel | null {
  const m = value as Partial<RiskModel> | null;
  const codes = RISK_MODEL_FEATURES.map((f) => f.code);
  const finite = (xs: unknown) =>
    Array.isArray(xs) && xs.length === codes.length && xs.every((x) => Number.isFinite(x));
  if (!m || !Array.isArray(m.features) || m.features.join() !== codes.join()) return null;
  if (!finite(m.weights) || !finite(m.means) || !finite(m.scales) || !Number.isFinite(m.bias)) return null;
  return m as RiskModel;
}

/** Fewer closed examples than this, or only one class: keep the scorecard. */
export const MIN_TRAINING_EXAMPLES = 300;

export function trainRiskModel(
  examples: readonly { features: RiskFeatures; late: boolean }[],
  options: { l2?: number; iterations?: number; rate?: number } = {},
): RiskModel | null {
  const n = examples.length;
  const positives = examples.filter((e) => e.late).length;
  if (n < MIN_TRAINING_EXAMPLES || positives === 0 || positives === n) return null;
  const { l2 = 0.01, iterations = 400, rate = 0.5 } = options;
  const raw = examples.map((e) => RISK_MODEL_FEATURES.map((f) => f.value(e.features)));
  const k = RISK_MODEL_FEATURES.length;
  const means = Array.from({ length: k }, (_, j) => raw.reduce((s, r) => s + r[j]!, 0) / n);
  const scales = means.map((m, j) => Math.sqrt(raw.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / n) || 1);
  const x = raw.map((r) => r.map((v, j) => (v - means[j]!) / scales[j]!));
  const y = examples.map((e) => (e.late ? 1 : 0));
  const w = new Array<number>(k).fill(0);
  let b = Math.log(positives / (n - positives));
  for (let it = 0; it < iterations; it++) {
    const gw = new Array<number>(k).fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      let z = b;
      for (let j = 0; j < k; j++) z += w[j]! * xi[j]!;
      const err = 1 / (1 + Math.exp(-z)) - y[i]!;
      gb += err;
      for (let j = 0; j < k; j++) gw[j]! += err * xi[j]!;
    }
    for (let j = 0; j < k; j++) w[j] = w[j]! - rate * (gw[j]! / n + l2 * w[j]!);
    b -= (rate * gb) / n;
  }
  return {
    weights: w,
    bias: b,
    means,
    scales,
    trainedOn: n,
    features: RISK_MODEL_FEATURES.map((f) => f.code),
  };
}

export function scoreWithModel(model: RiskModel, f: RiskFeatures): RiskScore {
  let z = model.bias;
  const contributions = RISK_MODEL_FEATURES.map((feat, j) => {
    const c = model.weights[j]! * ((feat.value(f) - model.means[j]!) / model.scales[j]!);
    z += c;
    return { feat, c };
  });
  const reasons: Reason[] = contributions
    .sort((a, b) => b.c - a.c || a.feat.code.localeCompare(b.feat.code))
    .slice(0, 4)
    .map(({ feat, c }) => ({ code: feat.code, points: Math.round(c * 100) / 100, text: feat.text(f) }));
  const risk = 1 / (1 + Math.exp(-z));
  return { points: Math.round(risk * 100), risk, reasons, source: 'model' };
}
