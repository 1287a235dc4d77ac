// What the tenant's own history teaches, counted incrementally in time order so that a job is
// only ever judged by what existed before it (no look-ahead):
// - which office-added lines follow which job features (job type, note words, after-hours,
//   technician SKUs): the missed-billable patterns;
// - which SKUs appear on invoices whose notes use which words: note vocabulary → SKU;
// - typical quantities per SKU and labor hours per job type, for outlier flags.

import type { LaborTime } from '../types.ts';

export interface HistoryJobEvent {
  jobId: number;
  completedOn: string;
  jobTypeId: number | null;
  features: string[];
  laborHours: number | null;
  /** The job's visits, timesheets and paid working hours (labor conventions), when mirrored. */
  time?: LaborTime | null;
}

export interface HistoryLineEvent {
  jobId: number;
  skuId: number;
  quantity: number;
  createdOn: string;
  officeAdded: boolean;
  /** Features of the job this line belongs to. */
  features: string[];
}

export interface LearnedRule {
  skuId: number;
  feature: string;
  /** Jobs with the feature where the office added the SKU. */
  support: number;
  /** Jobs with the feature where the technician had not billed it. */
  opportunities: number;
  confidence: number;
  /** How much more often than the SKU's base rate. */
  lift: number;
}

/** Wilson score interval (one-sided 95% each way) of a rate of `hits` in `n`. */
function wilson(hits: number, n: number, z: number): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 1 };
  const p = hits / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    low: Math.max(0, (centre - margin) / (1 + z2 / n)),
    high: Math.min(1, (centre + margin) / (1 + z2 / n)),
  };
}

/** The least a rate could plausibly be. */
export function wilsonLowerBound(hits: number, n: number, z = 1.645): number {
  return wilson(hits, n, z).low;
}

/** The most a rate could plausibly be. */
export function wilsonUpperBound(hits: number, n: number, z = 1.645): number {
  return wilson(hits, n, z).high;
}

/** One past job as the policy learner sees it: what was known at completion and what was billed. */
export interface JobRecord {
  jobId: number;
  /** ms since epoch; NaN until the job's completion event arrives. */
  completedAt: number;
  features: string[];
  /** SKU → quantity the technician entered. */
  technician: Map<number, number>;
  /** SKU → quantity the office added after completion. */
  office: Map<number, number>;
  /** The job's recorded time (HistoryJobEvent.time), when known. */
  time?: LaborTime | null;
}

class Reservoir {
  readonly values: number[] = [];
  seen = 0;
  private state = 0x9e3779b9;
  constructor(private readonly size = 200) {}
  add(v: number) {
    this.seen += 1;
    if (this.values.length < this.size) this.values.push(v);
    else {
      // A fixed-seed generator keeps results reproducible run to run.
      this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
      const slot = this.state % this.seen;
      if (slot < this.size) this.values[slot] = v;
    }
  }
  quantile(q: number): number | null {
    if (!this.values.length) return null;
    const sorted = [...this.values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))]!;
  }
}

interface SkuCounts {
  jobs: number;
  byFeature: Map<string, number>;
  seenJobs: Set<number>;
  quantities: Reservoir;
}

function skuCounts(): SkuCounts {
  return { jobs: 0, byFeature: new Map(), seenJobs: new Set(), quantities: new Reservoir() };
}

export class HistoryModel {
  /** Everything up to and including this instant has been applied (ms since epoch). */
  asOf = Number.NEGATIVE_INFINITY;
  jobs = 0;
  readonly featureJobs = new Map<string, number>();
  readonly officeAdds = new Map<number, SkuCounts>();
  readonly technicianLines = new Map<number, SkuCounts>();
  readonly laborByJobType = new Map<number, Reservoir>();
  /** Per feature: past jobs where the office had to add at least one line afterwards. */
  readonly correctedJobs = new Map<string, number>();
  private readonly corrected = new Set<number>();
  /** Every past job, for learners that need rows rather than counts (history/policy.ts). */
  readonly records = new Map<number, JobRecord>();
  /** How long after completion the office added lines (ms), for when a job's invoice settles. */
  readonly officeLags: number[] = [];
  /** Bumped whenever events are applied, so derived learners know when to retrain. */
  version = 0;
  /** One value per key, with the inputs it was computed from (see memo). */
  private derived: { key: string; inputs: string; value: unknown }[] = [];

