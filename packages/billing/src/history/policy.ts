// The shop's billing policy, learned from its own history: for every SKU the office adds after
// completion, a shallow decision tree over the job's features at completion says *when* it is
// added (when the technician had not billed it), and a quantity rule says how many. Only jobs
// whose invoices have settled count (the office adds a few days later), and only jobs before the
// model's cutoff, so the policy is time-respecting like the rest of the history model.
import { type HistoryModel, type JobRecord, wilsonUpperBound } from './model.ts';
import {
  criticalG,
  DEFAULT_TREE_OPTIONS,
  FeatureIndex,
  featureCounts,
  growTree,
  gStatistic,
  leafOf,
  type TreeLeaf,
  type TreeNode,
  type TreePrediction,
  type TreeRow,
  treeLeaves,
  walkTree,
} from './policy-tree.ts';

export type QuantityRule =
  | { kind: 'constant'; value: number; share: number }
  | { kind: 'appointments'; share: number }
  | { kind: 'technicians'; share: number };

export interface SkuPolicy {
  skuId: number;
  tree: TreeNode;
  /** Per "jobs like this" context (job type, its combinations, business unit): adds / opportunities. */
  contexts: Map<string, { adds: number; n: number }>;
  /** Per context, settled jobs whose technician billed the SKU / jobs. */
  billed: BilledCounts;
  /** Settled past jobs where the technician had not billed the SKU. */
  opportunities: number;
  /** Of those, how many the office added it to. */
  adds: number;
  quantity: QuantityRule;
  /** SKUs the office itself adds (shared by the shop's policies; see workFeatures). */
  officeSkus: ReadonlySet<number>;
  /** When technicians bill the SKU themselves, by the job's situation (see situationTree). */
  technicianTree: TreeNode | null;
  /**
   * Per leaf of the office tree, then per leaf of the technician tree, the office's record on
   * the jobs whose technician had not billed the SKU (see situationOfficeRate).
   */
  situationAdds: Map<TreeLeaf, Map<TreeLeaf, { open: number; adds: number }>>;
  /** The fewest office additions the learner counted as a policy (PolicyOptions.minAdds). */
  minAdds: number;
}

export interface PolicyPrediction {
  skuId: number;
  /** The chance the office adds it to this job (shrunk leaf rate). */
  p: number;
  n: number;
  positives: number;
  path: { feature: string; present: boolean }[];
  /**
   * Which record decided: the office tree's leaf, or the office's record in the job's
   * situation (situationOfficeRate), whose path is the technician tree's.
   */
  source: 'office' | 'situation';
  quantity: number;
  quantityShare: number;
  policy: SkuPolicy;
}

export interface PolicyOptions {
  /** Fewest settled office additions of a SKU before a policy is learned for it. */
  minAdds: number;
  /** Fewest settled opportunities. */
  minOpportunities: number;
}

export const DEFAULT_POLICY_OPTIONS: PolicyOptions = { minAdds: 3, minOpportunities: 20 };

const DAY_MS = 24 * 3600_000;

/** How long after completion the office's additions are complete: its usual lag, 1–14 days. */
export function settleMs(lags: readonly number[]): number {
  if (!lags.length) return 3 * DAY_MS;
  const sorted = [...lags].sort((a, b) => a - b);
  const p90 = sorted[Math.min(sorted.length - 1, Math.floor(0.9 * (sorted.length - 1) + 0.5))]!;
  return Math.min(14 * DAY_MS, Math.max(DAY_MS, p90));
}

function count(features: readonly string[], prefix: string): number | null {
  const f = features.find((x) => x.startsWith(prefix));
  return f ? Number(f.slice(prefix.length)) : null;
}

function appointmentsOf(features: readonly string[]): number | null {
  return count(features, 'appts:');
}

function techniciansOf(features: readonly string[]): number {
  return features.filter((f) => f.startsWith('tech:')).length;
}

