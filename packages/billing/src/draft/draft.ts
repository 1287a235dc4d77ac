// The itemized draft: priced lines, tax, totals, a plain-language summary for the customer and
// the difference from the invoice as the technician left it.
import { fromAmountString, sum, type TenantSettings, toMoneyString } from '@invoicer/core';
import { priceFlags } from '../price/pricing.ts';
import { computeTax, type TaxZoneInput } from '../tax/index.ts';
import type { Flag, JobContext, PricedLine } from '../types.ts';
import { invoiceConfidence } from './confidence.ts';

export interface DraftDocument {
  lines: PricedLine[];
  subTotal: string;
  salesTax: string;
  total: string;
  taxBreakdown: { taxName: string; rate: string; base: string; amount: string }[];
  taxExemptReason: string | null;
  summary: string;
  diff: {
    added: { key: string; skuCode: string; quantity: string; total: string }[];
    changed: { key: string; skuCode: string; from: string; to: string }[];
    unchangedCount: number;
    technicianTotal: string;
    draftTotal: string;
  };
  confidence: number;
  flags: Flag[];
}

export function taxZoneInput(context: JobContext): TaxZoneInput | null {
  if (!context.taxZone) return null;
  return {
    id: context.taxZone.id,
    name: context.taxZone.name,
    isTaxRateSeparated: context.taxZone.isTaxRateSeparated,
    rates: context.taxZone.rates.map((r) => ({
      taxName: r.taxName,
      taxBaseType: r.taxBaseType,
      taxRate: Number(r.taxRate),
    })),
  };
}

function customerSummary(context: JobContext, lines: PricedLine[]): string {
  const describe = (l: PricedLine) => {
    const qty = Number(l.quantity);
    return qty === 1 ? l.skuName : `${l.skuName} × ${l.quantity}`;
  };
  const work = lines.filter((l) => l.type === 'Service').map(describe);
  const parts = lines.filter((l) => l.type === 'Material' || l.type === 'Equipment').map(describe);
  const fees = lines.filter((l) => l.type === 'PriceModifier').map((l) => l.skuName);
  const sentences = [`${context.job.jobTypeName} at ${context.location.address || context.location.name}.`];
  if (work.length) sentences.push(`Work performed: ${work.join('; ')}.`);
  if (parts.length) sentences.push(`Parts and equipment: ${parts.join('; ')}.`);
  if (fees.length) sentences.push(`Charges and discounts: ${fees.join('; ')}.`);
  return sentences.join(' ');
}

export function buildDraft(input: {
  context: JobContext;
  lines: PricedLine[];
  flags: Flag[];
  tax: TenantSettings['tax'];
  unmatchedBillableMentions: number;
  residualRisk?: number;
}): DraftDocument {
  const { context, lines } = input;
  const flags = [...input.flags, ...priceFlags(lines)];
  const tax = computeTax(
    lines.map((l) => ({
      key: l.key,
      itemType: l.type,
      amount: fromAmountString(l.total),
      taxable: l.taxable,
    })),
    taxZoneInput(context),
    { ...input.tax, exempt: context.location.taxExempt },
  );
  const subTotal = sum(lines.map((l) => fromAmountString(l.total)));
  const total = subTotal.plus(tax.salesTax);
  const added = lines.filter((l) => l.origin === 'added');
  const changed = lines.filter((l) => l.origin === 'changed');
  const existingById = new Map(context.invoice.items.map((i) => [i.id, i]));
  return {
    lines,
    subTotal: toMoneyString(subTotal),
    salesTax: toMoneyString(tax.salesTax),
    total: toMoneyString(total),
    taxBreakdown: tax.breakdown.map((b) => ({
      taxName: b.taxName,
      rate: b.rate.toString(),
      base: toMoneyString(b.base),
      amount: toMoneyString(b.amount),
    })),
    taxExemptReason: tax.exemptReason ?? null,
    summary: customerSummary(context, lines),
    diff: {
      added: added.map((l) => ({ key: l.key, skuCode: l.skuCode, quantity: l.quantity, total: l.total })),
      changed: changed.map((l) => ({
        key: l.key,
        skuCode: l.skuCode,
        from: existingById.get(l.existingItemId ?? -1)?.quantity ?? '?',
        to: l.quantity,
      })),
      unchangedCount: lines.filter((l) => l.origin === 'technician').length,
      technicianTotal: context.invoice.total,
      draftTotal: toMoneyString(total),
    },
    confidence: invoiceConfidence(lines, flags, input.unmatchedBillableMentions, input.residualRisk ?? 0),
    flags,
  };
}