  /**
   * A value computed from the model, kept while what it reads stays the same: the events (the
   * version) and, for a value that reads more than them, `reads` (learned policies read the date
   * through the jobs settled by then). Moving to a later date with no new events keeps every
   * value whose `reads` does not change.
   */
  memo<T>(key: string, compute: () => T, reads = ''): T {
    const inputs = `${this.version}|${reads}`;
    const hit = this.derived.find((d) => d.key === key && d.inputs === inputs);
    if (hit) return hit.value as T;
    const value = compute();
    this.derived = [...this.derived.filter((d) => d.key !== key), { key, inputs, value }];
    return value;
  }

  private record(jobId: number, features: string[]): JobRecord {
    let r = this.records.get(jobId);
    if (!r) {
      r = { jobId, completedAt: Number.NaN, features, technician: new Map(), office: new Map() };
      this.records.set(jobId, r);
    }
    return r;
  }

  /** Share of past jobs billed the SKU (either way). */
  skuShare(sku: number): number {
    return this.records.size ? (this.skuJobs().get(sku)?.size ?? 0) / this.records.size : 0;
  }

  private skuJobs(): Map<number, Set<number>> {
    return this.memo('sku-jobs', () => {
      const bySku = new Map<number, Set<number>>();
      for (const r of this.records.values())
        for (const id of [...r.technician.keys(), ...r.office.keys()]) {
          const set = bySku.get(id) ?? new Set<number>();
          set.add(r.jobId);
          bySku.set(id, set);
        }
      return bySku;
    });
  }

  /** Of past jobs billed `given` (either way), the share also billed any SKU that `matches`. */
  alsoBilled(given: number, matches: (skuId: number) => boolean): { rate: number; jobs: number } {
    const withGiven = this.skuJobs().get(given);
    if (!withGiven?.size) return { rate: 0, jobs: 0 };
    let hits = 0;
    for (const id of withGiven) {
      const r = this.records.get(id);
      if (r && [...r.technician.keys(), ...r.office.keys()].some((sku) => sku !== given && matches(sku)))
        hits += 1;
    }
    return { rate: hits / withGiven.size, jobs: withGiven.size };
  }

  /**
   * What the shop billed when its notes said these words: the past jobs whose notes used every
   * one of them in billable work, and per SKU how many of those jobs carried it (either way).
   * With `within` (a feature such as "jt:7"), only the past jobs that have it.
   */
  phraseUsage(words: readonly string[], within?: string): { jobs: number; billed: Map<number, number> } {
    const billed = new Map<number, number>();
    const index = this.memo('word-jobs', () => {
      const byWord = new Map<string, Set<number>>();
      for (const r of this.records.values())
        for (const f of r.features)
          if (f.startsWith('w:')) {
            const set = byWord.get(f) ?? new Set<number>();
            set.add(r.jobId);
            byWord.set(f, set);
          }
      return byWord;
    });
    const sets = [...new Set(words)].map((w) => index.get(`w:${w}`) ?? new Set<number>());
    if (!sets.length) return { jobs: 0, billed };
    sets.sort((a, b) => a.size - b.size);
    const others = sets.slice(1);
    let jobs = 0;
    for (const id of sets[0]!) {
      if (!others.every((s) => s.has(id))) continue;
      const r = this.records.get(id)!;
      if (within !== undefined && !r.features.includes(within)) continue;
      jobs += 1;
      for (const sku of new Set([...r.technician.keys(), ...r.office.keys()]))
        billed.set(sku, (billed.get(sku) ?? 0) + 1);
    }
    return { jobs, billed };
  }

  /** Of past jobs billed `given` (either way), how many were also billed `sku`. */
  pairRate(given: number, sku: number): { rate: number; jobs: number } {
    const index = this.skuJobs();
    const withGiven = index.get(given);
    if (!withGiven?.size) return { rate: 0, jobs: 0 };
    const withSku = index.get(sku);
    let both = 0;
    if (withSku) for (const id of withGiven) if (withSku.has(id)) both += 1;
    return { rate: both / withGiven.size, jobs: withGiven.size };
  }

