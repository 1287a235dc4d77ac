// Whether a shop bills a second flat-rate task at its add-on price, learned from its own past
// invoices: on invoices with two or more flat-rate tasks, the tasks after the leading one (the
// first entered or the dearest, whichever the invoices bear out) are priced either at one of
// their add-on prices or at a regular (list or member) price. The side that reproduces at least
// MIN_AGREEMENT of them, over MIN_SUPPORT lines, is the convention; with less evidence nothing is
// learned and the price book's plain reading stands.
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

/** Per task line with an add-on price: whether it was billed at one, and which task led its invoice. */
interface TaskEvidence {
  atAddOn: boolean;
  /** The invoice's first flat-rate task (by position). */
  first: boolean;
  /** The invoice's dearest flat-rate task (by the price it was billed at). */
  dearest: boolean;
}

/**
 * Which task of an invoice a shop bills at its regular price, learned as well: the first one
 * entered (every later one an add-on, whatever it costs) or the dearest one. The basis that
 * explains more of the task lines (later ones at the side the shop bills them, the leading one at
 * its regular price) is taken; a tie keeps the dearest.
 */
export function inferAddOnPricing(
  invoices: readonly PastInvoice[],
  catalog: Map<number, CatalogSku>,
): LearnedAddOn {
  const evidence: TaskEvidence[] = [];
  for (const invoice of invoices) {
    // Every flat-rate task, in the invoice's order: a $0 club tune-up entered first is the first.
    const tasks = invoice.lines.filter((l) => l.skuId !== null && isFlatRateTask(catalog.get(l.skuId)));
    const priced = tasks.filter((l) => l.unitPrice.gt(0));
    if (priced.length < 2) continue;
    const dearest = priced.reduce((a, b) => (b.unitPrice.gt(a.unitPrice) ? b : a));
    for (const line of priced) {
      const sku = catalog.get(line.skuId!);
      if (!hasAddOnPrice(sku)) continue;
      const is = (price: string | null) => price !== null && fromAmountString(price).eq(line.unitPrice);
      const atAddOn = is(sku.addOnPrice) || is(sku.addOnMemberPrice);
      if (!atAddOn && !is(sku.price) && !is(sku.memberPrice)) continue;
      evidence.push({ atAddOn, first: line === tasks[0], dearest: line === dearest });
    }
  }
  const byPrice = tally(evidence, (e) => e.dearest);
  const byOrder = tally(evidence, (e) => e.first);
  const chosen = byOrder.explained > byPrice.explained ? byOrder : byPrice;
  const laterBy = chosen === byOrder ? 'order' : 'price';
  const { addOn, regular } = chosen;
  const support = addOn + regular;
  const best = Math.max(addOn, regular);
  const agreement = support ? best / support : 0;
  const learned = support >= MIN_ADD_ON_SUPPORT && agreement >= MIN_ADD_ON_AGREEMENT;
  return {
    status: learned ? 'learned' : support ? 'insufficient' : 'no_history',
    laterTasksAtAddOn: learned ? addOn > regular : null,
    laterBy: learned ? laterBy : null,
    support,
    addOn,
    regular,
    agreement,
  };
}

/**
 * The later tasks under one basis (`leads` picks the invoice's leading task), billed at an add-on
 * or a regular price, and how many task lines the basis explains: the later ones on their
 * majority side and the leading ones at their regular price.
 */
function tally(evidence: readonly TaskEvidence[], leads: (e: TaskEvidence) => boolean) {
  let addOn = 0;
  let regular = 0;
  let leadingRegular = 0;
  for (const e of evidence) {
    if (leads(e)) leadingRegular += e.atAddOn ? 0 : 1;
    else if (e.atAddOn) addOn += 1;
    else regular += 1;
  }
  return { addOn, regular, explained: Math.max(addOn, regular) + leadingRegular };
}

export function describeAddOn(learned: LearnedAddOn | undefined): string {
  if (!learned || learned.status === 'no_history')
    return 'No past invoice with two flat-rate tasks priced from the price book yet.';
  const after = learned.laterBy === 'order' ? 'after the first' : 'beside a dearer one';
  const counts = `${learned.addOn} of ${learned.support} tasks ${after} at an add-on price, ${learned.regular} at a regular price`;
  return learned.status === 'learned'
    ? `Learned: a flat-rate task ${after} is billed at ${learned.laterTasksAtAddOn ? 'its add-on price' : 'its regular price'} (${counts}).`
    : `Not decided (${counts}): a task the draft adds is priced at its regular price.`;
}