function learnQuantity(records: JobRecord[], skuId: number): QuantityRule {
  const values = records.map((r) => r.office.get(skuId)!);
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const [mode, modeN] = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]!;
  const share = (f: (r: JobRecord) => number | null) =>
    records.filter((r, i) => f(r) !== null && f(r) === values[i]).length / records.length;
  const constant: QuantityRule = { kind: 'constant', value: mode, share: modeN / records.length };
  const byVisits: QuantityRule = { kind: 'appointments', share: share((r) => appointmentsOf(r.features)) };
  const byTechs: QuantityRule = {
    kind: 'technicians',
    share: share((r) => techniciansOf(r.features) || null),
  };
  // A varying rule must explain strictly more than the constant does.
  return [byVisits, byTechs].reduce<QuantityRule>((best, r) => (r.share > best.share ? r : best), constant);
}

/**
 * Parts (materials and equipment) on the final invoice are features of the job: "refrigerant
 * handling whenever refrigerant is billed", "shop supplies when a material was used" hold
 * whether the technician or the office put the part on. At prediction time the draft's parts
 * (the technician's and those read from the notes) stand in for them.
 */
export function partFeatures(skuIds: Iterable<number>, isPart: (skuId: number) => boolean, except?: number) {
  const out: string[] = [];
  for (const id of skuIds) if (id !== except && isPart(id)) out.push(`has:${id}`);
  if (out.length) out.push('has:part');
  return out;
}

/** Features that name "jobs like this one": the job type, its combinations, the business unit. */
const CONTEXT = /^(jt|bu):/;
/** A context needs this many opportunities (besides the job itself) for its rate to count. */
const MIN_CONTEXT_JOBS = 8;
const RATE_CUTS = [0.1, 0.25, 0.5, 0.75, 0.9];

/**
 * How often the office adds the SKU in the most specific context of the job with enough history,
 * as ordinal features ("ctx>=0.5"): many job types behave alike, and one split on their shared
 * rate says what a dozen splits on job types could not.
 */
export function contextFeatures(
  features: readonly string[],
  counts: Map<string, { adds: number; n: number }>,
  sortedContexts: readonly string[] = contextsOf(features),
): string[] {
  for (const f of sortedContexts) {
    const c = counts.get(f);
    if (!c) continue;
    if (c.n < MIN_CONTEXT_JOBS) continue;
    const rate = c.adds / c.n;
    return RATE_CUTS.filter((cut) => rate >= cut).map((cut) => `ctx>=${cut}`);
  }
  return [];
}

const WORK = ['work'];
const NO_WORK: string[] = [];

/**
 * Whether the technician billed work: a SKU the office does not add itself (fewer than minAdds
 * times). What the office adds (trip and diagnostic fees, supplies kits, discounts) is policy;
 * the rest is the job's work. "A diagnostic fee only when no repair was done" is then one split,
 * where each repair SKU alone is billed too seldom to split on and "has no supplies kit" (a part
 * the office itself often adds) was the proxy. Learned from the shop's own office additions, so
 * no list of fee names is needed.
 */
export function workFeatures(technicianSkuIds: Iterable<number>, officeSkus: ReadonlySet<number>): string[] {
  for (const id of technicianSkuIds) if (!officeSkus.has(id)) return WORK;
  return NO_WORK;
}

/**
 * Features of the job's situation, not of the technician's own lines: the job type and its
 * contexts, customer, time, visits, zone, notes. Lines (their SKUs, kinds, categories, totals,
 * parts) are left out of the technician tree, whose label is one of those lines; only whether
 * work was done stays ("work": a line outside the office's own SKUs, so never the label, which
 * is one of them), since "a kit on every repair" is a situation technicians show plainly.
 */
const LINE_FEATURE = /^(s:|k:|t:|svc[<>]|sub[<>]|has:|items:|work$)/;

/**
 * When technicians bill the SKU themselves, learned like the office's additions but over every
 * settled job and from the job's situation alone. Technicians show a policy far more often than
 * the office completes it ("an evening premium on weekday residential calls from 17:00"), so
 * this tree finds conditions the office's few additions cannot; its leaf rate is a feature of
 * the office tree ("tb>=0.5"). Only technicians' lines are its labels, so a row's rate never
 * echoes whether the office added the SKU to it.
 */
