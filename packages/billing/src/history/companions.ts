// Parts that go with a task: on the shop's final invoices, nearly every job billed the task also
// carried the part, one for one ("Replace Angle Stop" ×3 with three BrassCraft stops). Where the
// technician leaves the part off, the office adds it. The policy tree cannot learn this when the
// office has had to do so only a few times (a split needs rows on both sides); the task's own
// record on the final invoices says it plainly, and the office's few additions confirm it.
import type { HistoryModel, JobRecord } from './model.ts';
import { settledPartsKey, settledRecords } from './policy.ts';

export interface CompanionPart {
  task: number;
  part: number;
  /** Settled past jobs whose final invoice billed the task. */
  jobs: number;
  /** Of those, how many billed the part too, and how many at the task's quantity. */
  together: number;
  sameQuantity: number;
  /** Jobs whose technician billed the task but not the part, and how many the office completed. */
  opportunities: number;
  adds: number;
  /** The chance the office adds the part when the technician billed the task alone. */
  p: number;
}

export const COMPANION_OPTIONS = {
  /** Fewest past jobs with the task on the final invoice. */
  minJobs: 8,
  /** Share of them that also carried the part. */
  together: 0.95,
  /** Share of those that carried it at the task's quantity. */
  sameQuantity: 0.9,
  /** Pseudo-jobs at the "together" rate that the office's own record is shrunk toward. */
  prior: 2,
  /** Least chance kept. */
  minP: 0.5,
};

function finalQuantities(r: JobRecord): Map<number, number> {
  const all = new Map(r.technician);
  for (const [sku, q] of r.office) all.set(sku, (all.get(sku) ?? 0) + q);
  return all;
}

export function learnCompanions(
  records: readonly JobRecord[],
  isPart: (skuId: number) => boolean,
  o = COMPANION_OPTIONS,
): Map<number, CompanionPart[]> {
  const finals = records.map((r) => ({ r, all: finalQuantities(r) }));
  const byTask = new Map<number, typeof finals>();
  for (const f of finals)
    for (const sku of f.all.keys()) {
      const list = byTask.get(sku) ?? [];
      list.push(f);
      byTask.set(sku, list);
    }
  const out = new Map<number, CompanionPart[]>();
  for (const [task, jobs] of byTask) {
    if (jobs.length < o.minJobs) continue;
    const together = new Map<number, { n: number; same: number }>();
    for (const { all } of jobs) {
      const q = all.get(task)!;
      for (const [part, pq] of all) {
        if (part === task || !isPart(part)) continue;
        const c = together.get(part) ?? { n: 0, same: 0 };
        c.n += 1;
        if (Math.abs(pq - q) < 1e-9) c.same += 1;
        together.set(part, c);
      }
    }
    for (const [part, c] of together) {
      if (c.n < o.together * jobs.length || c.same < o.sameQuantity * c.n) continue;
      let opportunities = 0;
      let adds = 0;
      for (const { r } of jobs) {
        if (!r.technician.has(task) || r.technician.has(part)) continue;
        opportunities += 1;
        if (r.office.has(part)) adds += 1;
      }
      const p = (adds + (o.prior * c.n) / jobs.length) / (opportunities + o.prior);
      if (p < o.minP) continue;
      const list = out.get(task) ?? [];
      list.push({
        task,
        part,
        jobs: jobs.length,
        together: c.n,
        sameQuantity: c.same,
        opportunities,
        adds,
        p,
      });
      out.set(task, list);
    }
  }
  return out;
}

/** The shop's companion parts, kept with the model while its settled jobs and parts are the same. */
export function shopCompanions(
  model: HistoryModel,
  isPart: (skuId: number) => boolean,
): Map<number, CompanionPart[]> {
  return model.memo(
    'companions',
    () => learnCompanions(settledRecords(model), isPart),
    settledPartsKey(model, isPart),
  );
}
