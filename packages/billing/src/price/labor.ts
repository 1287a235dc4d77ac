// Time-and-materials labor. A job is billed by time when its invoice already carries hourly labor
// or when jobs like it usually do. Its hours and labor SKUs follow the shop's own convention,
// learned from its past invoices (labor-conventions.ts: time source, grouping, rounding, minimum,
// what picks the SKU), with a confidence that says how often that convention reproduced them.
// While history is thin, or nothing reproduces it well, the settings apply: hours per technician
// from gross pay items (or timesheets), billed on the hourly SKU the shop uses for that technician
// (learned from history: an apprentice may be billed at a helper rate) or for the job type,
// overtime on the matching overtime SKU (or the regular one at the tenant's multiplier), rounded
// up to the tenant's increment with its minimum.
import type { TenantSettings } from '@invoicer/core';
import { Decimal, fromAmountString, fromNumber, roundCents, toMoneyString } from '@invoicer/core';
import { type HistoryModel, wilsonLowerBound } from '../history/model.ts';
import type { CatalogSku, JobContext, LaborEntry, ProposedLine } from '../types.ts';
import {
  applyLaborConvention,
  describeLaborConvention,
  type LearnedLabor,
  laborConventionOf,
  laborShareOf,
  laborTopUpOf,
} from './labor-conventions.ts';

export * from './labor-conventions.ts';

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

function isDoubleTimeSku(sku: CatalogSku): boolean {
  return /\b(double[\s-]*(time|overtime)|dt)\b/i.test(sku.name) || /-DT$/i.test(sku.code);
}

function isOvertimeSku(sku: CatalogSku): boolean {
  return (/\b(overtime|ot)\b/i.test(sku.name) || /-OT$/i.test(sku.code)) && !isDoubleTimeSku(sku);
}

/** The overtime SKU that goes with a regular one: the longest shared code prefix. */
function overtimeFor(regular: CatalogSku, overtime: CatalogSku[]): CatalogSku | null {
  const shared = (a: string, b: string) => {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i += 1;
    return i;
  };
  const ranked = overtime.map((o) => ({ o, n: shared(regular.code, o.code) })).sort((a, b) => b.n - a.n);
  return ranked[0] && ranked[0].n >= 3 ? ranked[0].o : null;
}

export interface LaborInput {
  context: JobContext;
  catalog: CatalogSku[];
  model: HistoryModel;
  pricing: TenantSettings['pricing'];
  /** The job's learning features, most specific "jobs like this" first. */
  similarJobs: string[];
}

const MIN_JOBS = 5;

function roundUp(hours: Decimal, increment: number, minimum: number): Decimal {
  const inc = new Decimal(increment);
  const rounded = hours.dividedBy(inc).ceil().times(inc);
  return Decimal.max(rounded, new Decimal(minimum));
}

/** The most a computed labor line claims: hours worked out from records are never certain. */
const MAX_CONFIDENCE = 0.97;

type TmRate = { rate: number; jobs: number; feature: string; said: string } | null;

/**
 * How often jobs like this one are billed by time: the most specific of `similarJobs` with
 * MIN_JOBS past jobs, shrunk toward the record of a more specific kind that has fewer (two
 * flat-rate jobs of a new job type are evidence, in a business unit that mostly bills time).
 */
export function billedByTimeRate(model: HistoryModel, hourly: Set<number>, similarJobs: string[]): TmRate {
  let sparse: { rate: number; jobs: number } | null = null;
  for (const feature of similarJobs) {
    const share = laborShareOf(model, hourly, feature);
    if (share.jobs < MIN_JOBS) {
      // The broadest of the sparse kinds (the job type before its combinations) has the most.
      if (share.jobs > 0) sparse = share;
      continue;
    }
    const said = `${pct(share.rate)} of ${share.jobs} similar past jobs were billed by time`;
    if (!sparse) return { ...share, feature, said };
    const rate = (sparse.rate * sparse.jobs + MIN_JOBS * share.rate) / (sparse.jobs + MIN_JOBS);
    const own = Math.round(sparse.rate * sparse.jobs);
    return { rate, jobs: share.jobs, feature, said: `${said}, ${own} of the ${sparse.jobs} most like it` };
  }
  return null;
}