function situationTree(
  settled: readonly JobRecord[],
  skuId: number,
  situations: readonly ReadonlySet<string>[],
  index: FeatureIndex,
  counts: Int32Array,
  leaves: TreeLeaf[],
): TreeNode {
  const rows: TreeRow[] = settled.map((r, i) => ({
    features: situations[i]!,
    label: r.technician.has(skuId),
  }));
  return growTree(rows, DEFAULT_TREE_OPTIONS, index, counts, leaves);
}

const situationCuts = new WeakMap<object, string[]>();
/**
 * Only situations where technicians bill it on at least half the jobs show a policy: a lower
 * leaf rate mixes situations (Saturday evenings with Sunday nights), and the office tree would
 * split on it in place of the office's own, sharper record.
 */
const SITUATION_CUTS = [0.5, 0.75, 0.9];

/** The technician tree's rate for a job, as ordinal features ("tb>=0.5"). */
export function situationFeatures(
  tree: TreeNode | null,
  features: { has(feature: string): boolean },
): string[] {
  return tree ? situationLeafFeatures(leafOf(tree, features)) : [];
}

/** situationFeatures of a job whose leaf of the technician tree is known. */
function situationLeafFeatures(node: TreeLeaf): string[] {
  let cuts = situationCuts.get(node);
  if (!cuts) {
    const rate = node.p;
    cuts = SITUATION_CUTS.filter((cut) => rate >= cut).map((cut) => `tb>=${cut}`);
    situationCuts.set(node, cuts);
  }
  return cuts;
}

/**
 * A part on the final invoice is known at completion only as far as the draft has it: the
 * office adds some. Where a part and a feature known at completion split the history equally
 * well ("no supplies kit" and "no service billed" on a diagnosis-only call), the known one is
 * surer on the new job, whose kit may still be the office's to add.
 */
function partRank(feature: string): number {
  return feature.startsWith('has:') ? 1 : 0;
}

/** The technician's SKUs, read back from the job's features ("s:123"). */
function technicianSkusOf(features: readonly string[]): number[] {
  return features.filter((f) => f.startsWith('s:')).map((f) => Number(f.slice(2)));
}

/** Jobs whose technician billed the SKU, per context and overall. */
export interface BilledCounts {
  all: { billed: number; n: number };
  byContext: Map<string, { billed: number; n: number }>;
}

/** Pseudo-jobs of the wider context a narrower one's billed rate is shrunk toward. */
const BILLED_PRIOR = 2;

/**
 * The job type and its combinations from wide to narrow, each a refinement of the one before:
 * the narrowest combination (history/features.ts contextKeys: job type with membership, customer
 * type and declined work) and its prefixes, "jt:7", "jt:7&m:1", "jt:7&m:1&ct:R", ...
 */
export function contextChain(features: readonly string[]): string[] {
  const jt = features.find((f) => f.startsWith('jt:') && !f.includes('&'));
  if (!jt) return [];
  const present = new Set(features);
  const narrowest = features
    .filter((f) => f.startsWith(`${jt}&`))
    .sort((a, b) => b.split('&').length - a.split('&').length || a.localeCompare(b))[0];
  if (!narrowest) return [jt];
  const parts = narrowest.split('&');
  const chain: string[] = [];
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('&');
    if (present.has(prefix)) chain.push(prefix);
  }
  return chain;
}

/**
 * How often technicians on jobs like this one bill the SKU themselves. Where they do, the policy
 * applies, and a job where the technician did not is one the office may have to complete: the
 * technicians show the policy far more often than the office's additions do. Only technicians'
 * lines count, so a training row (one the technician did not bill) weighs the same in its own
 * context whether or not the office added the SKU: the feature never echoes the label. Each
 * narrower context of the chain is shrunk toward the wider one, so that four member repair calls
 * that all carried a member discount count for much, and one for little. As ordinal features
 * ("bill>=0.5").
 */
export function billedRateFeatures(chain: readonly string[], counts: BilledCounts): string[] {
  if (!chain.length) return [];
  let rate = (counts.all.billed + 1) / (counts.all.n + 2);
  for (const f of chain) {
    const c = counts.byContext.get(f);
    if (c) rate = (c.billed + BILLED_PRIOR * rate) / (c.n + BILLED_PRIOR);
  }
  return RATE_CUTS.filter((cut) => rate >= cut).map((cut) => `bill>=${cut}`);
}

