// Sold estimate vs draft: what the customer agreed to against what we are about to bill, by SKU,
// quantity and dollars. Pure and deterministic. Each difference carries its dollar impact and the
// estimate item it comes from; a sold item missing from the draft becomes a suggested line (the
// estimate as provenance), never a line of the draft: the draft's total does not move.
import { Decimal, fromAmountString, sum, toMoneyString, ZERO } from '@invoicer/core';
import { type Estimate, type EstimateStatus, estimateStatus } from './estimate-schema.ts';

/** The draft line fields the comparison reads (a PricedLine has them all). */
export interface DraftLineInput {
  key: string;
  skuId: number;
  skuCode: string;
  skuName: string;
  type: string;
  quantity: string;
  unitPrice: string;
  total: string;
}

export type DifferenceClass =
  | 'same'
  | 'qty_changed'
  | 'price_changed'
  | 'sold_not_invoiced'
  | 'added_on_invoice'
  | 'declined_on_invoice'
  | 'non_chargeable';

export interface EstimateRef {
  estimateId: number;
  itemId: number;
  status: EstimateStatus;
  name: string | null;
  quantity: string;
  unitRate: string;
  total: string;
  description: string;
}

export interface EstimateDifference {
  class: DifferenceClass;
  skuId: number;
  skuName: string;
  /** Draft line keys of this SKU (empty when the draft lacks it). */
  lineKeys: string[];
  estimate: EstimateRef[];
  estimateQuantity: string | null;
  estimateTotal: string | null;
  draftQuantity: string | null;
  draftTotal: string | null;
  /** Draft minus sold (negative: billed less than sold). */
  dollarImpact: string;
  message: string;
}

export interface SuggestedEstimateLine {
  skuId: number;
  skuName: string;
  quantity: string;
  unitPrice: string;
  total: string;
  provenance: { kind: 'estimate'; estimateId: number; itemIds: number[] };
  reason: string;
}

export interface EstimateComparison {
  estimates: {
    id: number;
    name: string | null;
    status: EstimateStatus;
    soldOn: string | null;
    items: number;
  }[];
  differences: EstimateDifference[];
  suggestions: SuggestedEstimateLine[];
  /** Per class: count and dollar impact. */
  summary: Record<string, { count: number; dollars: string }>;
}

/** Lines that are never on an estimate (fees, discounts) are not "unsold". */
const UNSOLD_EXEMPT_TYPES = new Set(['PriceModifier']);

interface Group {
  skuId: number;
  skuName: string;
  quantity: Decimal;
  total: Decimal;
  refs: EstimateRef[];
}

function groupEstimateItems(estimates: Estimate[], status: EstimateStatus, chargeable: boolean) {
  const groups = new Map<number, Group>();
  for (const estimate of estimates) {
    if (estimateStatus(estimate) !== status) continue;
    for (const item of estimate.items ?? []) {
      if ((item.chargeable !== false) !== chargeable) continue;
      const g = groups.get(item.sku.id) ?? {
        skuId: item.sku.id,
        skuName: item.sku.displayName || item.sku.name || `SKU ${item.sku.id}`,
        quantity: ZERO,
        total: ZERO,
        refs: [],
      };
      g.quantity = g.quantity.plus(new Decimal(item.qty));
      g.total = g.total.plus(new Decimal(item.total));
      g.refs.push({
        estimateId: estimate.id,
        itemId: item.id,
        status,
        name: estimate.name ?? null,
        quantity: item.qty,
        unitRate: item.unitRate,
        total: toMoneyString(new Decimal(item.total)),
        description: item.description ?? '',
      });
      groups.set(item.sku.id, g);
    }
  }
  return groups;
}

const qty = (d: Decimal) => d.toDecimalPlaces(4).toString();