  applyJob(event: HistoryJobEvent): void {
    const record = this.record(event.jobId, event.features);
    record.features = event.features;
    record.completedAt = Date.parse(event.completedOn);
    record.time = event.time ?? null;
    this.jobs += 1;
    for (const f of new Set(event.features)) this.featureJobs.set(f, (this.featureJobs.get(f) ?? 0) + 1);
    if (event.jobTypeId !== null && event.laborHours !== null && event.laborHours > 0) {
      let r = this.laborByJobType.get(event.jobTypeId);
      if (!r) {
        r = new Reservoir();
        this.laborByJobType.set(event.jobTypeId, r);
      }
      r.add(event.laborHours);
    }
  }

  applyLine(event: HistoryLineEvent): void {
    const record = this.record(event.jobId, event.features);
    const side = event.officeAdded ? record.office : record.technician;
    side.set(event.skuId, (side.get(event.skuId) ?? 0) + event.quantity);
    if (event.officeAdded && Number.isFinite(record.completedAt) && this.officeLags.length < 5000)
      this.officeLags.push(Date.parse(event.createdOn) - record.completedAt);
    if (event.officeAdded && !this.corrected.has(event.jobId)) {
      this.corrected.add(event.jobId);
      for (const f of new Set(event.features))
        this.correctedJobs.set(f, (this.correctedJobs.get(f) ?? 0) + 1);
    }
    const table = event.officeAdded ? this.officeAdds : this.technicianLines;
    let counts = table.get(event.skuId);
    if (!counts) {
      counts = skuCounts();
      table.set(event.skuId, counts);
    }
    counts.quantities.add(event.quantity);
    if (counts.seenJobs.has(event.jobId)) return;
    counts.seenJobs.add(event.jobId);
    counts.jobs += 1;
    for (const f of new Set(event.features)) counts.byFeature.set(f, (counts.byFeature.get(f) ?? 0) + 1);
  }

  /** Apply events in time order up to `until` (inclusive). */
  advance(until: number, jobs: HistoryJobEvent[], lines: HistoryLineEvent[]): void {
    const events: { at: number; apply: () => void }[] = [
      ...jobs.map((j) => ({ at: Date.parse(j.completedOn), apply: () => this.applyJob(j) })),
      ...lines.map((l) => ({ at: Date.parse(l.createdOn), apply: () => this.applyLine(l) })),
    ].filter((e) => e.at > this.asOf && e.at <= until);
    events.sort((a, b) => a.at - b.at);
    for (const e of events) e.apply();
    if (events.length) this.version += 1;
    this.asOf = Math.max(this.asOf, until);
  }

  /** Share of past jobs with `feature` whose invoice carried the SKU (either way). */
  skuRate(skuId: number, feature: string): { rate: number; jobs: number } {
    const jobs = this.featureJobs.get(feature) ?? 0;
    if (!jobs) return { rate: 0, jobs: 0 };
    const office = this.officeAdds.get(skuId)?.byFeature.get(feature) ?? 0;
    const tech = this.technicianLines.get(skuId)?.byFeature.get(feature) ?? 0;
    return { rate: Math.min(1, (office + tech) / jobs), jobs };
  }

  /**
   * The chance the office had to add the SKU when the technician had not billed it, for jobs
   * with `feature` (Laplace-smoothed): what a rule should believe about adding it now.
   */
  addRate(skuId: number, feature: string): { rate: number; opportunities: number } {
    const jobs = this.featureJobs.get(feature) ?? 0;
    const office = this.officeAdds.get(skuId)?.byFeature.get(feature) ?? 0;
    const tech = this.technicianLines.get(skuId)?.byFeature.get(feature) ?? 0;
    const opportunities = Math.max(office, jobs - tech);
    return { rate: (office + 0.5) / (opportunities + 1), opportunities };
  }

