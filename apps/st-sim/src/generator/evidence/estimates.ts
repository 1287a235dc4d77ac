// Estimates linked to the generated jobs, built from what was finally billed so that billing
// ground truth does not move. Sold: install jobs, and some repairs sold on site, list the job's
// sellable items as the office finally billed them; an office-added item of a kind estimates
// carry (materials, refrigerant, permit, disposal, a repair service) was on the sold estimate
// most of the time, which makes it "sold but not invoiced" by the technician. Dismissed: the
// items a note says the customer declined, and for some installs the other equipment option.
// Open: items the customer deferred.
import type { Invoice, InvoiceItem, Job } from '@invoicer/servicetitan';
import { Sequence } from '../ids.ts';
import { JOB_TYPES } from '../org.ts';
import { Rng } from '../rng.ts';
import type { JobTruth } from '../types.ts';
import type { EstimateJobTruth, SoldNotInvoicedTruth } from './types.ts';

/** Office-added categories a sold estimate lists (fees like trip charges or labor hours it does not). */
const ESTIMATED_CATEGORIES = new Set([
  'materials',
  'refrigerant',
  'permit',
  'disposal',
  'service_from_notes',
]);
/** Probability a completed job of each class has a sold estimate. */
const SOLD_RATE: Record<string, number> = { install: 0.9, repair: 0.3, emergency: 0.2, diagnostic: 0.25 };
/** Probability that an office-added item of an estimated category was on the sold estimate. */
const ON_ESTIMATE = 0.85;
const STATUS = { Open: 0, Sold: 1, Dismissed: 2 } as const;

export interface SkuRef {
  id: number;
  code: string;
  displayName: string;
  type: string;
  price: number;
  account: string | null;
  soldHours: number;
}

interface EstimateItemRecord {
  id: number;
  sku: { id: number; name: string; displayName: string; type: string; soldHours: number };
  skuAccount: string | null;
  description: string;
  membershipTypeId: null;
  qty: number;
  unitRate: number;
  total: number;
  unitCost: number;
  totalCost: number;
  itemGroupName: null;
  itemGroupRootId: null;
  createdOn: string;
  modifiedOn: string;
  chargeable: boolean;
}

export interface EstimateRecord {
  [key: string]: unknown;
  id: number;
  jobId: number;
  status: { value: number; name: 'Open' | 'Sold' | 'Dismissed' };
  items: EstimateItemRecord[];
  modifiedOn: string;
}

const money = (n: number) => Math.round(n * 100) / 100;