/** The job's contexts, most specific first. */
export function contextsOf(features: readonly string[]): string[] {
  return features
    .filter((f) => CONTEXT.test(f))
    .sort((a, b) => specificity(b) - specificity(a) || a.localeCompare(b));
}

/** Combinations before the job type alone, the job type before the business unit. */
function specificity(feature: string): number {
  return (feature.match(/&/g)?.length ?? 0) * 2 + (feature.startsWith('jt:') ? 1 : 0);
}

/**
 * The past jobs whose invoices have settled by the model's date, in the model's order: all that
 * learnPolicies reads of the model.
 */
export function settledRecords(model: HistoryModel): JobRecord[] {
  const settle = settleMs(model.officeLags);
  return [...model.records.values()].filter(
    (r) => Number.isFinite(r.completedAt) && r.completedAt <= model.asOf - settle,
  );
}

/**
 * How many jobs have settled by the model's date. For one version (the same records and office
 * lags) a later date can only add settled jobs, so the count says which ones. A count, not the
 * records: a copy of the model shares its memo and must not keep the original's records alive.
 */
export function settledCount(model: HistoryModel): number {
  return model.memo('settled-count', () => settledRecords(model).length, String(model.asOf));
}

/** Every SKU billed on the model's past jobs, either way (what `isPart` is asked about). */
function billedSkus(model: HistoryModel): number[] {
  return model.memo('billed-skus', () => {
    const skus = new Set<number>();
    for (const r of model.records.values()) {
      for (const id of r.technician.keys()) skus.add(id);
      for (const id of r.office.keys()) skus.add(id);
    }
    return [...skus].sort((a, b) => a - b);
  });
}

/** How many of the records have each key. */
function countBy(
  records: readonly JobRecord[],
  keys: (r: JobRecord) => Iterable<string>,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) for (const k of keys(r)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}

/** The records per SKU, in order. */
function recordsBy(
  records: readonly JobRecord[],
  skus: (r: JobRecord) => Iterable<number>,
): Map<number, JobRecord[]> {
  const by = new Map<number, JobRecord[]>();
  for (const r of records)
    for (const sku of skus(r)) {
      const list = by.get(sku);
      if (list) list.push(r);
      else by.set(sku, [r]);
    }
  return by;
}

