// Largest-remainder allocation, exact. Ties go to the smaller key, never to input order, so
// permuting the lines of an invoice cannot move a cent.
import { Decimal, ZERO } from '@invoicer/core';

export interface Weighted {
  key: string;
  weight: Decimal;
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Split `total` over `items` in proportion to their positive weights, in steps of
 * 10^-places. Integer arithmetic throughout, so shares sum to `total` exactly.
 */
export function allocateByWeight(
  total: Decimal,
  items: readonly Weighted[],
  places: number,
): Map<string, Decimal> {
  const unit = new Decimal(10).pow(-places);
  const units = total.abs().div(unit);
  if (!units.isInteger()) throw new RangeError(`cannot split ${total} in steps of ${unit}`);
  // Scale weights to integers so floor and remainder are exact.
  const scale = new Decimal(10).pow(Math.max(0, ...items.map((i) => i.weight.decimalPlaces())));
  const w = items.map((i) => i.weight.times(scale));
  if (w.some((x) => x.isNegative())) throw new RangeError('weights must be non-negative');
  const totalWeight = w.reduce((a, b) => a.plus(b), ZERO);
  if (totalWeight.isZero()) throw new RangeError('weights sum to zero');
  const parts = items.map((item, i) => {
    const numerator = units.times(w[i]!);
    return { key: item.key, units: numerator.divToInt(totalWeight), remainder: numerator.mod(totalWeight) };
  });
  let left = units.minus(parts.reduce((a, p) => a.plus(p.units), ZERO)).toNumber();
  const order = [...parts].sort((a, b) => b.remainder.comparedTo(a.remainder) || byKey(a.key, b.key));
  for (const p of order) {
    if (left <= 0) break;
    p.units = p.units.plus(1);
    left--;
  }
  const sign = total.isNegative() ? -1 : 1;
  return new Map(parts.map((p) => [p.key, p.units.times(unit).times(sign)]));
}

/**
 * Round each exact term to cents so the rounded terms sum to `target` (itself the rounding of
 * the terms' sum): floor every term, then give one cent to the largest remainders.
 */
export function allocateToTarget(
  target: Decimal,
  terms: readonly { key: string; value: Decimal }[],
): Map<string, Decimal> {
  const cent = new Decimal('0.01');
  const parts = terms.map((t) => {
    const floor = t.value.toDecimalPlaces(2, Decimal.ROUND_FLOOR);
    return { key: t.key, amount: floor, remainder: t.value.minus(floor) };
  });
  const floors = parts.reduce((a, p) => a.plus(p.amount), ZERO);
  const cents = target.minus(floors).div(cent);
  // |target - Σ terms| ≤ 0.005 and each remainder < 0.01, so 0 ≤ cents ≤ terms.length.
  if (!cents.isInteger() || cents.isNegative() || cents.gt(parts.length)) {
    throw new RangeError(`cannot allocate ${target} over terms summing to ${floors} (+ remainders)`);
  }
  const order = [...parts].sort((a, b) => b.remainder.comparedTo(a.remainder) || byKey(a.key, b.key));
  for (const p of order.slice(0, cents.toNumber())) p.amount = p.amount.plus(cent);
  return new Map(parts.map((p) => [p.key, p.amount]));
}
