// Conventions learned, not assumed: tax rounding and bases, and what each percentage fee or
// discount is a percentage of, inferred from the shop's own past invoices (the convention that
// reproduces their tax and amounts to the cent), shown with its agreement and support, and
// overridable by pinning it in the tenant's settings.
import type { TenantSettings } from '@invoicer/core';
import type { CatalogSku } from '../types.ts';
import { describeAddOn, inferAddOnPricing } from './add-on.ts';
import {
  describeSpec,
  inferPercentageBases,
  type PercentageInferenceOptions,
  specFor,
} from './percentage.ts';
import { describeTaxConvention, inferTaxConvention, type TaxInferenceOptions } from './tax.ts';
import type { LearnedConventions, PastInvoice } from './types.ts';

export * from './add-on.ts';
export * from './percentage.ts';
export * from './tax.ts';
export type * from './types.ts';

export function inferConventions(
  invoices: readonly PastInvoice[],
  catalog: Map<number, CatalogSku>,
  fallbackTax: TenantSettings['tax'],
  options: TaxInferenceOptions & PercentageInferenceOptions = {},
): LearnedConventions {
  const asOf = invoices.reduce<string | null>(
    (a, i) => (a === null || i.completedOn > a ? i.completedOn : a),
    null,
  );
  return {
    asOf,
    invoices: invoices.length,
    tax: inferTaxConvention(invoices, fallbackTax, options),
    percentages: inferPercentageBases(invoices, catalog, options),
    addOn: inferAddOnPricing(invoices, catalog),
  };
}

/**
 * The settings the pipeline prices and taxes with: the stored ones, with the learned tax
 * convention (unless tax.convention is pinned, or the history did not decide) and a learned
 * base for every percentage SKU that has no pinned rule (unless percentageConvention is pinned).
 */
export function withConventions(
  settings: TenantSettings,
  learned: LearnedConventions | null,
): TenantSettings {
  if (!learned) return settings;
  const tax =
    settings.tax.convention === 'learned' && learned.tax.status === 'learned'
      ? { ...settings.tax, ...learned.tax.convention }
      : settings.tax;
  const pinned = settings.pricing.percentageBases.filter((r) => r.source !== 'learned');
  const pinnedIds = new Set(pinned.map((r) => r.skuId));
  const learnedRules =
    settings.pricing.percentageConvention === 'learned'
      ? learned.percentages.flatMap((p) => (p.rule && !pinnedIds.has(p.skuId) ? [p.rule] : []))
      : [];
  // A second task's price: pinned ('yes' / 'no'), or learned when the history decides it.
  const addOnLaterTasks =
    settings.pricing.addOnLaterTasks === 'learned' && learned.addOn?.status === 'learned'
      ? learned.addOn.laterTasksAtAddOn
        ? 'yes'
        : 'no'
      : settings.pricing.addOnLaterTasks;
  // Which task is the regular-priced one: pinned, or learned with it.
  const addOnLaterBy =
    settings.pricing.addOnLaterBy === 'learned' && learned.addOn?.status === 'learned'
      ? (learned.addOn.laterBy ?? 'price')
      : settings.pricing.addOnLaterBy;
  return {
    ...settings,
    tax,
    pricing: {
      ...settings.pricing,
      percentageBases: [...pinned, ...learnedRules],
      addOnLaterTasks,
      addOnLaterBy,
    },
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** What was learned and what is in use, in words (CLI and console). */
export function describeConventions(
  settings: TenantSettings,
  learned: LearnedConventions | null,
  catalog: Map<number, CatalogSku>,
): { tax: string[]; percentages: string[]; addOn: string[] } {
  const tax: string[] = [];
  const t = learned?.tax;
  if (!t || t.status === 'no_history') {
    tax.push('No taxed past invoice with a known zone yet: using the settings.');
  } else {
    const what = `${t.matched}/${t.support} past taxed invoices (${pct(t.agreement)})`;
    if (t.status === 'learned')
      tax.push(`Learned: ${describeTaxConvention(t.convention)}; reproduces ${what}.`);
    else if (t.status === 'tie')
      tax.push(
        `Every candidate reproduces the same ${what}: the history cannot tell them apart; the settings are kept.`,
      );
    else
      tax.push(
        `Best candidate (${t.candidates[0]?.label}) reproduces ${t.candidates[0]?.matched}/${t.support}, the settings ${t.fallbackMatched}/${t.support}: not enough to be sure, the settings are kept.`,
      );
    if (t.status === 'learned' && t.tied.length)
      tax.push(
        `Not decided by the history (settings value kept where it is among the best): ${t.tied.join(', ')}.`,
      );
    const next = t.candidates.find((c) => c.label !== describeTaxConvention(t.convention));
    if (next) tax.push(`Next best: ${next.label}: ${next.matched}/${t.support}.`);
  }
  tax.push(
    settings.tax.convention === 'pinned'
      ? `Pinned in the settings (tax.convention = pinned): ${describeTaxConvention(settings.tax)}.`
      : `In use: ${describeTaxConvention(withConventions(settings, learned ?? null).tax)}.`,
  );
  const percentages: string[] = [];
  const effective = withConventions(settings, learned);
  const seen = new Set<number>();
  for (const p of learned?.percentages ?? []) {
    seen.add(p.skuId);
    const inUse = effective.pricing.percentageBases.find((r) => r.skuId === p.skuId);
    const sku = catalog.get(p.skuId);
    const using = sku ? describeSpec(specFor(sku, inUse), catalog) : p.description;
    const source = inUse ? (inUse.source === 'learned' ? 'learned' : 'pinned') : 'price book';
    percentages.push(
      `${p.skuCode} ${p.skuName}: ${p.rule ? `learned ${p.description}` : `the price book's reading (${p.description}) is as good as any`}; reproduces ${p.matched}/${p.support} past invoices (${pct(p.agreement)}; the subtotal at the book rate: ${p.fallbackMatched}/${p.support}). In use (${source}): ${using}.`,
    );
  }
  for (const r of effective.pricing.percentageBases) {
    if (seen.has(r.skuId)) continue;
    const sku = catalog.get(r.skuId);
    if (sku) percentages.push(`${sku.code} ${sku.name}: pinned, ${describeSpec(specFor(sku, r), catalog)}.`);
  }
  const addOn = [describeAddOn(learned?.addOn)];
  const pinnedAddOn = settings.pricing.addOnLaterTasks;
  const inUse = withConventions(settings, learned).pricing;
  const leading = inUse.addOnLaterBy === 'order' ? 'after the first task entered' : 'beside a dearer task';
  addOn.push(
    pinnedAddOn === 'learned'
      ? `In use: ${inUse.addOnLaterTasks === 'yes' ? `add-on price for a task the draft adds ${leading}` : 'regular price for a second task the draft adds'}.`
      : `Pinned in the settings (pricing.addOnLaterTasks = ${pinnedAddOn}).`,
  );
  if (settings.pricing.addOnLaterBy !== 'learned')
    addOn.push(`Pinned in the settings (pricing.addOnLaterBy = ${settings.pricing.addOnLaterBy}).`);
  return { tax, percentages, addOn };
}