export function learnPolicies(
  model: HistoryModel,
  options: PolicyOptions = DEFAULT_POLICY_OPTIONS,
  isPart: (skuId: number) => boolean = () => false,
): Map<number, SkuPolicy> {
  const settled = settledRecords(model);
  const addCounts = new Map<number, number>();
  for (const r of settled)
    for (const sku of r.office.keys()) addCounts.set(sku, (addCounts.get(sku) ?? 0) + 1);
  const policies = new Map<number, SkuPolicy>();
  const featureSets = new Map(settled.map((r) => [r.jobId, new Set(r.features)]));
  const index = new FeatureIndex();
  const contexts = new Map(settled.map((r) => [r.jobId, contextsOf(r.features)]));
  const contextsOfRecord = (r: JobRecord) => contexts.get(r.jobId)!;
  const allParts = new Map(
    settled.map((r) => [r.jobId, partFeatures([...r.technician.keys(), ...r.office.keys()], isPart)]),
  );
  const chains = new Map(settled.map((r) => [r.jobId, contextChain(r.features)]));
  // What every SKU's counts share, counted once: the jobs per context and per chain context, and
  // per SKU the jobs whose technician billed it and those the office added it to.
  const contextJobs = countBy(settled, contextsOfRecord);
  const chainJobs = countBy(settled, (r) => chains.get(r.jobId)!);
  const technicianBilled = recordsBy(settled, (r) => r.technician.keys());
  const officeAdded = recordsBy(settled, (r) => r.office.keys());
  // Rows with the same contexts (or chain) get the same rate features for a SKU.
  const contextKeys = new Map(settled.map((r) => [r.jobId, contextsOfRecord(r).join('|')]));
  const officeSkus: ReadonlySet<number> = new Set(
    [...addCounts].filter(([, n]) => n >= options.minAdds).map(([id]) => id),
  );
  const work = new Map(settled.map((r) => [r.jobId, workFeatures(r.technician.keys(), officeSkus)]));
  // Each job's situation (its features less its lines), one set shared by the technician trees.
  const situationList: ReadonlySet<string>[] = settled.map(
    (r) => new Set([...r.features.filter((f) => !LINE_FEATURE.test(f)), ...work.get(r.jobId)!]),
  );
  const settledAt = new Map(settled.map((r, i) => [r.jobId, i]));
  let situationCounts: Int32Array | null = null;
  const chainKeys = new Map(settled.map((r) => [r.jobId, chains.get(r.jobId)!.join('|')]));
  for (const [skuId, adds] of addCounts) {
    if (adds < options.minAdds) continue;
    const open = settled.filter((r) => !r.technician.has(skuId));
    if (open.length < options.minOpportunities) continue;
    const carriers = technicianBilled.get(skuId) ?? [];
    const carriedPerChain = countBy(carriers, (r) => chains.get(r.jobId)!);
    const billed: BilledCounts = {
      all: { billed: carriers.length, n: settled.length },
      byContext: new Map(
        [...chainJobs].map(([f, n]) => [f, { billed: carriedPerChain.get(f) ?? 0, n }] as const),
      ),
    };
    const own = `s:${skuId}`;
    let technicianTree: TreeNode | null = null;
    // Each settled job's leaf of the technician tree, by its position in `settled`.
    const situationLeaves: TreeLeaf[] = [];
    if (carriers.length >= options.minAdds) {
      situationCounts ??= featureCounts(
        situationList.map((features) => ({ features, label: false })),
        index,
      );
      technicianTree = situationTree(settled, skuId, situationList, index, situationCounts, situationLeaves);
    }
    const situationLeafOf = (r: JobRecord) => situationLeaves[settledAt.get(r.jobId)!]!;
    // Per context, the open jobs (all less those whose technician billed the SKU) and the adds.
    const carriedPerContext = countBy(carriers, contextsOfRecord);
    const addedPerContext = countBy(
      (officeAdded.get(skuId) ?? []).filter((r) => !r.technician.has(skuId)),
      contextsOfRecord,
    );
    const counts = new Map<string, { adds: number; n: number }>();
    for (const [f, n] of contextJobs) {
      const opportunities = n - (carriedPerContext.get(f) ?? 0);
      if (opportunities > 0) counts.set(f, { adds: addedPerContext.get(f) ?? 0, n: opportunities });
    }
    const ownPart = `has:${skuId}`;
    const contextCuts = new Map<string, string[]>();
    const billedCuts = new Map<string, string[]>();
    const rows: TreeRow[] = open.map((r) => {
      const label = r.office.has(skuId);
      // The SKU is never its own evidence; "has:part" stays only if another part is there.
      const all = allParts.get(r.jobId)!;
      const parts = all.includes(ownPart)
        ? partFeatures([...r.technician.keys(), ...r.office.keys()], isPart, skuId)
        : all;
      // The row counts in its own context's rate. Leaving it out would make the rate a little
      // lower exactly when the label is true, and a tree would learn that artefact; with eight
      // or more jobs per context the row's own weight is small.
      const contextKey = contextKeys.get(r.jobId)!;
      let context = contextCuts.get(contextKey);
      if (!context) {
        context = contextFeatures(r.features, counts, contextsOfRecord(r));
        contextCuts.set(contextKey, context);
      }
      const chainKey = chainKeys.get(r.jobId)!;
      let billedRate = billedCuts.get(chainKey);
      if (!billedRate) {
        billedRate = billedRateFeatures(chains.get(r.jobId)!, billed);
        billedCuts.set(chainKey, billedRate);
      }
      return {
        features: featureSets.get(r.jobId)!,
        extraLists: [
          parts,
          context,
          billedRate,
          work.get(r.jobId)!,
          technicianTree ? situationLeafFeatures(situationLeafOf(r)) : [],
        ],
        label,
      };
    });
    const officeLeaves: TreeLeaf[] = [];
    const tree = growTree(
      rows,
      { ...DEFAULT_TREE_OPTIONS, exclude: (f) => f === own, tieRank: partRank },
      index,
      undefined,
      officeLeaves,
    );
    // The office's record per leaf of its own tree and of the technician tree, on the open jobs.
    const situationAdds = new Map<TreeLeaf, Map<TreeLeaf, { open: number; adds: number }>>();
    if (technicianTree?.kind === 'split')
      rows.forEach((row, i) => {
        const officeLeaf = officeLeaves[i]!;
        const situationLeaf = situationLeafOf(open[i]!);
        let bySituation = situationAdds.get(officeLeaf);
        if (!bySituation) {
          bySituation = new Map();
          situationAdds.set(officeLeaf, bySituation);
        }
        const record = bySituation.get(situationLeaf) ?? { open: 0, adds: 0 };
        record.open += 1;
        if (row.label) record.adds += 1;
        bySituation.set(situationLeaf, record);
      });
    policies.set(skuId, {
      skuId,
      tree,
      contexts: counts,
      billed,
      opportunities: open.length,
      adds: rows.filter((r) => r.label).length,
      officeSkus,
      technicianTree,
      situationAdds,
      minAdds: options.minAdds,
      quantity: learnQuantity(
        open.filter((r) => r.office.has(skuId)),
        skuId,
      ),
    });
  }
  return policies;
}