export function compareEstimates(estimates: Estimate[], lines: DraftLineInput[]): EstimateComparison {
  const known = estimates.filter((e) => estimateStatus(e) !== null && e.active !== false);
  const sold = groupEstimateItems(known, 'sold', true);
  const soldFree = groupEstimateItems(known, 'sold', false);
  const dismissed = groupEstimateItems(known, 'dismissed', true);
  const draft = new Map<
    number,
    { keys: string[]; name: string; type: string; quantity: Decimal; total: Decimal }
  >();
  for (const line of lines) {
    const d = draft.get(line.skuId) ?? {
      keys: [],
      name: line.skuName,
      type: line.type,
      quantity: ZERO,
      total: ZERO,
    };
    d.keys.push(line.key);
    d.quantity = d.quantity.plus(new Decimal(line.quantity));
    d.total = d.total.plus(fromAmountString(line.total));
    draft.set(line.skuId, d);
  }
  const differences: EstimateDifference[] = [];
  const suggestions: SuggestedEstimateLine[] = [];
  for (const g of sold.values()) {
    const d = draft.get(g.skuId);
    const base = {
      skuId: g.skuId,
      skuName: g.skuName,
      estimate: g.refs,
      estimateQuantity: qty(g.quantity),
      estimateTotal: toMoneyString(g.total),
    };
    if (!d) {
      differences.push({
        ...base,
        class: 'sold_not_invoiced',
        lineKeys: [],
        draftQuantity: null,
        draftTotal: null,
        dollarImpact: toMoneyString(g.total.negated()),
        message: `${g.skuName} × ${qty(g.quantity)} was sold (${toMoneyString(g.total)}) but is not on the invoice`,
      });
      const first = g.refs[0]!;
      suggestions.push({
        skuId: g.skuId,
        skuName: g.skuName,
        quantity: qty(g.quantity),
        // The sold price: the estimate's total over its quantity, exact.
        unitPrice: g.quantity.isZero() ? toMoneyString(g.total) : toMoneyString(g.total.div(g.quantity)),
        total: toMoneyString(g.total),
        provenance: { kind: 'estimate', estimateId: first.estimateId, itemIds: g.refs.map((r) => r.itemId) },
        reason: `On sold estimate ${first.name ?? first.estimateId}; not on the invoice`,
      });
      continue;
    }
    const cls: DifferenceClass = !d.quantity.eq(g.quantity)
      ? 'qty_changed'
      : !d.total.eq(g.total)
        ? 'price_changed'
        : 'same';
    differences.push({
      ...base,
      class: cls,
      lineKeys: d.keys,
      draftQuantity: qty(d.quantity),
      draftTotal: toMoneyString(d.total),
      dollarImpact: toMoneyString(d.total.minus(g.total)),
      message:
        cls === 'same'
          ? `${g.skuName} matches the sold estimate`
          : cls === 'qty_changed'
            ? `${g.skuName}: sold × ${qty(g.quantity)}, invoiced × ${qty(d.quantity)}`
            : `${g.skuName}: sold for ${toMoneyString(g.total)}, invoiced for ${toMoneyString(d.total)}`,
    });
  }
  const anySold = known.some((e) => estimateStatus(e) === 'sold');
  for (const [skuId, d] of draft) {
    if (sold.has(skuId) || UNSOLD_EXEMPT_TYPES.has(d.type)) continue;
    const free = soldFree.get(skuId);
    const declined = dismissed.get(skuId);
    const cls: DifferenceClass | null = free
      ? 'non_chargeable'
      : declined
        ? 'declined_on_invoice'
        : anySold
          ? 'added_on_invoice'
          : null;
    if (!cls) continue;
    differences.push({
      class: cls,
      skuId,
      skuName: d.name,
      lineKeys: d.keys,
      estimate: (free ?? declined)?.refs ?? [],
      estimateQuantity: null,
      estimateTotal: null,
      draftQuantity: qty(d.quantity),
      draftTotal: toMoneyString(d.total),
      dollarImpact: toMoneyString(d.total),
      message:
        cls === 'declined_on_invoice'
          ? `${d.name} is billed but the customer dismissed the estimate that offered it`
          : cls === 'non_chargeable'
            ? `${d.name} was on the sold estimate as non-chargeable but is billed`
            : `${d.name} is billed but was not on the sold estimate`,
    });
  }
  const summary: EstimateComparison['summary'] = {};
  for (const diff of differences) {
    const s = summary[diff.class] ?? { count: 0, dollars: '0.00' };
    s.count += 1;
    s.dollars = toMoneyString(sum([fromAmountString(s.dollars), fromAmountString(diff.dollarImpact)]));
    summary[diff.class] = s;
  }
  return {
    estimates: known.map((e) => ({
      id: e.id,
      name: e.name ?? null,
      status: estimateStatus(e)!,
      soldOn: e.soldOn ?? null,
      items: e.items?.length ?? 0,
    })),
    differences,
    suggestions,
    summary,
  };
}

/** The differences a person must look at (everything but `same`). */
export function reviewableDifferences(comparison: EstimateComparison): EstimateDifference[] {
  return comparison.differences.filter((d) => d.class !== 'same');
}
