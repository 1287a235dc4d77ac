// ServiceTitan estimates (Sales v2: /estimates, /estimates/export), as the tenant-salestech-v2
// document describes EstimateResponse and EstimateItemResponse. Lenient like the other response
// schemas: fields we rely on are checked, the rest passes through.
import { z } from 'zod';

const decimal = z.union([z.number(), z.string()]).transform((v) => String(v));

export const EstimateSku = z.looseObject({
  id: z.number().int(),
  name: z.string().nullish(),
  displayName: z.string().nullish(),
  type: z.string().nullish(),
});

export const EstimateItem = z.looseObject({
  id: z.number().int(),
  sku: EstimateSku,
  description: z.string().nullish(),
  qty: decimal,
  unitRate: decimal,
  total: decimal,
  chargeable: z.boolean().nullish(),
});
export type EstimateItem = z.infer<typeof EstimateItem>;

export const Estimate = z.looseObject({
  id: z.number().int(),
  jobId: z.number().int().nullish(),
  projectId: z.number().int().nullish(),
  locationId: z.number().int().nullish(),
  name: z.string().nullish(),
  status: z.looseObject({ value: z.number().nullish(), name: z.string() }).nullish(),
  soldOn: z.string().nullish(),
  active: z.boolean().nullish(),
  items: z.array(EstimateItem).nullish(),
  subtotal: decimal.nullish(),
  modifiedOn: z.string().nullish(),
});
export type Estimate = z.infer<typeof Estimate>;

export type EstimateStatus = 'sold' | 'open' | 'dismissed';

/** Sold, open or dismissed; null for a status this code does not know (left out, not guessed). */
export function estimateStatus(estimate: Estimate): EstimateStatus | null {
  const name = estimate.status?.name?.toLowerCase();
  if (name === 'sold' || name === 'open' || name === 'dismissed') return name;
  return null;
}

/** The job's estimates: its own, the one it was created from, and those it lists. */
export function estimatesOfJob(
  job: { id: number; createdFromEstimateId?: number | null; estimateIds?: number[] | null },
  estimates: Estimate[],
): Estimate[] {
  const linked = new Set([
    ...(job.estimateIds ?? []),
    ...(job.createdFromEstimateId ? [job.createdFromEstimateId] : []),
  ]);
  const seen = new Set<number>();
  return estimates.filter((e) => {
    if (seen.has(e.id) || !(e.jobId === job.id || linked.has(e.id))) return false;
    seen.add(e.id);
    return true;
  });
}
