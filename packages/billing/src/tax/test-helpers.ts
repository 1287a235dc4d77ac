// Builders shared by the tax tests.
import { Decimal, fromAmountString, TaxSettings } from '@invoicer/core';
import type { ItemType, TaxLine, TaxOptions, TaxZoneInput } from './types.ts';

export const DEFAULTS: TaxOptions = { ...TaxSettings.parse({}), exempt: false };

export function opts(overrides: Partial<TaxOptions> = {}): TaxOptions {
  return { ...DEFAULTS, ...overrides };
}

export function line(key: string, itemType: ItemType, amount: string, taxable = true): TaxLine {
  return { key, itemType, amount: fromAmountString(amount), taxable };
}

export function zone(
  rates: [name: string, rate: number, bases?: string[]][],
  separated = false,
): TaxZoneInput {
  return {
    id: 1,
    name: 'Test zone',
    isTaxRateSeparated: separated,
    isMultipleTaxZone: rates.length > 1,
    rates: rates.map(([taxName, taxRate, taxBaseType = ['Subtotal']]) => ({
      taxName,
      taxRate,
      taxBaseType,
      salesTaxItem: null,
    })),
  };
}

/** Money as a fixed two-decimal string, so failures print readably. */
export const s = (d: Decimal) => d.toFixed(2);

export const cents = (n: number) => new Decimal(n).div(100);
