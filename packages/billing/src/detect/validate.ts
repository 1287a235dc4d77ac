// Validation flags: things a billing specialist should look at before the invoice goes out.
// Each flag carries its evidence; any warning or error routes the invoice to review.
import type { HistoryModel } from '../history/model.ts';
import type { Mention } from '../text/mentions.ts';
import type { CatalogSku, Flag, JobContext, PricedLine } from '../types.ts';

/** What validation needs of a line (a priced line has all of it). */
export type CheckedLine = Pick<
  PricedLine,
  'key' | 'skuId' | 'quantity' | 'origin' | 'existingItemId' | 'description' | 'skuCode' | 'skuName'
>;

export interface ValidateInput {
  context: JobContext;
  lines: CheckedLine[];
  catalog: Map<number, CatalogSku>;
  model: HistoryModel;
  /** Declined mentions and the SKU each was matched to. */
  declined: { mention: Mention; skuId: number }[];
  /** Price-book SKUs that are membership discounts, if the tenant has any. */
  membershipDiscountSkuIds: number[];
}

export function validate(input: ValidateInput): Flag[] {
  const { context, lines, catalog, model } = input;
  const flags: Flag[] = [];

  if (context.invoice.syncStatus && context.invoice.syncStatus !== 'Pending') {
    flags.push({
      code: 'invoice_not_editable',
      severity: 'error',
      message: `Invoice is ${context.invoice.syncStatus}; ServiceTitan only lets Pending invoices change.`,
      evidence: [{ kind: 'structured', detail: `syncStatus ${context.invoice.syncStatus}` }],
    });
  }
  if (context.job.noCharge && lines.length > 0) {
    flags.push({
      code: 'no_charge_job',
      severity: 'warning',
      message: 'The job is marked no-charge but the draft bills it.',
      evidence: [],
    });
  }

  // Duplicate technician lines: same SKU entered twice with the same description.
  const seen = new Map<string, CheckedLine>();
  for (const line of lines.filter((l) => l.origin !== 'added')) {
    const key = `${line.skuId}|${line.description.trim().toLowerCase()}`;
    const first = seen.get(key);
    if (first) {
      flags.push({
        code: 'duplicate_line',
        severity: 'warning',
        lineKey: line.key,
        message: `${line.skuCode} appears twice on the invoice.`,
        evidence: [
          { kind: 'structured', detail: `items ${first.existingItemId} and ${line.existingItemId}` },
        ],
      });
    } else seen.set(key, line);
  }

  for (const line of lines) {
    const sku = catalog.get(line.skuId);
    if (!sku) {
      flags.push({
        code: 'sku_not_in_catalog',
        severity: 'warning',
        lineKey: line.key,
        message: `SKU ${line.skuId} (${line.description}) is not in the price book.`,
        evidence: [{ kind: 'structured', detail: `item ${line.existingItemId}` }],
      });
    } else if (!sku.active) {
      flags.push({
        code: 'sku_inactive',
        severity: 'warning',
        lineKey: line.key,
        message: `${sku.code} is inactive in the price book.`,
        evidence: [{ kind: 'structured', detail: `${sku.code} active=false` }],
      });
    }
    const stats = model.quantityStats(line.skuId);
    const qty = Number(line.quantity);
    if (stats && stats.n >= 10 && qty > Math.max(stats.p95 * 2, stats.median * 4, 2)) {
      flags.push({
        code: 'quantity_outlier',
        severity: 'warning',
        lineKey: line.key,
        message: `Quantity ${line.quantity} of ${line.skuCode} is far above the usual ${stats.median} (95th percentile ${stats.p95}).`,
        evidence: [
          { kind: 'history_pattern', detail: `${stats.n} past lines of ${line.skuCode}`, support: stats.n },
        ],
      });
    }
  }

  const hours = context.labor.reduce((sum, l) => sum + Number(l.hours), 0);
  const norm = model.laborNorm(context.job.jobTypeId);
  if (norm && norm.n >= 10 && hours > Math.max(norm.p90 * 2, norm.median + 4)) {
    flags.push({
      code: 'labor_hours_high',
      severity: 'warning',
      message: `${hours.toFixed(2)} labor hours is far above the usual ${norm.median.toFixed(2)} for "${context.job.jobTypeName}".`,
      evidence: [
        {
          kind: 'history_pattern',
          detail: `${norm.n} past jobs, 90th percentile ${norm.p90.toFixed(2)} h`,
          support: norm.n,
        },
      ],
    });
  }

  const discountOnInvoice = lines.some((l) => input.membershipDiscountSkuIds.includes(l.skuId));
  const member = context.membership?.active === true;
  if (member && !discountOnInvoice && input.membershipDiscountSkuIds.length) {
    flags.push({
      code: 'membership_discount_missing',
      severity: 'info',
      message: `Customer has an active membership (#${context.membership?.id}) but no membership discount is applied.`,
      evidence: [
        { kind: 'structured', detail: `membership ${context.membership?.id} ${context.membership?.status}` },
      ],
    });
  }
  if (!member && discountOnInvoice) {
    flags.push({
      code: 'membership_discount_unexpected',
      severity: 'warning',
      message: 'A membership discount is applied but the customer has no active membership.',
      evidence: [
        {
          kind: 'structured',
          detail: context.membership ? `membership ${context.membership.status}` : 'no membership',
        },
      ],
    });
  }

  // A technician item for exactly the SKU a declined mention was matched to.
  for (const { mention, skuId } of input.declined) {
    const line = lines.find((l) => l.origin === 'technician' && l.skuId === skuId);
    if (!line) continue;
    flags.push({
      code: 'declined_item_on_invoice',
      severity: 'warning',
      lineKey: line.key,
      message: `${line.skuCode} is on the invoice but the notes say the customer declined "${mention.text}".`,
      evidence: [
        {
          kind: 'note_span',
          detail: mention.clauseText,
          span: { noteIndex: mention.noteIndex, start: mention.start, end: mention.end },
        },
      ],
    });
  }
  return flags;
}
