// Money and quantities as printed: exact decimals in, display strings out. Tax per rate is
// recomputed from the items only to be shown, and only when it adds up to ServiceTitan's tax to
// the cent; otherwise the document shows ServiceTitan's single tax figure.
import { Decimal, formatUsd, fromAmountString, fromNumber, roundCents, sum, ZERO } from '@invoicer/core';

/** "$1,234.50" from an amount string ("1234.5"); negative as "-$12.00". */
export function formatMoney(amount: string | Decimal): string {
  return formatUsd(typeof amount === 'string' ? fromAmountString(amount) : amount);
}

/** A quantity as people write it: "2", "1.5", "0.25" (trailing zeros dropped). */
export function formatQuantity(quantity: string | number): string {
  const value = typeof quantity === 'number' ? fromNumber(quantity) : fromAmountString(quantity);
  return value.toFixed();
}

/** A rate fraction as a percentage: 0.0825 → "8.25%". */
export function formatRate(rate: number | string): string {
  const value = typeof rate === 'number' ? fromNumber(rate) : fromAmountString(rate);
  return `${value.times(100).toFixed()}%`;
}

export interface TaxItem {
  type: string;
  total: string;
  taxable?: boolean | null;
}

export interface TaxRateInput {
  taxName?: string | null;
  taxBaseType?: string[] | null;
  taxRate: number;
}

/** The tax base of one rate: Subtotal = every taxable item, Labor = services, Material = parts. */
function baseOf(items: TaxItem[], bases: Set<string>): Decimal {
  const taxable = items.filter((i) => i.taxable !== false);
  return sum(
    taxable
      .filter(
        (i) =>
          bases.has('Subtotal') ||
          (bases.has('Labor') && i.type === 'Service') ||
          (bases.has('Material') && (i.type === 'Material' || i.type === 'Equipment')),
      )
      .map((i) => fromAmountString(i.total)),
  );
}

/**
 * Tax per rate for display. Each rate's tax is its base × rate rounded to cents; when the rates'
 * sum is not ServiceTitan's `salesTax` exactly (another rounding convention, an exemption), a
 * single line with ServiceTitan's figure is returned instead, so the lines always add up.
 */
export function taxLines(
  items: TaxItem[],
  rates: TaxRateInput[] | null | undefined,
  salesTax: string,
  fallbackLabel = 'Sales tax',
): { label: string; amount: string }[] {
  const total = fromAmountString(salesTax);
  const single = [{ label: fallbackLabel, amount: formatMoney(total) }];
  if (!rates?.length || total.isZero()) return single;
  const computed = rates.map((rate) => {
    const bases = new Set(rate.taxBaseType?.length ? rate.taxBaseType : ['Subtotal']);
    const base = Decimal.max(baseOf(items, bases), ZERO);
    return {
      label: `${rate.taxName?.trim() || 'Tax'} (${formatRate(rate.taxRate)})`,
      amount: roundCents(base.times(fromNumber(rate.taxRate))),
    };
  });
  if (!sum(computed.map((c) => c.amount)).eq(total)) return single;
  return computed
    .filter((c) => !c.amount.isZero())
    .map((c) => ({ label: c.label, amount: formatMoney(c.amount) }));
}
