// The tenant's learned conventions (tax rounding and bases, percentage fee and discount bases)
// from its mirrored past invoices: only invoices of jobs completed by the cutoff, so a backtest
// never learns from the future. The inference itself is pure (packages/billing/conventions).
import {
  type CatalogSku,
  describeConventions,
  inferConventions,
  type LearnedConventions,
  type PastInvoice,
  type TaxZoneInput,
  zoneCombinedRate,
} from '@invoicer/billing';
import { type Decimal, fromAmountString, fromNumber, type TenantSettings } from '@invoicer/core';
import type { Db } from '@invoicer/db';
import { historyInvoices, loadCatalog, SKU_KINDS } from '@invoicer/db';
import type { TaxZone } from '@invoicer/servicetitan';
import { toCatalogSku } from './catalog-map.ts';

const ITEM_TYPES = new Set(['Service', 'Material', 'Equipment', 'PriceModifier']);

/** The invoice fields the inference reads (a ServiceTitan invoice has them all). */
export interface InvoiceLike {
  id: number;
  salesTax: string;
  taxZoneId?: number | null;
  salesTaxCode?: { id?: number | null; taxRate?: number | null } | null;
  items?:
    | {
        skuId?: number | null;
        type?: string | null;
        quantity?: string | null;
        price?: string | null;
        total?: string | null;
        taxable?: boolean | null;
        active?: boolean | null;
      }[]
    | null;
}

/**
 * The invoice's zone: its own taxZoneId, else its sales tax code when that names a known zone
 * with the same combined rate (the code's id is not documented to be the zone's).
 */
function zoneOf(inv: InvoiceLike, zones: Map<number, TaxZoneInput>): TaxZoneInput | null {
  if (inv.taxZoneId != null) return zones.get(inv.taxZoneId) ?? null;
  const code = inv.salesTaxCode;
  if (code?.id == null || typeof code.taxRate !== 'number') return null;
  const zone = zones.get(code.id);
  try {
    return zone && zoneCombinedRate(zone).eq(fromNumber(code.taxRate)) ? zone : null;
  } catch {
    return null;
  }
}

/** A mirrored invoice as evidence, or null when it cannot be read exactly. */
export function pastInvoiceFrom(
  inv: InvoiceLike,
  completedOn: string,
  zones: Map<number, TaxZoneInput>,
): PastInvoice | null {
  const amount = (s: string | null | undefined): Decimal | null => {
    if (s === null || s === undefined) return null;
    try {
      return fromAmountString(s);
    } catch {
      return null;
    }
  };
  const salesTax = amount(inv.salesTax);
  if (!salesTax) return null;
  const lines: PastInvoice['lines'] = [];
  for (const it of inv.items ?? []) {
    if (it.active === false) continue;
    const total = amount(it.total);
    const quantity = amount(it.quantity ?? '1');
    const unitPrice = amount(it.price) ?? total;
    if (!total || !quantity || !unitPrice || !it.type || !ITEM_TYPES.has(it.type)) return null;
    lines.push({
      skuId: it.skuId ?? null,
      itemType: it.type as PastInvoice['lines'][number]['itemType'],
      quantity,
      unitPrice,
      total,
      taxable: it.taxable === true,
    });
  }
  return { invoiceId: inv.id, completedOn, zone: zoneOf(inv, zones), salesTax, lines };
}

export interface ConventionInputs {
  invoices: PastInvoice[];
  catalog: Map<number, CatalogSku>;
}

/** Invoices read per inference: the most recent ones (by job completion) carry the convention. */
export const CONVENTION_INVOICES = 3000;

export async function loadConventionInputs(
  db: Db,
  tenantId: string,
  cutoff: Date,
  catalog?: Map<number, CatalogSku>,
  zones?: Map<number, TaxZoneInput>,
): Promise<ConventionInputs> {
  let skus = catalog;
  let zoneMap = zones;
  if (!skus || !zoneMap) {
    const rows = await loadCatalog(db, tenantId);
    skus ??= new Map(
      rows
        .filter((r) => (SKU_KINDS as readonly string[]).includes(r.kind))
        .map(toCatalogSku)
        .map((s) => [s.id, s]),
    );
    zoneMap ??= new Map(rows.filter((r) => r.kind === 'tax-zone').map((r) => [r.stId, r.data as TaxZone]));
  }
  const rows = await historyInvoices(db, tenantId, cutoff, CONVENTION_INVOICES);
  const invoices = rows.flatMap((r) => {
    const p = pastInvoiceFrom(r.invoice as InvoiceLike, r.completedOn, zoneMap!);
    return p ? [p] : [];
  });
  return { invoices, catalog: skus };
}

/**
 * What the tenant's history says as of `cutoff`, and in words what is learned and in use
 * (CLI and console; workers cache theirs in TenantRuntime).
 */
export async function learnConventions(
  db: Db,
  tenantId: string,
  settings: TenantSettings,
  cutoff: Date = new Date(),
): Promise<{
  learned: LearnedConventions;
  catalog: Map<number, CatalogSku>;
  words: { tax: string[]; percentages: string[] };
}> {
  const { invoices, catalog } = await loadConventionInputs(db, tenantId, cutoff);
  const learned = inferConventions(invoices, catalog, settings.tax);
  return { learned, catalog, words: describeConventions(settings, learned, catalog) };
}