  /** Office-add patterns that apply to a job with these features, best first. */
  officeAddRules(features: string[], minSupport: number): LearnedRule[] {
    const out: LearnedRule[] = [];
    const featureSet = new Set(features);
    // Only SKUs the office added on jobs with one of these features can have a rule.
    const addedWith = this.officeAddsByFeature();
    const candidates = new Set<number>();
    for (const f of featureSet) for (const skuId of addedWith.get(f) ?? []) candidates.add(skuId);
    for (const [skuId, adds] of this.officeAdds) {
      if (minSupport >= 1 && !candidates.has(skuId)) continue;
      let best: LearnedRule | null = null;
      const baseOpportunities = Math.max(1, this.jobs - (this.technicianLines.get(skuId)?.jobs ?? 0));
      const baseRate = adds.jobs / baseOpportunities;
      const technicianHad = this.technicianLines.get(skuId)?.byFeature;
      for (const f of featureSet) {
        const support = adds.byFeature.get(f) ?? 0;
        if (support < minSupport) continue;
        const withFeature = this.featureJobs.get(f) ?? 0;
        const opportunities = Math.max(support, withFeature - (technicianHad?.get(f) ?? 0));
        // The lower bound of the rate, not the rate: of the many features a job has, the one
        // with the best-looking rate is partly lucky, and small samples must not claim certainty.
        const confidence = wilsonLowerBound(support, opportunities);
        // A rule is built only when it beats the best so far (this runs per SKU and feature).
        if (
          best &&
          !(confidence > best.confidence || (confidence === best.confidence && support > best.support))
        )
          continue;
        best = {
          skuId,
          feature: f,
          support,
          opportunities,
          confidence,
          lift: baseRate ? confidence / baseRate : 1,
        };
      }
      if (best) out.push(best);
    }
    return out.sort((a, b) => b.confidence - a.confidence);
  }

  /** Per feature, the SKUs the office added on jobs with it. */
  private officeAddsByFeature(): Map<string, number[]> {
    return this.memo('office-adds-by-feature', () => {
      const index = new Map<string, number[]>();
      for (const [skuId, adds] of this.officeAdds)
        for (const [f, n] of adds.byFeature) {
          if (!n) continue;
          const list = index.get(f);
          if (list) list.push(skuId);
          else index.set(f, [skuId]);
        }
      return index;
    });
  }

  /**
   * Votes for SKUs from note words: for each word, the share of past jobs whose notes used it
   * and whose invoice carried the SKU. Returns the strongest word per SKU.
   */
  wordVotes(words: string[], minJobs = 3): Map<number, { score: number; word: string; jobs: number }> {
    const votes = new Map<number, { score: number; word: string; jobs: number }>();
    const billedByWord = this.billedByWord();
    for (const word of new Set(words)) {
      const feature = `w:${word}`;
      const jobs = this.featureJobs.get(feature) ?? 0;
      if (jobs < minJobs) continue;
      for (const { skuId, n } of billedByWord.get(feature) ?? []) {
        const score = n / jobs;
        const prev = votes.get(skuId);
        if (!prev || score > prev.score) votes.set(skuId, { score: Math.min(1, score), word, jobs });
      }
    }
    return votes;
  }

  /**
   * Per note word, the SKUs billed on jobs whose notes used it and on how many: the technicians'
   * lines, then the office's, each in its table's order (wordVotes reads them in that order).
   */
  private billedByWord(): Map<string, { skuId: number; n: number }[]> {
    return this.memo('billed-by-word', () => {
      const index = new Map<string, { skuId: number; n: number }[]>();
      for (const table of [this.technicianLines, this.officeAdds])
        for (const [skuId, counts] of table)
          for (const [feature, n] of counts.byFeature) {
            if (!feature.startsWith('w:') || !n) continue;
            const list = index.get(feature);
            if (list) list.push({ skuId, n });
            else index.set(feature, [{ skuId, n }]);
          }
      return index;
    });
  }

