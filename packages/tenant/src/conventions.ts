// The tenant's learned conventions (tax rounding and bases, percentage fee and discount bases,
// the time-and-materials labor convention) from its mirrored past invoices: only invoices of
// jobs completed by the cutoff, so a backtest never learns from the future. The inference itself
// is pure (packages/billing/conventions, packages/billing/price/labor-conventions).
import {
  type CatalogSku,
  describeConventions,
  describeLaborConvention,
  HistoryModel,
  inferConventions,
  type LaborConvention,
  type LearnedConventions,
  laborConventionOf,
  laborJobsOf,
  laborSkus,
  MIN_LABOR_SUPPORT,
  type PastInvoice,
  settingsConvention,
  type TaxZoneInput,
  wilsonLowerBound,
  zoneCombinedRate,
} from '@invoicer/billing';
import { type Decimal, fromAmountString, fromNumber, type TenantSettings } from '@invoicer/core';
import type { Db } from '@invoicer/db';
import { historyEvents, historyInvoices, loadCatalog, SKU_KINDS } from '@invoicer/db';
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
  words: ReturnType<typeof describeConventions>;
}> {
  const { invoices, catalog } = await loadConventionInputs(db, tenantId, cutoff);
  const learned = inferConventions(invoices, catalog, settings.tax);
  return { learned, catalog, words: describeConventions(settings, learned, catalog) };
}

// ---- the time-and-materials labor convention ---------------------------------------------------

