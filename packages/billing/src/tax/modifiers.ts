// Price modifiers (ServiceTitan discounts and surcharges) change the price of the work they sit
// with, so a taxable modifier is spread over the invoice's taxable items before rates apply.
import { type Decimal, sum } from '@invoicer/core';
import { allocateByWeight } from './allocate.ts';
import type { ItemType, TaxLine, TaxOptions } from './types.ts';

export interface TaxableAmount {
  key: string;
  itemType: ItemType;
  amount: Decimal;
}

type BaseOptions = Pick<TaxOptions, 'laborItemTypes' | 'materialItemTypes'>;

/**
 * The taxable amount of each line after spreading modifiers.
 *
 * A taxable PriceModifier (unless the tenant maps PriceModifier into a labor or material base, in
 * which case it is an ordinary line) is split over the taxable lines with a positive amount, pro
 * rata by amount, in cents, largest remainder. The Subtotal base therefore moves by the full
 * modifier and the Labor and Material bases by their shares. When there is nothing to spread
 * over, the modifier stays a line of its own and only Subtotal rates see it. Non-taxable lines,
 * modifiers included, touch no base. Negative ordinary lines (returns) reduce their own type's
 * base directly.
 */
export function taxableAmounts(lines: readonly TaxLine[], options: BaseOptions): TaxableAmount[] {
  const spreads = (l: TaxLine) =>
    l.itemType === 'PriceModifier' &&
    !options.laborItemTypes.includes('PriceModifier') &&
    !options.materialItemTypes.includes('PriceModifier');
  const taxable = lines.filter((l) => l.taxable);
  const ordinary = taxable.filter((l) => !spreads(l));
  const modifiers = taxable.filter((l) => spreads(l) && !l.amount.isZero());
  const targets = ordinary.filter((l) => l.amount.gt(0));
  const toEntry = (l: TaxLine): TaxableAmount => ({ key: l.key, itemType: l.itemType, amount: l.amount });
  if (targets.length === 0) return [...ordinary, ...modifiers].map(toEntry);

  const weights = targets.map((t) => ({ key: t.key, weight: t.amount }));
  const shares = modifiers.map((m) =>
    allocateByWeight(m.amount, weights, Math.max(2, m.amount.decimalPlaces())),
  );
  return ordinary.map((l) => ({
    ...toEntry(l),
    amount: l.amount.plus(sum(shares.map((s) => s.get(l.key)).filter((x) => x !== undefined))),
  }));
}