  /**
   * How often past jobs with these features needed the office to add something: the most
   * specific of `contextFeatures` with enough history, and the worst of the technicians'
   * own records (some technicians forget more than others).
   */
  correctionRate(
    contextFeatures: string[],
    technicianFeatures: string[],
    minJobs = 5,
  ): { rate: number; basis: string } | null {
    const rate = (f: string) => {
      const jobs = this.featureJobs.get(f) ?? 0;
      return jobs >= minJobs ? (this.correctedJobs.get(f) ?? 0) / jobs : null;
    };
    let best: { rate: number; basis: string } | null = null;
    for (const f of contextFeatures) {
      const r = rate(f);
      if (r !== null) {
        best = { rate: r, basis: f };
        break;
      }
    }
    for (const f of technicianFeatures) {
      const r = rate(f);
      if (r !== null && (!best || r > best.rate)) best = { rate: r, basis: f };
    }
    return best;
  }

  /**
   * The chance that the office will still add something to this invoice. For the most specific
   * of `features` with enough history: how often such jobs needed the office to add anything,
   * times the share of what it used to add (expected lines, by SKU, each at its rate when the
   * technician had not billed it) that is not on the draft already. `skip` leaves out SKUs whose
   * need is judged from direct signals instead (an appointment time, the notes).
   */
  missingRisk(
    features: string[],
    present: Set<number>,
    skip: Set<number> = new Set(),
    minJobs = 5,
  ): { risk: number; basis: string | null; top: { skuId: number; rate: number }[] } {
    const feature = features.find((f) => (this.featureJobs.get(f) ?? 0) >= minJobs);
    // No jobs like this one yet: the shop's record overall, or, for a shop we have not seen
    // enough of, no assurance at all (a cold start must not look certain).
    if (!feature) return { risk: wilsonUpperBound(this.corrected.size, this.jobs), basis: null, top: [] };
    const jobs = this.featureJobs.get(feature)!;
    // The share of such jobs the office corrected, as high as the evidence allows: few jobs, less assurance.
    const corrected = wilsonUpperBound(this.correctedJobs.get(feature) ?? 0, jobs);
    let expected = 0;
    let remaining = 0;
    const top: { skuId: number; rate: number }[] = [];
    for (const [skuId, adds] of this.officeAdds) {
      const office = adds.byFeature.get(feature) ?? 0;
      if (!office) continue;
      const tech = this.technicianLines.get(skuId)?.byFeature.get(feature) ?? 0;
      const rate = office / (Math.max(office, jobs - tech) + 1);
      expected += rate;
      if (present.has(skuId) || skip.has(skuId)) continue;
      remaining += rate;
      top.push({ skuId, rate });
    }
    top.sort((a, b) => b.rate - a.rate);
    const risk = expected > 0 ? corrected * (remaining / expected) : corrected;
    return { risk, basis: feature, top: top.slice(0, 5) };
  }

  quantityStats(skuId: number): { median: number; p95: number; n: number } | null {
    const values: number[] = [];
    let n = 0;
    for (const table of [this.technicianLines, this.officeAdds]) {
      const r = table.get(skuId)?.quantities;
      if (r) {
        values.push(...r.values);
        n += r.seen;
      }
    }
    if (!values.length) return null;
    values.sort((a, b) => a - b);
    const at = (q: number) => values[Math.min(values.length - 1, Math.floor(q * (values.length - 1) + 0.5))]!;
    return { median: at(0.5), p95: at(0.95), n };
  }

  officeQuantity(skuId: number): number | null {
    return this.officeAdds.get(skuId)?.quantities.quantile(0.5) ?? null;
  }

  /** The quantity the office most often added of a SKU, and how often it was exactly that. */
  officeQuantityMode(skuId: number): { quantity: number; share: number; n: number } | null {
    const values = this.officeAdds.get(skuId)?.quantities.values;
    if (!values?.length) return null;
    const counts = new Map<number, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    const [quantity, n] = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]!;
    return { quantity, share: n / values.length, n: values.length };
  }

  laborNorm(jobTypeId: number): { median: number; p90: number; n: number } | null {
    const r = this.laborByJobType.get(jobTypeId);
    if (!r?.values.length) return null;
    return { median: r.quantile(0.5)!, p90: r.quantile(0.9)!, n: r.seen };
  }
}
