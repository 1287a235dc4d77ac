// Pricing a line from the tenant's price book: member price for active members, add-on
// price for add-ons, customer agreements (rate sheets) on top, fixed or percentage fees and
// discounts with their limits. Technician items keep the price they were entered at (a
// deviation from the price book is flagged, not silently changed).
import type { CustomerAgreement, TenantSettings } from '@invoicer/core';
import { Decimal, fromAmountString, roundCents, toMoneyString, ZERO } from '@invoicer/core';
import { hasAddOnPrice } from '../conventions/add-on.ts';
import { describeSpec, percentageOf, specFor } from '../conventions/percentage.ts';
import {
  type CatalogSku,
  type Flag,
  isFlatRateTask,
  itemTypeOf,
  type PricedLine,
  type ProposedLine,
} from '../types.ts';

export interface PricingInput {
  lines: ProposedLine[];
  catalog: Map<number, CatalogSku>;
  membershipActive: boolean;
  customerId: number;
  pricing: TenantSettings['pricing'];
  /** Descriptions of existing items, kept as the technician wrote them. */
  existingDescriptions: Map<number, string>;
}

function agreementFor(
  agreements: CustomerAgreement[],
  customerId: number,
  sku: CatalogSku,
): CustomerAgreement | null {
  const mine = agreements.filter((a) => a.customerId === customerId);
  return (
    mine.find((a) => a.skuId === sku.id) ??
    mine.find((a) => a.skuId === undefined && a.kind === sku.kind) ??
    mine.find((a) => a.skuId === undefined && a.kind === undefined) ??
    null
  );
}

/** The unit price of a non-modifier SKU for this customer, with the basis it came from. */
export function unitPrice(
  sku: CatalogSku,
  options: { member: boolean; addOn: boolean; memberPricing: boolean; agreement: CustomerAgreement | null },
): { price: Decimal; basis: string } {
  const pick = (value: string | null) =>
    value !== null && fromAmountString(value).gt(0) ? fromAmountString(value) : null;
  let price = fromAmountString(sku.price);
  let basis = 'price book';
  const member = options.member && options.memberPricing;
  // An add-on takes its add-on price (the member one for members); without add-on prices it is
  // priced like any other line, so a member still gets the member price.
  // An add-on member price of 0 is a real price only where members get the task free anyway
  // (a club's second tune-up): a member price of 0 on a task with a list price. Otherwise 0 is
  // an unset field and the add-on price stands.
  const freeToMembers =
    sku.memberPrice !== null && fromAmountString(sku.memberPrice).isZero() && pick(sku.price) !== null;
  const addOnMember =
    options.addOn && member && sku.addOnMemberPrice !== null
      ? (pick(sku.addOnMemberPrice) ?? (freeToMembers ? fromAmountString(sku.addOnMemberPrice) : null))
      : null;
  const addOn = options.addOn ? pick(sku.addOnPrice) : null;
  if (addOnMember) {
    price = addOnMember;
    basis = 'add-on member price';
  } else if (addOn) {
    price = addOn;
    basis = 'add-on price';
  } else if (member) {
    const memberPrice = sku.memberPrice !== null ? fromAmountString(sku.memberPrice) : null;
    // A member price of 0 is a real price (e.g. free diagnostics for members) only when the
    // list price is not 0 as well; a missing member price falls back to the list price.
    if (memberPrice !== null && (memberPrice.gt(0) || fromAmountString(sku.price).gt(0))) {
      price = memberPrice;
      basis = 'member price';
    }
  }
  if (options.agreement) {
    if (options.agreement.price !== undefined) {
      price = fromAmountString(options.agreement.price);
      basis = `customer agreement${options.agreement.note ? ` (${options.agreement.note})` : ''}`;
    } else if (options.agreement.percentOff !== undefined) {
      price = roundCents(price.times(new Decimal(100).minus(options.agreement.percentOff)).dividedBy(100));
      basis = `${basis}, ${options.agreement.percentOff}% customer agreement`;
    }
  }
  return { price, basis };
}

/**
 * Where the shop bills a second flat-rate task at its add-on price (pricing.addOnLaterTasks,
 * learned from its invoices), a task the draft adds beside a dearer one is an add-on; where the
 * first task entered is the regular one (pricing.addOnLaterBy 'order'), so is one the draft adds
 * after any other task, whatever either costs.
 */
