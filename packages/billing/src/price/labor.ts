// Time-and-materials labor: hours from timesheets and gross pay items, billed on the labor SKU
// the tenant uses for the job type (learned from history, or already on the invoice), with
// overtime at the tenant's multiplier. Overtime uses a dedicated overtime SKU when the price
// book has one, otherwise the regular SKU at the multiplied rate.
import type { TenantSettings } from '@invoicer/core';
import { Decimal, fromAmountString, roundCents, toMoneyString } from '@invoicer/core';
import type { HistoryModel } from '../history/model.ts';
import type { CatalogSku, JobContext, ProposedLine } from '../types.ts';

export function laborSkus(catalog: CatalogSku[]): CatalogSku[] {
  return catalog.filter(
    (s) =>
      s.active &&
      s.kind === 'service' &&
      // Hourly labor: flagged as labor, or sold by the hour. A flat-rate task whose name says
      // "(labor)" is not billed by time.
      (s.isLabor ||
        /\b(per\s+(hour|hr)|hourly|\/\s?(hr|hour))\b/i.test(`${s.unitOfMeasure ?? ''} ${s.name}`) ||
        /^(hr|hour|hours)$/i.test(s.unitOfMeasure ?? '')),
  );
}

function isOvertimeSku(sku: CatalogSku): boolean {
  return /\b(overtime|ot|after[\s-]?hours?)\b/i.test(sku.name);
}

export interface LaborInput {
  context: JobContext;
  catalog: CatalogSku[];
  model: HistoryModel;
  pricing: TenantSettings['pricing'];
}

/** Labor lines for a T&M job, or [] when the job is not billed by time. */
export function laborLines(input: LaborInput): ProposedLine[] {
  const { context, model } = input;
  const candidates = laborSkus(input.catalog);
  if (!candidates.length || !context.labor.length) return [];
  const onInvoice = context.invoice.items.filter(
    (i) => i.skuId !== null && candidates.some((c) => c.id === i.skuId),
  );
  const regularSkus = candidates.filter((c) => !isOvertimeSku(c));
  const byHistory = regularSkus
    .map((sku) => ({ sku, ...model.skuRate(sku.id, `jt:${context.job.jobTypeId}`) }))
    .filter((x) => x.jobs >= 5 && x.rate >= 0.5)
    .sort((a, b) => b.rate - a.rate)[0];
  const regular = regularSkus.find((s) => onInvoice.some((i) => i.skuId === s.id)) ?? byHistory?.sku;
  if (!regular) return [];
  const overtimeSku = candidates.find(isOvertimeSku) ?? null;

  const hoursBy = (types: string[]) =>
    context.labor
      .filter((l) => types.includes(l.paidTimeType))
      .reduce((sum, l) => sum.plus(fromAmountString(l.hours)), new Decimal(0));
  const regularHours = hoursBy(['Regular']);
  const overtimeHours = hoursBy(['Overtime', 'DoubleOvertime']);
  const technicianIds = [...new Set(context.labor.map((l) => l.technicianId))];
  const confidence = onInvoice.length ? 0.9 : Math.max(0.6, byHistory?.rate ?? 0.6);
  const lines: ProposedLine[] = [];

  const make = (
    sku: CatalogSku,
    hours: Decimal,
    kind: string,
    priceOverride?: string,
  ): ProposedLine | null => {
    if (hours.lte(0)) return null;
    const qty = toMoneyString(hours);
    const existing = onInvoice.find(
      (i) => i.skuId === sku.id && (priceOverride === undefined || i.unitPrice === priceOverride),
    );
    if (existing && fromAmountString(existing.quantity).eq(fromAmountString(qty))) return null;
    const ratePart = byHistory
      ? `; ${Math.round(byHistory.rate * 100)}% of past "${context.job.jobTypeName}" jobs bill ${sku.code}`
      : '';
    return {
      key: `labor:${kind}:${sku.id}`,
      skuId: sku.id,
      quantity: qty,
      origin: existing ? 'changed' : 'added',
      existingItemId: existing?.id ?? null,
      provenance: { kind: 'labor', technicianIds, hours: qty },
      evidence: [
        {
          kind: 'structured',
          detail: `timesheets: ${qty} ${kind} hours by ${technicianIds.length} technician(s)${ratePart}`,
        },
        ...(existing
          ? [{ kind: 'structured' as const, detail: `technician entered ${existing.quantity} h` }]
          : []),
      ],
      confidence,
      reason: existing
        ? `Labor set to the ${qty} ${kind} hours on the timesheets (technician entered ${existing.quantity}).`
        : `Time-and-materials labor: ${qty} ${kind} hours from the timesheets.`,
      ...(priceOverride ? { unitPriceOverride: priceOverride } : {}),
    };
  };
  const regularLine = make(regular, regularHours, 'regular');
  if (regularLine) lines.push(regularLine);
  if (overtimeHours.gt(0)) {
    if (overtimeSku) {
      const line = make(overtimeSku, overtimeHours, 'overtime');
      if (line) lines.push(line);
    } else {
      const rate = roundCents(fromAmountString(regular.price).times(input.pricing.overtimeMultiplier));
      const line = make(regular, overtimeHours, 'overtime', toMoneyString(rate));
      if (line) lines.push({ ...line, key: `labor:overtime:${regular.id}` });
    }
  }
  return lines;
}