/** The labor convention learned from the tenant's history, and what bills labor now. */
export interface LaborConventionSummary {
  /**
   * 'learned' or 'pinned': that convention bills labor. Otherwise the settings' rules do:
   * 'untrusted' (the best convention does not reproduce history well enough), 'thin' (too few
   * past time-and-materials jobs with recorded time), 'settings' (pricing.laborConvention =
   * settings, or laborRateSource = technician), 'no-labor-sku' (no hourly labor in the price book).
   */
  status: 'learned' | 'pinned' | 'untrusted' | 'thin' | 'settings' | 'no-labor-sku';
  inUse: 'learned' | 'pinned' | 'settings';
  /** The best (or pinned) convention on the history, when there was enough to measure it. */
  convention: LaborConvention | null;
  description: string | null;
  /** Share of past time-and-materials jobs whose labor lines (SKU and hours) it reproduces. */
  agreement: number | null;
  /** Its 95% lower bound: what a labor line drafted by it is at most as sure as. */
  agreementLowerBound: number | null;
  hoursAgreement: number | null;
  skuAgreement: number | null;
  /** The settings' rules measured the same way. */
  settingsAgreement: number | null;
  /** Past time-and-materials jobs with recorded time, by the cutoff. */
  support: number;
  /** Federal holidays the history shows billed as a holiday (true) or as an ordinary day (false). */
  holidays: Record<string, boolean>;
  /** The settings' rules, as a convention. */
  settings: string;
  summary: string[];
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * The labor convention as the pipeline would use it for a job priced on `model` (the history
 * before its cutoff): laborConventionOf with the tenant's hourly SKUs, timezone and pricing.
 */
export function laborConventionSummary(
  model: HistoryModel,
  catalog: CatalogSku[],
  settings: TenantSettings,
): LaborConventionSummary {
  const pricing = settings.pricing;
  const inSettings = describeLaborConvention(settingsConvention(pricing));
  const base = {
    convention: null,
    description: null,
    agreement: null,
    agreementLowerBound: null,
    hoursAgreement: null,
    skuAgreement: null,
    settingsAgreement: null,
    support: 0,
    holidays: {},
    settings: inSettings,
  };
  const hourly = new Set(laborSkus(catalog).map((s) => s.id));
  if (!hourly.size)
    return {
      ...base,
      status: 'no-labor-sku',
      inUse: 'settings',
      summary: ['No hourly labor SKU in the price book: no time-and-materials labor is drafted.'],
    };
  const support = laborJobsOf(model, hourly).filter(
    (j) => j.time.onSite.length > 0 || j.time.paid.length > 0,
  ).length;
  const learned = laborConventionOf(model, hourly, {
    timezone: settings.rules.afterHours.timezone,
    pricing,
  });
  const measured = learned
    ? {
        convention: learned.convention,
        description: describeLaborConvention(learned.convention),
        agreement: learned.agreement,
        agreementLowerBound: wilsonLowerBound(learned.agreement * learned.support, learned.support),
        hoursAgreement: learned.hoursAgreement,
        skuAgreement: learned.skuAgreement,
        settingsAgreement: learned.settingsAgreement,
        support: learned.support,
        holidays: { ...learned.holidays.observed },
      }
    : { support };
  const record = learned
    ? `reproduces ${Math.round(learned.agreement * learned.support)}/${learned.support} past time-and-materials invoices (${pct(learned.agreement)}; hours ${pct(learned.hoursAgreement)}, labor SKUs ${pct(learned.skuAgreement)}; the settings' rules ${pct(learned.settingsAgreement)})`
    : '';
  const settingsInForce = `Settings in force: ${inSettings}.`;
  if (pricing.laborConvention === 'settings' || pricing.laborRateSource === 'technician') {
    const why =
      pricing.laborConvention === 'settings'
        ? 'pricing.laborConvention = settings'
        : "pricing.laborRateSource = technician (the technicians' own rates)";
    return {
      ...base,
      ...measured,
      status: 'settings',
      inUse: 'settings',
      summary: [
        `Settings in force (${why}): ${inSettings}.`,
        ...(learned
          ? [`The history's best convention: ${describeLaborConvention(learned.convention)}; ${record}.`]
          : []),
      ],
    };
  }
  if (!learned)
    return {
      ...base,
      ...measured,
      status: 'thin',
      inUse: 'settings',
      summary: [
        `History too thin: settings in force (${support} past time-and-materials invoices with recorded time; a convention needs at least ${MIN_LABOR_SUPPORT}).${pricing.laborConvention === 'pinned' ? ' The pinned convention applies once there are enough to learn its labor SKUs from.' : ''}`,
        settingsInForce,
      ],
    };
  if (learned.origin === 'pinned')
    return {
      ...base,
      ...measured,
      status: 'pinned',
      inUse: 'pinned',
      summary: [
        `Pinned (pricing.laborConvention = pinned): ${describeLaborConvention(learned.convention)}; ${record}.`,
      ],
    };
  if (!learned.trusted)
    return {
      ...base,
      ...measured,
      status: 'untrusted',
      inUse: 'settings',
      summary: [
        `Best candidate: ${describeLaborConvention(learned.convention)}; ${record}: not enough to be sure, the settings are kept.`,
        settingsInForce,
      ],
    };
  return {
    ...base,
    ...measured,
    status: 'learned',
    inUse: 'learned',
    summary: [`Learned: ${describeLaborConvention(learned.convention)}; ${record}.`],
  };
}

/**
 * The labor convention as of `cutoff` (time-respecting: a history model of the jobs completed
 * and lines known by then), for the CLI; the console uses the tenant runtime's model.
 */
export async function learnLaborConventionAt(
  db: Db,
  tenantId: string,
  settings: TenantSettings,
  cutoff: Date = new Date(),
  catalog?: CatalogSku[],
): Promise<LaborConventionSummary> {
  const skus =
    catalog ??
    (await loadCatalog(db, tenantId))
      .filter((r) => (SKU_KINDS as readonly string[]).includes(r.kind))
      .map(toCatalogSku);
  const events = await historyEvents(db, tenantId, null, cutoff);
  const model = new HistoryModel();
  model.advance(cutoff.getTime(), events.jobs, events.lines);
  return laborConventionSummary(model, skus, settings);
}
