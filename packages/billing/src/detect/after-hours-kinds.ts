// Which kinds of job a shop bills an after-hours premium on. Shops bill it on service calls and
// not on maintenance, replacements or time-and-materials work (which bills overtime labor
// instead), so "this appointment started after hours" is not enough: the shop's own after-hours
// jobs of this kind must carry it too.
import { type HistoryModel, wilsonUpperBound } from '../history/model.ts';
import { settledCount, settledRecords } from '../history/policy.ts';

/** When a past job's start counted as after hours, read from its start features. */
export interface AfterHoursWindow {
  /** Weekday start hours (0–23) that are after hours. */
  hours: Set<number>;
  weekend: boolean;
}

/** Past after-hours jobs per "jobs like this one" feature, and how many carried a premium. */
type KindCounts = Map<string, { jobs: number; carried: number }>;

function kindCounts(model: HistoryModel, window: AfterHoursWindow, premiumSkuIds: number[]): KindCounts {
  const key = `${[...window.hours].sort((a, b) => a - b).join(',')}|${window.weekend}|${premiumSkuIds.join(',')}`;
  return model.memo(
    'after-hours-kinds',
    () => {
      const counts: KindCounts = new Map();
      for (const r of settledRecords(model)) {
        let weekend = false;
        let hour = -1;
        for (const f of r.features) {
          if (f === 'day:weekend') weekend = true;
          else if (/^h:\d+$/.test(f)) hour = Number(f.slice(2));
        }
        if (!((weekend && window.weekend) || window.hours.has(hour))) continue;
        const carried = premiumSkuIds.some((id) => r.technician.has(id) || r.office.has(id));
        for (const f of r.features) {
          if (!f.startsWith('jt:') && !f.startsWith('bu:')) continue;
          const c = counts.get(f) ?? { jobs: 0, carried: 0 };
          c.jobs += 1;
          if (carried) c.carried += 1;
          counts.set(f, c);
        }
      }
      return counts;
    },
    `${settledCount(model)}|${key}`,
  );
}

/** Fewer past after-hours jobs of a kind than this say nothing about it. */
const MIN_KIND_JOBS = 3;

/**
 * Whether the shop's past after-hours jobs of this kind (the most specific of `similarJobs` with
 * enough of them) show that it does not bill the premium on such work: even the most the rate
 * could plausibly be is under one half. Null when history says nothing either way.
 */
export function kindWithoutPremium(
  model: HistoryModel,
  window: AfterHoursWindow,
  premiumSkuIds: number[],
  similarJobs: string[],
): { feature: string; jobs: number; carried: number } | null {
  const counts = kindCounts(model, window, premiumSkuIds);
  for (const feature of similarJobs) {
    const c = counts.get(feature);
    if (!c || c.jobs < MIN_KIND_JOBS) continue;
    return wilsonUpperBound(c.carried, c.jobs) < 0.5 ? { feature, ...c } : null;
  }
  return null;
}
