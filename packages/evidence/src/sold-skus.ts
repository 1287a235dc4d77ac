// "Was on a sold estimate", for the history learner: the SKUs of a job's sold estimates, as
// known when the job was completed (an estimate sold later is not part of what the job knew).
import { type Estimate, estimateStatus, estimatesOfJob } from './estimate-schema.ts';

export function soldSkuIdsAt(
  job: { id: number; createdFromEstimateId?: number | null; estimateIds?: number[] | null },
  estimates: Estimate[],
  completedOn: Date,
): number[] {
  const ids = new Set<number>();
  for (const e of estimatesOfJob(job, estimates)) {
    if (estimateStatus(e) !== 'sold' || e.active === false) continue;
    const sold = e.soldOn ? Date.parse(e.soldOn) : Number.NaN;
    if (Number.isFinite(sold) && sold > completedOn.getTime()) continue;
    for (const item of e.items ?? []) if (item.chargeable !== false) ids.add(item.sku.id);
  }
  return [...ids].sort((a, b) => a - b);
}