/** Labor lines for a time-and-materials job, or [] when the job is not billed by time. */
export function laborLines(input: LaborInput): ProposedLine[] {
  const { context, model, pricing } = input;
  const hourly = laborSkus(input.catalog);
  const time = context.laborTime;
  const hasTime = Boolean(time && (time.onSite.length || time.paid.length));
  if (!hourly.length || (!context.labor.length && !hasTime)) return [];
  const hourlyIds = new Set(hourly.map((s) => s.id));
  const onInvoice = context.invoice.items.filter((i) => i.skuId !== null && hourlyIds.has(i.skuId));

  // Is this job billed by time? Its invoice says so, or jobs like it usually are (on any labor SKU).
  const tmRate = billedByTimeRate(model, hourlyIds, input.similarJobs);
  if (!onInvoice.length && (!tmRate || tmRate.rate < 0.5)) return [];

  // The shop's convention, unless the tenant bills its own way (settings, technicians' rates).
  const learned =
    pricing.laborConvention !== 'settings' && pricing.laborRateSource !== 'technician' && time
      ? laborConventionOf(model, hourlyIds, { timezone: time.timezone, pricing })
      : null;
  if (learned?.trusted && time) {
    const lines = conventionLines(input, learned, hourly, onInvoice, tmRate);
    if (lines) return lines;
  }
  // The settings' way, as sure as it has been on this shop's history (when that was measured).
  const measured = learned
    ? wilsonLowerBound(learned.settingsAgreement * learned.support, learned.support)
    : null;
  return settingsLines(input, hourly, onInvoice, tmRate).map((l) =>
    measured === null
      ? l
      : {
          ...l,
          confidence: Math.min(l.confidence, measured),
          evidence: [
            ...l.evidence,
            {
              kind: 'structured' as const,
              detail: `the settings' labor rules reproduce ${pct(learned!.settingsAgreement)} of ${learned!.support} past time-and-materials invoices`,
            },
          ],
        },
  );
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** Lines under the learned (or pinned) convention, or null when it cannot be applied to this job. */
function conventionLines(
  input: LaborInput,
  learned: LearnedLabor,
  hourly: CatalogSku[],
  onInvoice: JobContext['invoice']['items'],
  tmRate: TmRate,
): ProposedLine[] | null {
  const { context, model } = input;
  const time = context.laborTime!;
  const applied = applyLaborConvention(
    learned,
    {
      jobId: context.job.id,
      member: context.membership?.active === true,
      jobTypeId: context.job.jobTypeId,
      time,
    },
    time.timezone,
  );
  if (!applied?.quantities.length) return null;
  const byId = new Map(hourly.map((s) => [s.id, s]));
  const hourlyIds = new Set(byId.keys());
  // How sure: how often the convention reproduced past invoices (its lower bound), times how
  // often jobs like this are billed by time; and when the technician already entered labor, how
  // often the office added more labor to such invoices.
  const reproduces = wilsonLowerBound(applied.agreement * learned.support, learned.support);
  const billedByTime = onInvoice.length ? 1 : (tmRate?.rate ?? 0.6);
  const topUp = laborTopUpOf(model, hourlyIds);
  const addOnTop = onInvoice.length && topUp.jobs >= MIN_JOBS ? topUp.rate : 1;
  const how = describeLaborConvention(applied.convention);
  const record = `${learned.origin === 'pinned' ? 'pinned by the tenant; ' : ''}reproduces ${pct(applied.agreement)} of ${learned.support} past time-and-materials invoices (the settings' rules: ${pct(learned.settingsAgreement)})`;
  const history = tmRate ? `; ${tmRate.said}` : '';
  const lines: ProposedLine[] = [];
  for (const q of applied.quantities) {
    const sku = byId.get(q.skuId);
    if (!sku) continue;
    const hours = fromNumber(q.hours);
    const qty = toMoneyString(hours);
    const existing = onInvoice.filter((i) => i.skuId === q.skuId);
    const entered = existing.reduce((s, i) => s.plus(fromAmountString(i.quantity)), new Decimal(0));
    if (existing.length && entered.eq(hours)) continue;
    const first = existing[0] ?? null;
    const confidence = Math.min(MAX_CONFIDENCE, first ? reproduces : reproduces * billedByTime * addOnTop);
    lines.push({
      key: `labor:${q.skuId}`,
      skuId: q.skuId,
      quantity: qty,
      origin: first ? 'changed' : 'added',
      existingItemId: first?.id ?? null,
      provenance: { kind: 'labor', technicianIds: q.technicianIds, hours: qty },
      evidence: [
        {
          kind: 'structured',
          detail: `${qty} h on ${sku.code} (technicians ${q.technicianIds.join(', ')}): ${how}${history}`,
        },
        {
          kind: 'history_pattern',
          detail: `labor convention ${record}`,
          support: learned.support,
          confidence: applied.agreement,
        },
        ...(onInvoice.length && !first
          ? [
              {
                kind: 'structured' as const,
                detail: `the technician entered other labor; the office added labor to ${pct(topUp.rate)} of ${topUp.jobs} such past invoices`,
              },
            ]
          : []),
        ...(first
          ? [{ kind: 'structured' as const, detail: `technician entered ${entered.toFixed(2)} h` }]
          : []),
      ],
      confidence,
      reason: first
        ? `Labor set to ${qty} h as the shop bills time (technician entered ${entered.toFixed(2)}).`
        : `Time-and-materials labor: ${qty} h on ${sku.code}, as the shop bills time.`,
    });
  }
  return lines;
}

/** The settings-driven lines: paid hours per technician, the tenant's increment and minimum. */
function settingsLines(
  input: LaborInput,
  hourly: CatalogSku[],
  onInvoice: JobContext['invoice']['items'],
  tmRate: TmRate,
): ProposedLine[] {
  const { context, model, pricing } = input;
  const regular = hourly.filter((s) => !isOvertimeSku(s) && !isDoubleTimeSku(s));
  const overtime = hourly.filter(isOvertimeSku);
  const doubleTime = hourly.filter(isDoubleTimeSku);

  const skuFor = (technicianId: number): CatalogSku | null => {
    // The technician's own rate SKU: frequent on their jobs and more frequent than on jobs of
    // this type in general (a journeyman is on every apprentice's job too; the lift tells the
    // helper rate apart).
    const jobType = `jt:${context.job.jobTypeId}`;
    const byTech = regular
      .map((s) => {
        const own = model.skuRate(s.id, `tech:${technicianId}`);
        const overall = model.skuRate(s.id, jobType);
        const lift = overall.rate > 0 ? own.rate / overall.rate : 1;
        return { s, jobs: own.jobs, rate: own.rate, score: own.rate * lift };
      })
      .filter((x) => x.jobs >= MIN_JOBS && x.rate > 0)
      .sort((a, b) => b.score - a.score)[0];
    if (byTech) return byTech.s;
    const billed = regular.find((s) => onInvoice.some((i) => i.skuId === s.id));
    if (billed) return billed;
    for (const feature of input.similarJobs) {
      const best = regular
        .map((s) => ({ s, ...model.skuRate(s.id, feature) }))
        .filter((x) => x.jobs >= MIN_JOBS && x.rate > 0)
        .sort((a, b) => b.rate - a.rate)[0];
      if (best) return best.s;
    }
    return null;
  };

  // Hours per (SKU, unit price): several technicians on one rate share a line.
  const groups = new Map<
    string,
    { sku: CatalogSku; hours: Decimal; kind: string; price?: string; technicianIds: number[] }
  >();
  const byTechnician = new Map<number, LaborEntry[]>();
  for (const entry of context.labor)
    byTechnician.set(entry.technicianId, [...(byTechnician.get(entry.technicianId) ?? []), entry]);
  for (const [technicianId, entries] of byTechnician) {
    const sku = skuFor(technicianId);
    if (!sku) continue;
    const sumOf = (types: string[]) =>
      entries
        .filter((e) => types.includes(e.paidTimeType))
        .reduce((s, e) => s.plus(fromAmountString(e.hours)), new Decimal(0));
    const regularHours = sumOf(['Regular']);
    const overtimeHours = sumOf(['Overtime']);
    const doubleHours = sumOf(['DoubleOvertime']);
    // The technician's own rate (pricing.laborRateSource = 'technician') replaces the SKU's
    // price; premium hours then go on the same SKU at the tenant's multipliers.
    const ownRate =
      pricing.laborRateSource === 'technician' && entries[0]?.hourlyRate
        ? fromAmountString(entries[0].hourlyRate)
        : null;
    const base = ownRate ?? fromAmountString(sku.price);
    const atMultiplier = (multiplier: number) => toMoneyString(roundCents(base.times(multiplier)));
    const add = (key: string, target: CatalogSku, hours: Decimal, kind: string, price?: string) => {
      if (hours.lte(0)) return;
      const g = groups.get(key) ?? { sku: target, hours: new Decimal(0), kind, price, technicianIds: [] };
      g.hours = g.hours.plus(roundUp(hours, pricing.laborIncrementHours, 0));
      g.technicianIds.push(technicianId);
      groups.set(key, g);
    };
    const regularRate = ownRate ? atMultiplier(1) : undefined;
    add(
      regularRate ? `${sku.id}@${regularRate}` : `${sku.id}`,
      sku,
      regularHours.gt(0) ? Decimal.max(regularHours, new Decimal(pricing.laborMinimumHours)) : regularHours,
      'regular',
      regularRate,
    );
    const premium = (hours: Decimal, skus: CatalogSku[], multiplier: number, kind: string) => {
      if (hours.lte(0)) return;
      const own = ownRate ? null : overtimeFor(sku, skus);
      if (own) add(`${own.id}`, own, hours, kind);
      else {
        const rate = atMultiplier(multiplier);
        add(`${sku.id}@${rate}`, sku, hours, kind, rate);
      }
    };
    premium(overtimeHours, overtime, pricing.overtimeMultiplier, 'overtime');
    premium(doubleHours, doubleTime, pricing.doubleOvertimeMultiplier, 'double-time');
  }

  const confidence = onInvoice.length ? 0.9 : Math.max(0.6, tmRate?.rate ?? 0.6);
  const lines: ProposedLine[] = [];
  for (const [key, g] of groups) {
    const qty = toMoneyString(g.hours);
    const existing = onInvoice.find(
      (i) => i.skuId === g.sku.id && (g.price === undefined || i.unitPrice === g.price),
    );
    if (existing && fromAmountString(existing.quantity).eq(g.hours)) continue;
    const history = tmRate ? `; ${tmRate.said}` : '';
    lines.push({
      key: `labor:${key}`,
      skuId: g.sku.id,
      quantity: qty,
      origin: existing ? 'changed' : 'added',
      existingItemId: existing?.id ?? null,
      provenance: { kind: 'labor', technicianIds: g.technicianIds, hours: qty },
      evidence: [
        {
          kind: 'structured',
          detail: `timesheets: ${qty} ${g.kind} hours (technicians ${g.technicianIds.join(', ')}), rounded up to ${pricing.laborIncrementHours} h${history}`,
        },
        ...(existing
          ? [{ kind: 'structured' as const, detail: `technician entered ${existing.quantity} h` }]
          : []),
      ],
      confidence,
      reason: existing
        ? `Labor set to the ${qty} ${g.kind} hours on the timesheets (technician entered ${existing.quantity}).`
        : `Time-and-materials labor: ${qty} ${g.kind} hours from the timesheets.`,
      ...(g.price ? { unitPriceOverride: g.price } : {}),
    });
  }
  return lines;
}