function markAddOns(input: PricingInput): ProposedLine[] {
  if (input.pricing.addOnLaterTasks !== 'yes') return input.lines;
  const listPrice = (line: ProposedLine) => {
    const sku = input.catalog.get(line.skuId);
    if (!isFlatRateTask(sku)) return null;
    return line.unitPriceOverride !== undefined
      ? fromAmountString(line.unitPriceOverride)
      : fromAmountString(sku.price);
  };
  // Whether another task leads the line: one entered before it ('order'), or a dearer one.
  const led = (line: ProposedLine, at: number) => {
    if (input.pricing.addOnLaterBy === 'order')
      return input.lines.slice(0, at).some((other) => isFlatRateTask(input.catalog.get(other.skuId)));
    const own = listPrice(line)!;
    return input.lines.some((other) => {
      if (other === line) return false;
      const price = listPrice(other);
      return price !== null && (price.gt(own) || (price.eq(own) && other.origin !== 'added'));
    });
  };
  return input.lines.map((line, at) => {
    if (line.origin !== 'added' || line.addOn !== undefined || !hasAddOnPrice(input.catalog.get(line.skuId)))
      return line;
    return led(line, at) ? { ...line, addOn: true } : line;
  });
}

/**
 * For a member, how the technician priced this invoice: every item with a member price of its
 * own entered at a member price (true), or every one at a regular price (false; the shop gives
 * members something else, a discount line); null when nothing shows it or the items disagree.
 */
export function memberPricesOnInvoice(input: PricingInput): boolean | null {
  if (!input.membershipActive) return null;
  let member = 0;
  let regular = 0;
  for (const line of input.lines) {
    if (line.origin !== 'technician' || line.unitPriceOverride === undefined) continue;
    const sku = input.catalog.get(line.skuId);
    if (!sku || sku.kind === 'fee' || sku.kind === 'discount') continue;
    const entered = fromAmountString(line.unitPriceOverride);
    const is = (p: string | null) => p !== null && fromAmountString(p).eq(entered);
    const atMember = is(sku.memberPrice) || is(sku.addOnMemberPrice);
    const atRegular = is(sku.price) || is(sku.addOnPrice);
    if (atMember && !atRegular) member += 1;
    else if (atRegular && !atMember) regular += 1;
  }
  if (member && !regular) return true;
  if (regular && !member) return false;
  return null;
}

export function priceLines(request: PricingInput): PricedLine[] {
  // Lines the draft adds are priced the way the technician priced this member's invoice, when
  // the technician's items show it; otherwise as the settings say.
  const shown = memberPricesOnInvoice(request);
  const input =
    shown === null ? request : { ...request, pricing: { ...request.pricing, memberPricing: shown } };
  const base: PricedLine[] = [];
  const modifiers: ProposedLine[] = [];
  for (const line of markAddOns(input)) {
    const sku = input.catalog.get(line.skuId);
    if (
      sku &&
      (sku.kind === 'fee' || sku.kind === 'discount') &&
      !line.unitPriceOverride &&
      sku.amountType === 'Percentage'
    ) {
      modifiers.push(line);
      continue;
    }
    base.push(priceOne(line, sku, input));
  }
  // Percentage modifiers apply to a base of the other lines: the subtotal, unless a rule (pinned,
  // or learned from the shop's past invoices) says which lines. Never below zero: a percentage
  // of a credit would turn a discount into a charge.
  const others = base.map((l) => ({ skuId: l.skuId, itemType: l.type, total: fromAmountString(l.total) }));
  for (const line of modifiers) {
    const sku = input.catalog.get(line.skuId)!;
    const rule = input.pricing.percentageBases?.find((r) => r.skuId === sku.id);
    const spec = specFor(sku, rule);
    const of = percentageOf(spec, others, input.catalog);
    const amount = sku.kind === 'discount' ? of.amount.negated() : of.amount;
    const quantity = fromAmountString(line.quantity);
    const learned =
      rule?.source === 'learned' && rule.support
        ? `; learned from ${rule.support} past invoices, ${Math.round((rule.agreement ?? 0) * 100)}% agree`
        : rule
          ? '; pinned in the settings'
          : '';
    base.push({
      ...line,
      skuCode: sku.code,
      skuName: sku.name,
      type: 'PriceModifier',
      description: sku.name,
      unitPrice: toMoneyString(amount),
      total: toMoneyString(roundCents(amount.times(quantity))),
      taxable: sku.taxable,
      priceBasis: rule
        ? `${describeSpec(spec, input.catalog)}: ${toMoneyString(of.base)}${of.capped ? ' (capped)' : ''}${learned}`
        : `${spec.rate.times(100).toString()}% of ${toMoneyString(of.base)}${sku.limit ? `, limit ${sku.limit}` : ''}`,
    });
  }
  return base;
}

