// Invoice-level sales tax for a ServiceTitan invoice. Pure: lines, zone and settings in, exact
// amounts out. ServiceTitan has no per-line tax; perLine is our own allocation of the invoice
// tax (for review screens and credit memos) and always sums to salesTax. Rounding to cents is
// per line ('line'), per rate ('rate', formerly 'document') or once per invoice over the sum of
// every rate's base × rate ('invoice'); which one a shop uses is learned from its past invoices
// (../conventions).
import { type Decimal, round, sum, ZERO } from '@invoicer/core';
import { allocateToTarget } from './allocate.ts';
import { type TaxableAmount, taxableAmounts } from './modifiers.ts';
import type {
  InvoiceTotals,
  TaxBreakdownEntry,
  TaxLine,
  TaxOptions,
  TaxResult,
  TaxZoneInput,
} from './types.ts';
import { type ZoneRate, zoneRates } from './zone.ts';

export const EXEMPT_REASON = 'location is tax exempt';
export const NO_ZONE_REASON = 'location has no tax zone';

function inBase(rate: ZoneRate, line: TaxableAmount, options: TaxOptions): boolean {
  // A rate with several base types applies once to a line that is in more than one of them.
  return rate.baseTypes.some(
    (b) =>
      b === 'Subtotal' ||
      (b === 'Labor' && options.laborItemTypes.includes(line.itemType)) ||
      (b === 'Material' && options.materialItemTypes.includes(line.itemType)),
  );
}

function checkLines(lines: readonly TaxLine[]): void {
  const seen = new Set<string>();
  for (const l of lines) {
    if (seen.has(l.key)) throw new TypeError(`duplicate line key "${l.key}"`);
    seen.add(l.key);
    if (!l.amount.isFinite()) throw new TypeError(`line "${l.key}": amount is not finite`);
  }
}

export function computeTax(
  lines: readonly TaxLine[],
  zone: TaxZoneInput | null,
  options: TaxOptions,
): TaxResult {
  checkLines(lines);
  const perLine: Record<string, Decimal> = Object.fromEntries(lines.map((l) => [l.key, ZERO]));
  if (options.exempt) return { salesTax: ZERO, breakdown: [], perLine, exemptReason: EXEMPT_REASON };
  if (!zone) return { salesTax: ZERO, breakdown: [], perLine, exemptReason: NO_ZONE_REASON };

  const taxed =
    options.modifierBase === 'spread'
      ? taxableAmounts(lines, options)
      : lines.filter((l) => l.taxable).map((l) => ({ key: l.key, itemType: l.itemType, amount: l.amount }));
  const rates = zoneRates(zone).map((rate) => {
    const members = taxed.filter((l) => inBase(rate, l, options));
    // A discount can exceed the taxable goods it sits with: the base stops at zero. (A refund of
    // goods, negative lines of their own, still gives negative tax, mirroring the sale.)
    const goods = sum(members.filter((l) => l.itemType !== 'PriceModifier').map((l) => l.amount));
    const zeroed = goods.gte(0) && sum(members.map((l) => l.amount)).lt(0);
    const terms = zeroed ? [] : members.map((l) => ({ key: l.key, value: l.amount.times(rate.rate) }));
    return { rate, members, zeroed, terms };
  });
  const mode = options.roundingMode;
  let amounts: Decimal[];
  if (options.rounding === 'invoice') {
    // One rounding for the whole invoice; the cents are shared out over rates and over lines
    // (largest remainder), so both the breakdown and perLine sum to it exactly.
    const exact = rates.map((r, i) => ({
      key: String(i).padStart(4, '0'),
      value: sum(r.terms.map((t) => t.value)),
    }));
    const target = round(sum(exact.map((e) => e.value)), 2, mode);
    const byRate = allocateToTarget(target, exact);
    amounts = exact.map((e) => byRate.get(e.key)!);
    const byLine = new Map<string, Decimal>();
    for (const r of rates)
      for (const t of r.terms) byLine.set(t.key, (byLine.get(t.key) ?? ZERO).plus(t.value));
    const lineShares = allocateToTarget(
      target,
      [...byLine].map(([key, value]) => ({ key, value })),
    );
    for (const [key, amount] of lineShares) perLine[key] = perLine[key]!.plus(amount);
  } else {
    amounts = rates.map(({ terms }) => {
      const shares =
        options.rounding === 'line'
          ? new Map(terms.map((t) => [t.key, round(t.value, 2, mode)]))
          : allocateToTarget(round(sum(terms.map((t) => t.value)), 2, mode), terms);
      for (const [key, amount] of shares) perLine[key] = perLine[key]!.plus(amount);
      return sum(shares.values());
    });
  }
  const breakdown: TaxBreakdownEntry[] = rates.map(({ rate, members, zeroed }, i) => ({
    taxName: rate.taxName,
    baseTypes: rate.baseTypes,
    rate: rate.rate,
    base: zeroed ? ZERO : sum(members.map((l) => l.amount)),
    amount: amounts[i]!,
  }));
  return { salesTax: sum(breakdown.map((b) => b.amount)), breakdown, perLine };
}

/** Invoice totals; total is exactly subTotal + salesTax (no second rounding). */
export function invoiceTotals(lines: readonly TaxLine[], tax: Pick<TaxResult, 'salesTax'>): InvoiceTotals {
  const subTotal = sum(lines.map((l) => l.amount));
  return { subTotal, salesTax: tax.salesTax, total: subTotal.plus(tax.salesTax) };
}