/**
 * What a learner over the settled jobs reads besides the model's events: which jobs have settled
 * by the model's date, and which of their SKUs the catalogue calls parts.
 */
export function settledPartsKey(model: HistoryModel, isPart: (skuId: number) => boolean): string {
  return `settled:${settledCount(model)}|parts:${billedSkus(model).filter(isPart).join(',')}`;
}

/**
 * The shop's learned policies, kept with the model while what they learn from is the same: the
 * settled jobs, and which of their SKUs are parts (the catalogue's kinds, through `isPart`). A
 * later date that settles no more jobs (a day with no new history) reuses them; one that settles
 * more, or a catalogue that now calls another SKU a part, learns again.
 */
export function shopPolicies(
  model: HistoryModel,
  isPart: (skuId: number) => boolean = () => false,
): Map<number, SkuPolicy> {
  return model.memo(
    'policies',
    () => learnPolicies(model, DEFAULT_POLICY_OPTIONS, isPart),
    settledPartsKey(model, isPart),
  );
}

const situationLevels = new WeakMap<TreeNode, number>();
/** The G a situation's record must reach: the tree's level shared by its leaves. */
function situationCriticalG(tree: TreeNode): number {
  let g = situationLevels.get(tree);
  if (g === undefined) {
    g = criticalG(DEFAULT_TREE_OPTIONS.alpha / treeLeaves(tree).length);
    situationLevels.set(tree, g);
  }
  return g;
}

/** Jobs of a situation, and the share of their final invoices carrying the SKU, for completedSituation. */
const COMPLETED_SITUATION_JOBS = 8;
const COMPLETED_SITUATION_RATE = 0.9;

/**
 * A situation whose final invoices nearly all carry the SKU (technicians bill it on most, the
 * office completes the rest): too few open jobs for minAdds, but one policy all the same. C's
 * weekend premium: technicians billed it on 10 of 12 weekend service calls and the office added
 * it to both of the other two. The share of final invoices carrying it, when the office added
 * it to at least half of the open jobs it saw there; null otherwise.
 */
function completedSituation(leaf: TreeLeaf, record: { open: number; adds: number }): number | null {
  if (leaf.n < COMPLETED_SITUATION_JOBS || record.adds < 1 || record.adds * 2 < record.open) return null;
  const carried = (leaf.positives + record.adds) / leaf.n;
  return carried >= COMPLETED_SITUATION_RATE ? carried : null;
}

/**
 * The office's own record in the job's situation, as the technician tree finds it. The office
 * tree learns from the jobs whose technician did not bill the SKU, which are few exactly where
 * technicians bill it most: "pan tablets" named in the notes are billed on 9 of 9 past jobs, by
 * the technician on 6 and by the office on the other 3, and 3 rows are too few for a leaf of
 * the office tree. So within the job's leaf of the office tree, the open jobs of its situation
 * count when the office added the SKU there (at least minAdds times) far more often than in the
 * leaf at large: the split the office tree would make, tested alike (G, its level shared by the
 * technician tree's leaves). Its rate, shrunk toward the leaf's, can only raise the chance.
 */
