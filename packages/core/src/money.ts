// Exact money. Every amount is a decimal.js Decimal; binary floats never carry money.
// ServiceTitan sends accounting amounts as strings and price-book amounts as numbers:
// convert both here, at the boundary, and nowhere else.
import DecimalModule from 'decimal.js';

// decimal.js ships CJS-style typings; under NodeNext the default import is typed as the module.
const DecimalJs = DecimalModule as unknown as typeof DecimalModule.Decimal;
export const Decimal = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_UP });
export type Decimal = DecimalModule.Decimal;

export type RoundingMode = 'half_up' | 'half_even';
const MODES: Record<RoundingMode, DecimalModule.Decimal.Rounding> = {
  half_up: DecimalJs.ROUND_HALF_UP,
  half_even: DecimalJs.ROUND_HALF_EVEN,
};

export const ZERO = new Decimal(0);

/** Parse an accounting amount string ("12.50", "-3", "1,234.00"). Throws on anything else. */
export function fromAmountString(value: string): Decimal {
  const trimmed = value.trim();
  // Thousands separators only in groups of three: "1,234.00" yes, "1,2,3" no.
  if (trimmed.includes(',') && !/^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$/.test(trimmed)) {
    throw new TypeError(`not a decimal amount: "${value}"`);
  }
  const cleaned = trimmed.replaceAll(',', '');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(cleaned)) throw new TypeError(`not a decimal amount: "${value}"`);
  return new Decimal(cleaned);
}

/**
 * Convert a JSON number (price-book price, tax rate) to a Decimal. JavaScript prints the
 * shortest string that round-trips, so 19.99 becomes exactly "19.99", not its binary value.
 */
export function fromNumber(value: number): Decimal {
  if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
  return new Decimal(String(value));
}

export function toDecimal(value: string | number | Decimal): Decimal {
  if (typeof value === 'string') return fromAmountString(value);
  if (typeof value === 'number') return fromNumber(value);
  return value;
}

/** Round to cents. */
export function roundCents(value: Decimal, mode: RoundingMode = 'half_up'): Decimal {
  return value.toDecimalPlaces(2, MODES[mode]);
}

export function round(value: Decimal, places: number, mode: RoundingMode = 'half_up'): Decimal {
  return value.toDecimalPlaces(places, MODES[mode]);
}

export function sum(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}

/** Two-decimal string, the wire format for money everywhere in this system. */
export function toMoneyString(value: Decimal): string {
  return roundCents(value).toFixed(2);
}

export function formatUsd(value: Decimal | string): string {
  const d = typeof value === 'string' ? fromAmountString(value) : value;
  const rounded = roundCents(d);
  const [whole, cents] = rounded.abs().toFixed(2).split('.') as [string, string];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${rounded.isNegative() && !rounded.isZero() ? '-' : ''}$${grouped}.${cents}`;
}
