// Converts a ServiceTitan-shaped zone to exact rates once, at the boundary.
import { type Decimal, fromNumber, sum } from '@invoicer/core';
import type { TaxBaseType, TaxZoneInput } from './types.ts';

export interface ZoneRate {
  taxName: string;
  baseTypes: TaxBaseType[];
  rate: Decimal;
}

const BASE_TYPES: readonly string[] = ['Subtotal', 'Labor', 'Material'] satisfies TaxBaseType[];

function isBaseType(value: string): value is TaxBaseType {
  return BASE_TYPES.includes(value);
}

/**
 * Exact rates of a zone. An unknown base type or an out-of-range rate throws: silently dropping
 * a rate would under-collect tax, which is worse than stopping the draft.
 */
export function zoneRates(zone: TaxZoneInput): ZoneRate[] {
  return (zone.rates ?? []).map((r, i) => {
    const rate = fromNumber(r.taxRate);
    // ServiceTitan rates are fractions; 8.25 instead of 0.0825 is a data-entry error, not 825 %.
    if (rate.isNegative() || rate.gte(1)) {
      throw new RangeError(`tax zone ${zone.id} rate ${i}: ${r.taxRate} is not a fraction in [0, 1)`);
    }
    const raw = r.taxBaseType?.length ? r.taxBaseType : ['Subtotal'];
    const baseTypes: TaxBaseType[] = [];
    for (const b of raw) {
      if (!isBaseType(b)) throw new TypeError(`tax zone ${zone.id} rate ${i}: unknown taxBaseType "${b}"`);
      if (!baseTypes.includes(b)) baseTypes.push(b);
    }
    return { taxName: r.taxName || `Rate ${i + 1}`, baseTypes, rate };
  });
}

/** Sum of all rates in the zone, the "combined rate" a rate table publishes. */
export function zoneCombinedRate(zone: TaxZoneInput): Decimal {
  return sum(zoneRates(zone).map((r) => r.rate));
}
