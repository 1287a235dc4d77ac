// Lines from the shop's learned billing policy (history/policy.ts): for each SKU the office
// adds, the tree's leaf for this job says how often such jobs got it. At one half or more it is
// added, with the condition and its support as evidence; below, it is not, and the chance that
// it is missing all the same counts against the invoice's confidence.
import type { HistoryModel } from '../history/model.ts';
import { type PolicyPrediction, partFeatures, predictPolicies, shopPolicies } from '../history/policy.ts';
import type { CatalogSku, ProposedLine } from '../types.ts';
import { describeFeature } from './learned.ts';

export interface PolicyInput {
  model: HistoryModel;
  features: string[];
  catalog: Map<number, CatalogSku>;
  jobTypeNames: Map<number, string>;
  /** SKUs on the invoice already (technician items and note lines). */
  billedSkuIds: Set<number>;
  /** SKUs the notes say not to bill. */
  waivedSkuIds: Set<number>;
  /** SKUs a setting forbids adding (a disabled rule's concept). */
  forbiddenSkuIds: Set<number>;
  /** Whether the job already covers or waives what the SKU is for. */
  covered?: (skuId: number) => boolean;
}

export interface PolicyResult {
  lines: ProposedLine[];
  /** SKUs the learned policy decides for this job (rules and patterns defer to it). */
  governed: Set<number>;
  /** Every prediction, for the invoice's missing-item risk. */
  predictions: PolicyPrediction[];
}

/** Policy lines are proposed at this chance or more. */
export const POLICY_ADD_AT = 0.5;

export function describeCondition(
  path: PolicyPrediction['path'],
  catalog: Map<number, CatalogSku>,
  jobTypeNames: Map<number, string>,
): string {
  if (!path.length) return 'on jobs like this one';
  return path
    .map((c) => `${c.present ? '' : 'not '}${describeFeature(c.feature, catalog, jobTypeNames)}`)
    .join(', ');
}

/** Materials and equipment are parts: features of the job for the policy (see partFeatures). */
export function isPartOf(catalog: Map<number, CatalogSku>) {
  return (skuId: number) => {
    const kind = catalog.get(skuId)?.kind;
    return kind === 'material' || kind === 'equipment';
  };
}

/** The learned policy's predictions for a job whose draft bills `billed` so far. */
export function policyPredictions(
  model: HistoryModel,
  catalog: Map<number, CatalogSku>,
  features: string[],
  billed: Iterable<number>,
): PolicyPrediction[] {
  const isPart = isPartOf(catalog);
  const policies = shopPolicies(model, isPart);
  return predictPolicies(policies, [...features, ...partFeatures(billed, isPart)]).filter(
    (p) => catalog.get(p.skuId)?.active === true,
  );
}

/** Passes of the policy over its own added parts (see policyLines). */
const MAX_POLICY_PASSES = 3;

export function policyLines(input: PolicyInput): PolicyResult {
  // The policies were learned from final invoices, whose parts include those the office added
  // ("a member discount when the job billed a part" counts the shop-supplies kit the office
  // adds). A part the policy adds is a part of the job for the other policies too: the policy
  // runs again over the draft's parts and its own until they stop changing.
  const isPart = isPartOf(input.catalog);
  let parts = new Set(input.billedSkuIds);
  let result = policyPass(input, parts);
  for (let pass = 1; pass < MAX_POLICY_PASSES; pass++) {
    const next = new Set([...input.billedSkuIds, ...result.lines.map((l) => l.skuId).filter(isPart)]);
    if (next.size === parts.size && [...next].every((id) => parts.has(id))) break;
    parts = next;
    result = policyPass(input, parts);
  }
  return result;
}

function policyPass(input: PolicyInput, parts: Set<number>): PolicyResult {
  const predictions = policyPredictions(input.model, input.catalog, input.features, parts).filter(
    (p) => !input.forbiddenSkuIds.has(p.skuId),
  );
  const lines: ProposedLine[] = [];
  const onInvoice = [...input.billedSkuIds];
  // Parts first: they are features of the other policies, never the reverse, so a fee whose
  // tree reads "no shop-supplies kit" as "no repair" must not shut out the kit it stands for.
  const isPart = isPartOf(input.catalog);
  const ordered = [
    ...predictions.filter((p) => isPart(p.skuId)),
    ...predictions.filter((p) => !isPart(p.skuId)),
  ];
  for (const p of ordered) {
    if (p.p < POLICY_ADD_AT || input.billedSkuIds.has(p.skuId) || input.waivedSkuIds.has(p.skuId)) continue;
    if (input.covered?.(p.skuId)) continue;
    // Alternatives (a regular and an emergency dispatch fee) are never billed together in this
    // shop's history: the likelier one is taken (predictions come most likely first).
    if (onInvoice.some((other) => exclusive(input.model, other, p.skuId))) continue;
    onInvoice.push(p.skuId);
    const sku = input.catalog.get(p.skuId)!;
    const when = describeCondition(p.path, input.catalog, input.jobTypeNames);
    const support = `${p.positives} of ${p.n} past jobs`;
    // A line is right only when its quantity is too.
    const confidence = Math.min(0.99, p.p * (p.quantityShare >= 0.95 ? 1 : p.quantityShare));
    lines.push({
      key: `policy:${sku.id}`,
      skuId: sku.id,
      quantity: String(p.quantity),
      origin: 'added',
      existingItemId: null,
      provenance: {
        kind: 'history_pattern',
        pattern: `${p.path.map((c) => `${c.present ? '' : '!'}${c.feature}`).join(' & ') || 'all'} → ${sku.code}`,
        support: p.positives,
        confidence: p.p,
      },
      evidence: [
        {
          kind: 'history_pattern',
          detail: `the office added ${sku.code} on ${support} where ${when} (the technician had not billed it)`,
          support: p.n,
          confidence: p.p,
        },
      ],
      confidence,
      reason: `Added ${sku.name}: the office adds it on ${support} like this one (${when}).`,
    });
  }
  return { lines, governed: new Set(predictions.map((p) => p.skuId)), predictions };
}

/**
 * Two SKUs are alternatives when the shop's history, given enough jobs with `a`, shows `b`
 * with it far less often than `b` appears at all (at least three expected together, at most a
 * tenth of that seen).
 */
export function exclusive(model: HistoryModel, a: number, b: number): boolean {
  const { rate, jobs } = model.pairRate(a, b);
  const base = model.skuShare(b);
  const expected = base * jobs;
  return expected >= 3 && rate * jobs <= expected * 0.1;
}

/** The chance that something the policy knows about is missing from a draft with `present`. */
export function policyMissingRisk(predictions: PolicyPrediction[], present: Set<number>): number {
  let none = 1;
  for (const p of predictions) if (!present.has(p.skuId)) none *= 1 - p.p;
  return 1 - none;
}
