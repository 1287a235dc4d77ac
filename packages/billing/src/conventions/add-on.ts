// Whether a shop bills a second flat-rate task at its add-on price, learned from its own past
// invoices: on invoices with two or more flat-rate tasks, the tasks after the dearest one are
// priced either at one of their add-on prices or at a regular (list or member) price. The side
// that reproduces at least MIN_AGREEMENT of them, over MIN_SUPPORT lines, is the convention; with
// less evidence nothing is learned and the price book's plain reading stands.
import { fromAmountString } from '@invoicer/core';
import { type CatalogSku, isFlatRateTask } from '../types.ts';
import type { LearnedAddOn, PastInvoice } from './types.ts';

export const MIN_ADD_ON_SUPPORT = 10;
export const MIN_ADD_ON_AGREEMENT = 0.8;

/** A flat-rate task with an add-on price of its own (the only lines the question applies to). */
export function hasAddOnPrice(sku: CatalogSku | undefined): sku is CatalogSku {
  if (!isFlatRateTask(sku) || sku.addOnPrice === null) return false;
  return !fromAmountString(sku.addOnPrice).eq(fromAmountString(sku.price));
}

export function inferAddOnPricing(
  invoices: readonly PastInvoice[],
  catalog: Map<number, CatalogSku>,
): LearnedAddOn {
  let addOn = 0;
  let regular = 0;
  for (const invoice of invoices) {
    const tasks = invoice.lines.filter(
      (l) => l.skuId !== null && isFlatRateTask(catalog.get(l.skuId)) && l.unitPrice.gt(0),
    );
    if (tasks.length < 2) continue;
    const dearest = tasks.reduce((a, b) => (b.unitPrice.gt(a.unitPrice) ? b : a));
    for (const line of tasks) {
      if (line === dearest) continue;
      const sku = catalog.get(line.skuId!);
      if (!hasAddOnPrice(sku)) continue;
      const is = (price: string | null) => price !== null && fromAmountString(price).eq(line.unitPrice);
      if (is(sku.addOnPrice) || is(sku.addOnMemberPrice)) addOn += 1;
      else if (is(sku.price) || is(sku.memberPrice)) regular += 1;
    }
  }
  const support = addOn + regular;
  const best = Math.max(addOn, regular);
  const agreement = support ? best / support : 0;
  const learned = support >= MIN_ADD_ON_SUPPORT && agreement >= MIN_ADD_ON_AGREEMENT;
  return {
    status: learned ? 'learned' : support ? 'insufficient' : 'no_history',
    laterTasksAtAddOn: learned ? addOn > regular : null,
    support,
    addOn,
    regular,
    agreement,
  };
}

export function describeAddOn(learned: LearnedAddOn | undefined): string {
  if (!learned || learned.status === 'no_history')
    return 'No past invoice with two flat-rate tasks priced from the price book yet.';
  const counts = `${learned.addOn} of ${learned.support} later tasks at an add-on price, ${learned.regular} at a regular price`;
  return learned.status === 'learned'
    ? `Learned: a second flat-rate task is billed at ${learned.laterTasksAtAddOn ? 'its add-on price' : 'its regular price'} (${counts}).`
    : `Not decided (${counts}): a task the draft adds is priced at its regular price.`;
}
