// Input and output shapes of the tax engine. The zone mirrors ServiceTitan's TaxZone
// (API-NOTES §10) structurally, so a parsed ServiceTitan zone can be passed in unchanged.
import type { Decimal, TaxSettings } from '@invoicer/core';
import type { z } from 'zod';

export type { ItemType } from '../types.ts';

import type { ItemType } from '../types.ts';
export type TaxBaseType = 'Subtotal' | 'Labor' | 'Material';

export interface TaxLine {
  /** Unique within one invoice; perLine is keyed by it. */
  key: string;
  itemType: ItemType;
  /** Extended line total after line discounts; negative for discounts and returns. */
  amount: Decimal;
  taxable: boolean;
}

export interface TaxRateInput {
  taxName?: string | null;
  /** Missing or empty is read as ['Subtotal']. */
  taxBaseType?: readonly string[] | null;
  /** A fraction as ServiceTitan sends it (0.0825); converted with fromNumber, never used as a float. */
  taxRate: number;
  salesTaxItem?: string | null;
}

export interface TaxZoneInput {
  id: number;
  name: string;
  isTaxRateSeparated?: boolean | null;
  isMultipleTaxZone?: boolean | null;
  rates?: readonly TaxRateInput[] | null;
}

export type TaxOptions = z.infer<typeof TaxSettings> & { exempt: boolean };

export interface TaxBreakdownEntry {
  taxName: string;
  baseTypes: TaxBaseType[];
  rate: Decimal;
  /** Sum of the taxable line amounts (after spreading price modifiers) this rate applies to. */
  base: Decimal;
  /** Rounded to cents. */
  amount: Decimal;
}

export interface TaxResult {
  salesTax: Decimal;
  breakdown: TaxBreakdownEntry[];
  /** Every input key; sums exactly to salesTax. */
  perLine: Record<string, Decimal>;
  /** Set when no tax was computed at all (exempt location, or no zone). */
  exemptReason?: string;
}

export interface InvoiceTotals {
  subTotal: Decimal;
  salesTax: Decimal;
  total: Decimal;
}