export function generateEstimates(
  seed: number,
  jobs: readonly Job[],
  invoices: readonly Invoice[],
  truth: readonly JobTruth[],
  skus: ReadonlyMap<number, SkuRef>,
): { estimates: EstimateRecord[]; truth: EstimateJobTruth[] } {
  const jobById = new Map(jobs.map((j) => [j.id, j]));
  const invoiceById = new Map(invoices.map((i) => [i.id, i]));
  const classOf = new Map(JOB_TYPES.map((t) => [t.id, t.cls]));
  const estimateIds = new Sequence(21_000_000);
  const itemIds = new Sequence(22_000_000);
  const estimates: EstimateRecord[] = [];
  const out: EstimateJobTruth[] = [];

  for (const t of truth) {
    const job = jobById.get(t.jobId);
    const invoice = invoiceById.get(t.invoiceId);
    if (!job?.completedOn || !invoice) continue;
    const rng = Rng.derive(seed, 'evidence', t.jobId);
    const completed = Date.parse(job.completedOn);
    const created = Date.parse(job.createdOn ?? job.completedOn);
    const stamp = (ms: number) => new Date(ms).toISOString();
    const item = (sku: SkuRef, qty: number, unitRate: number, total: number, at: string) => ({
      id: itemIds.next(rng, 2),
      sku: {
        id: sku.id,
        name: sku.code,
        displayName: sku.displayName,
        type: sku.type,
        soldHours: sku.soldHours,
      },
      skuAccount: sku.account,
      description: `<p>${sku.displayName}</p>`,
      membershipTypeId: null,
      qty,
      unitRate,
      total,
      unitCost: 0,
      totalCost: 0,
      itemGroupName: null,
      itemGroupRootId: null,
      createdOn: at,
      modifiedOn: at,
      chargeable: true,
    });
    const estimate = (
      name: string,
      status: keyof typeof STATUS,
      items: EstimateItemRecord[],
      at: number,
      soldOn: number | null,
    ): EstimateRecord => ({
      id: estimateIds.next(rng, 3),
      jobId: job.id,
      projectId: null,
      locationId: job.locationId,
      customerId: job.customerId,
      name,
      jobNumber: job.jobNumber,
      status: { value: STATUS[status], name: status },
      reviewStatus: 'None',
      summary: `<p>${name}</p>`,
      soldOn: soldOn === null ? null : stamp(soldOn),
      soldBy: soldOn === null ? null : (job.soldById ?? null),
      createdOn: stamp(at),
      modifiedOn: stamp(soldOn ?? at),
      active: true,
      items,
      externalLinks: [],
      subtotal: money(items.reduce((a, i) => a + i.total, 0)),
      tax: 0,
      businessUnitId: job.businessUnitId,
    });
    const jobTruth: EstimateJobTruth = { jobId: job.id, estimates: [], soldNotInvoiced: [] };
    const add = (e: EstimateRecord) => {
      estimates.push(e);
      jobTruth.estimates.push({ id: e.id, status: e.status.name });
    };
    const cls = classOf.get(job.jobTypeId) ?? 'repair';
    // Sold: on the visit for a repair, some hours after booking for an install.
    if (rng.chance(SOLD_RATE[cls] ?? 0)) {
      const at =
        cls === 'install' ? created + rng.int(1, 20) * 3_600_000 : completed - rng.int(20, 90) * 60_000;
      const soldOn = Math.min(at + rng.int(5, 240) * 60_000, completed - 60_000);
      const missed = new Map(t.missed.map((m) => [m.itemId, m]));
      // An office item of a SKU the technician billed too is a quantity change, not a missing line.
      const techSkus = new Set(
        (invoice.items ?? []).filter((i) => !missed.has(i.id) && i.active !== false).map((i) => i.skuId),
      );
      const items: EstimateItemRecord[] = [];
      const sold: SoldNotInvoicedTruth[] = [];
      for (const line of (invoice.items ?? []).filter((i) => i.active !== false)) {
        const sku = line.skuId ? skus.get(line.skuId) : undefined;
        if (!sku || Number(line.total) <= 0) continue;
        const office = missed.get(line.id);
        const onEstimate = office
          ? ESTIMATED_CATEGORIES.has(office.category) && rng.chance(ON_ESTIMATE)
          : sellable(line) && rng.chance(0.97);
        if (!onEstimate) continue;
        const row = item(sku, Number(line.quantity), Number(line.price), Number(line.total), stamp(at));
        items.push(row);
        if (office && !techSkus.has(line.skuId))
          sold.push({
            estimateId: 0,
            estimateItemId: row.id,
            skuId: sku.id,
            skuCode: sku.code,
            quantity: line.quantity,
            total: line.total,
            officeItemId: office.itemId,
            category: office.category,
          });
      }
      if (items.length) {
        const e = estimate(
          cls === 'install' ? `${invoice.job?.type ?? 'Install'} proposal` : 'Repair options',
          'Sold',
          items,
          at,
          soldOn,
        );
        add(e);
        jobTruth.soldNotInvoiced = sold.map((s) => ({ ...s, estimateId: e.id }));
        const other = cls === 'install' ? otherOption(rng, items, skus, () => itemIds.next(rng, 2)) : null;
        if (other) add(estimate('Alternative system', 'Dismissed', other, at, null));
      }
    }
    // A note's declined or deferred items were offered on an estimate of their own.
    for (const [kind, status] of [
      ['declined', 'Dismissed'],
      ['deferred', 'Open'],
    ] as const) {
      const offered = t.mentions.flatMap((m) => (m.kind === kind && m.skuId ? [skus.get(m.skuId)!] : []));
      const unique = [...new Map(offered.filter(Boolean).map((s) => [s.id, s])).values()];
      if (!unique.length) continue;
      const at = completed - rng.int(15, 60) * 60_000;
      add(
        estimate(
          kind === 'declined' ? 'Recommended repairs' : 'Follow-up options',
          status,
          unique.map((s) => item(s, 1, s.price, s.price, stamp(at))),
          at,
          null,
        ),
      );
    }
    if (jobTruth.estimates.length) out.push(jobTruth);
  }
  return { estimates, truth: out };
}

/** Sellable on an estimate: equipment, parts and repair services; not labor hours or fees. */
function sellable(line: InvoiceItem): boolean {
  if (line.type === 'Equipment' || line.type === 'Material') return !/^MAT-SUP-/.test(line.skuName ?? '');
  if (line.type === 'Service') return !/^LAB-|-DIAG-|^HV-TUNE|^PL-TRIP/.test(line.skuName ?? '');
  return /^FEE-(PERMIT-|DISP-(EQ|WH)$)/.test(line.skuName ?? '');
}

/** The other equipment option of an install (another SKU of the same family), when there is one. */
function otherOption(
  rng: Rng,
  items: EstimateItemRecord[],
  skus: ReadonlyMap<number, SkuRef>,
  nextItemId: () => number,
) {
  if (!rng.chance(0.35)) return null;
  let swapped = false;
  const out = items.map((i) => {
    if (i.sku.type !== 'Equipment') return { ...i, id: nextItemId() };
    const family = i.sku.name.split('-').slice(0, 2).join('-');
    const options = [...skus.values()].filter(
      (s) => s.type === 'Equipment' && s.id !== i.sku.id && s.code.startsWith(`${family}-`),
    );
    if (!options.length) return i;
    const s = rng.pick(options);
    swapped = true;
    return {
      ...i,
      id: nextItemId(),
      sku: { id: s.id, name: s.code, displayName: s.displayName, type: s.type, soldHours: s.soldHours },
      description: `<p>${s.displayName}</p>`,
      unitRate: s.price,
      total: money(s.price * i.qty),
    };
  });
  return swapped ? out : null;
}