function situationOfficeRate(
  policy: SkuPolicy,
  officeLeaf: TreeLeaf,
  situation: { has(feature: string): boolean },
): TreePrediction | null {
  const tree = policy.technicianTree;
  if (tree?.kind !== 'split') return null;
  const walked = walkTree(tree, situation);
  const record = policy.situationAdds.get(officeLeaf)?.get(walked.leaf);
  if (!record) return null;
  const prior = DEFAULT_TREE_OPTIONS.prior;
  const completed = completedSituation(walked.leaf, record);
  if (completed !== null)
    return {
      // Taken only when above the office leaf's own chance (predictPolicies).
      p: (record.adds + prior * completed) / (record.open + prior),
      n: record.open,
      positives: record.adds,
      path: walked.path,
    };
  if (record.adds < policy.minAdds) return null;
  if (record.adds / record.open <= officeLeaf.p) return null;
  const g = gStatistic(record.open, record.adds, officeLeaf.n, officeLeaf.positives);
  if (g < situationCriticalG(tree)) return null;
  return {
    p: (record.adds + prior * officeLeaf.p) / (record.open + prior),
    n: record.open,
    positives: record.adds,
    path: walked.path,
  };
}

export function predictPolicies(
  policies: Map<number, SkuPolicy>,
  features: readonly string[],
): PolicyPrediction[] {
  const set = new Set(features);
  // The job's contexts are sorted once; each policy adds only its own rate cuts to the features.
  const contexts = contextsOf(features);
  const chain = contextChain(features);
  const technicianSkus = technicianSkusOf(features);
  const jobType = chain[0] ?? null;
  const out: PolicyPrediction[] = [];
  for (const policy of policies.values()) {
    const work = workFeatures(technicianSkus, policy.officeSkus);
    const situation = work.length ? { has: (f: string) => set.has(f) || f === 'work' } : set;
    const cuts = [
      ...contextFeatures(features, policy.contexts, contexts),
      ...billedRateFeatures(chain, policy.billed),
      ...work,
      ...situationFeatures(policy.technicianTree, situation),
    ];
    const present = cuts.length ? { has: (f: string) => set.has(f) || cuts.includes(f) } : set;
    const { leaf, path } = walkTree(policy.tree, present);
    const situational = situationOfficeRate(policy, leaf, situation);
    const prediction =
      situational && situational.p > leaf.p
        ? { ...situational, path: [...path, ...situational.path], source: 'situation' as const }
        : { p: leaf.p, n: leaf.n, positives: leaf.positives, path, source: 'office' as const };
    const never = neverOnJobType(policy, jobType);
    if (never !== null) prediction.p = Math.min(prediction.p, never);
    const q = policy.quantity;
    const quantity =
      q.kind === 'constant'
        ? q.value
        : q.kind === 'appointments'
          ? (appointmentsOf(features) ?? 1)
          : Math.max(1, techniciansOf(features));
    out.push({ skuId: policy.skuId, ...prediction, quantity, quantityShare: q.share, policy });
  }
  return out.sort((a, b) => b.p - a.p);
}

/** Settled jobs of a type that never carried a SKU before that absence overrules the tree. */
export const NEVER_ON_TYPE_JOBS = 20;

/**
 * The most the chance of the SKU can be on a job of a type that never carried it, technician or
 * office, on NEVER_ON_TYPE_JOBS or more settled jobs: the Wilson upper bound of none in that
 * many. Null when the type carried it or has too few jobs to say. A tree learns a shop's rules
 * where its jobs are many; a job type on which a fee was never billed (an emergency dispatch on
 * a plan's annual inspection) can sit in a leaf whose other jobs mostly got it, with too few
 * jobs in that leaf to split it off.
 */
export function neverOnJobType(policy: SkuPolicy, jobType: string | null): number | null {
  if (jobType === null) return null;
  const open = policy.contexts.get(jobType);
  const carried = policy.billed.byContext.get(jobType);
  const n = carried?.n ?? open?.n ?? 0;
  if ((open?.adds ?? 0) > 0 || (carried?.billed ?? 0) > 0 || n < NEVER_ON_TYPE_JOBS) return null;
  return wilsonUpperBound(0, n);
}