function priceOne(line: ProposedLine, sku: CatalogSku | undefined, input: PricingInput): PricedLine {
  const quantity = fromAmountString(line.quantity);
  const description =
    (line.existingItemId !== null ? input.existingDescriptions.get(line.existingItemId) : undefined) ??
    sku?.name ??
    'Unknown item';
  if (line.unitPriceOverride !== undefined || !sku) {
    const price = fromAmountString(line.unitPriceOverride ?? '0');
    const book = line.origin === 'technician' && sku ? bookPrice(line, sku, input) : null;
    return {
      ...line,
      skuCode: sku?.code ?? String(line.skuId),
      skuName: sku?.name ?? description,
      type: sku ? itemTypeOf(sku.kind) : 'Material',
      description,
      unitPrice: toMoneyString(price),
      total: toMoneyString(roundCents(price.times(quantity))),
      taxable: sku?.taxable ?? true,
      priceBasis: line.origin === 'technician' ? 'as entered by the technician' : 'set by a person',
      ...(book && sku && !matchesBook(price, book, sku) ? { bookPrice: toMoneyString(book) } : {}),
    };
  }
  const { price, basis } = priceFromBook(line, sku, input);
  return {
    ...line,
    skuCode: sku.code,
    skuName: sku.name,
    type: itemTypeOf(sku.kind),
    description,
    unitPrice: toMoneyString(price),
    total: toMoneyString(roundCents(price.times(quantity))),
    taxable: sku.taxable,
    priceBasis: basis,
  };
}

function priceFromBook(
  line: ProposedLine,
  sku: CatalogSku,
  input: PricingInput,
): { price: Decimal; basis: string } {
  if (sku.kind === 'fee' || sku.kind === 'discount') {
    const amount = fromAmountString(sku.amount ?? sku.price);
    return { price: sku.kind === 'discount' ? amount.abs().negated() : amount, basis: 'fixed fee' };
  }
  return unitPrice(sku, {
    member: input.membershipActive,
    addOn: line.addOn === true,
    memberPricing: input.pricing.memberPricing,
    agreement: agreementFor(input.pricing.agreements, input.customerId, sku),
  });
}

/** The price-book price of a technician's item, when it has one to compare with. */
function bookPrice(line: ProposedLine, sku: CatalogSku, input: PricingInput): Decimal | null {
  // Percentage modifiers and hourly labor are priced from other lines / timesheets.
  if ((sku.kind === 'fee' || sku.kind === 'discount') && sku.amountType === 'Percentage') return null;
  return priceFromBook(line, sku, input).price;
}

/** Any of the SKU's own prices counts (the invoice does not say whether an item was an add-on). */
function matchesBook(price: Decimal, book: Decimal, sku: CatalogSku): boolean {
  if (price.eq(book)) return true;
  return [sku.price, sku.memberPrice, sku.addOnPrice, sku.addOnMemberPrice].some(
    (p) => p !== null && fromAmountString(p).eq(price),
  );
}

/**
 * Technician items whose price differs from the price book are kept as entered (the customer
 * may have been quoted that price) and flagged so a person can see it.
 */
export function priceFlags(lines: PricedLine[]): Flag[] {
  return lines
    .filter((l) => l.bookPrice !== undefined)
    .map((l) => ({
      code: 'price_differs_from_pricebook' as const,
      severity: 'info' as const,
      lineKey: l.key,
      message: `${l.skuCode} was entered at ${l.unitPrice}; the price book gives this customer ${l.bookPrice}.`,
      evidence: [
        { kind: 'structured' as const, detail: `entered ${l.unitPrice}, price book ${l.bookPrice}` },
      ],
    }));
}

export const ZERO_MONEY = toMoneyString(ZERO);
