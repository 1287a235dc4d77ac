// Past invoices as the convention inference reads them: the shop's final figures (line totals,
// the invoice's sales tax) and enough about each line to rebuild a tax or percentage base.
import type { Decimal, PercentageBaseRule, TaxSettings } from '@invoicer/core';
import type { z } from 'zod';
import type { TaxZoneInput } from '../tax/types.ts';
import type { ItemType } from '../types.ts';

export interface PastInvoiceLine {
  skuId: number | null;
  itemType: ItemType;
  quantity: Decimal;
  unitPrice: Decimal;
  /** Extended total as ServiceTitan holds it (cents). */
  total: Decimal;
  taxable: boolean;
}

export interface PastInvoice {
  invoiceId: number;
  /** Completion of the invoice's job (ISO); the caller passes only jobs before its cutoff. */
  completedOn: string;
  /** The invoice's tax zone, or null when it is not known. */
  zone: TaxZoneInput | null;
  salesTax: Decimal;
  lines: PastInvoiceLine[];
}

/** The parts of the tax settings a learned convention decides. */
export type TaxConvention = Pick<
  z.infer<typeof TaxSettings>,
  'rounding' | 'modifierBase' | 'laborItemTypes' | 'materialItemTypes'
>;

export type TaxDimension = keyof TaxConvention;

export interface LearnedTax {
  /**
   * learned: the history decides (the convention may equal the fallback when the history
   * confirms it); tie: every candidate reproduces the same invoices, so the fallback is kept;
   * insufficient: another convention does better, but not by enough invoices to be sure;
   * no_history: no taxed invoice with a known zone.
   */
  status: 'learned' | 'tie' | 'insufficient' | 'no_history';
  /** The convention to use (the fallback unless status is learned). */
  convention: TaxConvention;
  /** Past taxed invoices with a known zone (the evidence). */
  support: number;
  /** How many of them `convention` reproduces to the cent, and that as a share. */
  matched: number;
  agreement: number;
  /** The fallback (stored settings) on the same invoices. */
  fallbackMatched: number;
  /** Dimensions the history could not decide (every value among the best candidates). */
  tied: TaxDimension[];
  /** Every candidate with its count, best first. */
  candidates: { convention: TaxConvention; label: string; matched: number }[];
}

export interface LearnedPercentage {
  skuId: number;
  skuCode: string;
  skuName: string;
  /** The rule to price it by, or null when the price book's own reading (a percentage of the subtotal) is as good. */
  rule: PercentageBaseRule | null;
  /** Past invoices carrying the SKU, and how many of them the chosen base reproduces. */
  support: number;
  matched: number;
  agreement: number;
  /** What a percentage of the subtotal at the price-book rate reproduces. */
  fallbackMatched: number;
  description: string;
}

export interface LearnedAddOn {
  /** learned: one side holds; insufficient: too few lines or no clear side; no_history: none. */
  status: 'learned' | 'insufficient' | 'no_history';
  /** Whether a task after the leading one is billed at its add-on price (null unless learned). */
  laterTasksAtAddOn: boolean | null;
  /**
   * Which task leads (is billed at its regular price): the first on the invoice ('order') or the
   * dearest ('price'); null unless learned.
   */
  laterBy: 'order' | 'price' | null;
  /** Later tasks with an add-on price of their own, priced at one of the SKU's prices. */
  support: number;
  addOn: number;
  regular: number;
  agreement: number;
}

export interface LearnedConventions {
  /** The newest job completion among the invoices read (ISO), null without history. */
  asOf: string | null;
  invoices: number;
  tax: LearnedTax;
  percentages: LearnedPercentage[];
  /** How a second flat-rate task is priced (absent in conventions learned before it existed). */
  addOn?: LearnedAddOn;
}
