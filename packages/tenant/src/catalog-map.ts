// ServiceTitan reference records → catalogue rows (for search) and → the billing core's
// CatalogSku. Price-book amounts are JSON numbers: converted to exact strings here.

import type { CatalogSku, SkuKind, TaxZoneInfo } from '@invoicer/billing';
import { htmlToText, withSynonyms } from '@invoicer/billing';
import { fromNumber, toMoneyString } from '@invoicer/core';
import type { CatalogRow } from '@invoicer/db';
import type {
  DiscountAndFee,
  PricebookCategory,
  PricebookEquipment,
  PricebookMaterial,
  PricebookService,
  TaxZone,
} from '@invoicer/servicetitan';

const money = (n: number | null | undefined) =>
  n === null || n === undefined ? null : toMoneyString(fromNumber(n));

type AnySku = (PricebookService | PricebookMaterial | PricebookEquipment) & { id: number };

export function skuRow(
  kind: 'service' | 'material' | 'equipment',
  sku: AnySku,
  categoryNames: Map<number, string>,
): CatalogRow {
  const cats = (sku.categories ?? [])
    .map((c) => (typeof c === 'number' ? (categoryNames.get(c) ?? '') : (c.name ?? '')))
    .filter(Boolean);
  const name = sku.displayName || sku.code;
  return {
    kind,
    stId: sku.id,
    code: sku.code,
    name,
    // With the trade synonyms the vocabulary gives its words, so "Romex" finds "NM-B Cable".
    searchText: withSynonyms(
      `${sku.code} ${name} ${htmlToText(sku.description ?? '')} ${cats.join(' ')}`,
    ).slice(0, 2000),
    active: sku.active !== false,
    data: { ...sku, categoryNames: cats },
    modifiedOn: sku.modifiedOn ?? null,
  };
}

export function feeRow(fee: DiscountAndFee): CatalogRow {
  const name = fee.displayName || fee.code;
  return {
    kind: fee.type === 'Discount' ? 'discount' : 'fee',
    stId: fee.id,
    code: fee.code,
    name,
    searchText: withSynonyms(`${fee.code} ${name} ${htmlToText(fee.description ?? '')}`).slice(0, 2000),
    active: fee.active !== false,
    data: fee,
    modifiedOn: fee.modifiedOn ?? null,
  };
}

export function namedRow(
  kind: string,
  record: { id: number; name?: string | null; modifiedOn?: string | null; active?: boolean | null },
): CatalogRow {
  return {
    kind,
    stId: record.id,
    code: null,
    name: record.name ?? String(record.id),
    searchText: record.name ?? '',
    active: record.active !== false,
    data: record,
    modifiedOn: record.modifiedOn ?? null,
  };
}

export function categoryNames(categories: PricebookCategory[]): Map<number, string> {
  return new Map(categories.map((c) => [c.id, c.name]));
}

/** Price-book categories arrive as ids or as { id, name } objects. */
function categoryIdsOf(categories: unknown): number[] {
  if (!Array.isArray(categories)) return [];
  return categories.flatMap((c) => {
    const id = typeof c === 'number' ? c : (c as { id?: unknown } | null)?.id;
    return typeof id === 'number' && Number.isInteger(id) ? [id] : [];
  });
}

/** A catalogue row (as stored) → the billing core's SKU. */
export function toCatalogSku(row: CatalogRow): CatalogSku {
  const d = row.data as Record<string, unknown>;
  const kind = row.kind as SkuKind;
  const isFee = kind === 'fee' || kind === 'discount';
  return {
    id: row.stId,
    kind,
    code: row.code ?? String(row.stId),
    name: row.name,
    description: htmlToText(String(d.description ?? '')),
    price: money(isFee ? (d.amountType === 'Fixed' ? Number(d.amount) : 0) : Number(d.price ?? 0)) ?? '0.00',
    memberPrice: isFee ? null : money(d.memberPrice as number | null),
    addOnPrice: isFee ? null : money(d.addOnPrice as number | null),
    addOnMemberPrice: isFee ? null : money(d.addOnMemberPrice as number | null),
    taxable: d.taxable === true,
    active: row.active,
    isLabor: d.isLabor === true,
    hours: typeof d.hours === 'number' ? d.hours : null,
    unitOfMeasure: typeof d.unitOfMeasure === 'string' ? d.unitOfMeasure : null,
    categoryNames: Array.isArray(d.categoryNames) ? (d.categoryNames as string[]) : [],
    categoryIds: categoryIdsOf(d.categories),
    amountType: isFee ? (d.amountType === 'Percentage' ? 'Percentage' : 'Fixed') : null,
    amount: isFee ? fromNumber(Number(d.amount ?? 0)).toString() : null,
    limit: isFee && typeof d.limit === 'number' && d.limit > 0 ? money(d.limit) : null,
  };
}

export function toTaxZoneInfo(zone: TaxZone): TaxZoneInfo {
  return {
    id: zone.id,
    name: zone.name,
    isTaxRateSeparated: zone.isTaxRateSeparated === true,
    rates: (zone.rates ?? []).map((r) => ({
      taxName: r.taxName ?? 'Tax',
      taxBaseType: r.taxBaseType?.length ? r.taxBaseType : ['Subtotal'],
      taxRate: fromNumber(r.taxRate).toString(),
    })),
  };
}
