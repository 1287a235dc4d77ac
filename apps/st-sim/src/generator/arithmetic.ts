// Invoice arithmetic with the documented semantics (README, "Tax semantics"). Shared by the
// generator and its tests so both apply exactly the same rules. Money is Decimal throughout.
import { Decimal, fromAmountString, fromNumber, roundCents, ZERO } from '@invoicer/core';

export interface TaxLine {
  type: string;
  total: string | Decimal;
  taxable?: boolean | null;
}

export interface TaxRateLike {
  taxBaseType?: readonly string[] | null;
  taxRate: number;
}

const dec = (v: string | Decimal) => (typeof v === 'string' ? fromAmountString(v) : v);

/** total = quantity × price, rounded half-up to cents. */
export function lineTotal(quantity: Decimal, price: Decimal): Decimal {
  return roundCents(quantity.times(price));
}

/** Does this line count towards a rate with the given base? */
function inBase(line: TaxLine, base: string): boolean {
  if (line.taxable !== true) return false;
  if (base === 'Subtotal') return true; // every taxable item, discounts (negative totals) included
  if (base === 'Labor') return line.type === 'Service';
  if (base === 'Material') return line.type === 'Material' || line.type === 'Equipment';
  return false;
}

/**
 * Sales tax for one invoice: 0 for an exempt location; otherwise, per rate, the base is the
 * sum of qualifying taxable line totals (pre-tax discounts reduce it; floored at zero), taxed
 * unrounded, rounded half-up to cents once per rate, and the per-rate amounts summed. This
 * matches the simulator's recomputation (apps/st-sim/src/invoice-math.ts).
 */
export function salesTax(lines: readonly TaxLine[], rates: readonly TaxRateLike[], exempt: boolean): Decimal {
  if (exempt) return ZERO;
  let tax = ZERO;
  for (const rate of rates) {
    const bases = rate.taxBaseType ?? [];
    let base = ZERO;
    for (const line of lines) {
      const total = dec(line.total);
      if (bases.some((b) => inBase(line, b))) base = base.plus(total);
    }
    if (base.isNegative()) base = ZERO;
    tax = tax.plus(roundCents(base.times(fromNumber(rate.taxRate))));
  }
  return tax;
}

export function subTotal(lines: readonly TaxLine[]): Decimal {
  return lines.reduce<Decimal>((acc, l) => acc.plus(dec(l.total)), ZERO);
}

/** A percentage discount: rate × eligible base, rounded, capped at `limit` when limit > 0. */
export function percentDiscount(eligible: Decimal, rate: number, limit: number): Decimal {
  let amount = roundCents(Decimal.max(eligible, ZERO).times(fromNumber(rate)));
  if (limit > 0 && amount.greaterThan(limit)) amount = fromNumber(limit);
  return amount;
}
