// A small decision-tree learner over sparse binary features (the job features of
// history/features.ts). It learns *when* a shop bills something: "added on 112 of 115 repair
// jobs that used a material; on 0 of 40 that used none". Trees are shallow, every split must be
// statistically significant (a G-test at a strict level, since many features compete), and leaf
// rates are shrunk toward their parent's, so a clerk can read each condition and its support and
// small samples do not claim certainty.

export interface TreeRow {
  features: ReadonlySet<string>;
  /** Features of this row only, on top of a `features` set shared with other trees. */
  extra?: readonly string[];
  /**
   * More of the row's own features, as lists shared between rows and trees (a job's parts, the
   * rate features of a context): each list is numbered once, not once per row. Their features
   * are never among `features` nor in another of the row's lists (distinct prefixes), so they
   * are added without a check.
   */
  extraLists?: readonly (readonly string[])[];
  label: boolean;
}

export interface TreeOptions {
  maxDepth: number;
  /** Fewest rows on either side of a split. */
  minLeaf: number;
  /**
   * Significance a split must reach, as a p-value shared by all the features that could have
   * been chosen at the node (Bonferroni): the best of many features is partly luck.
   */
  alpha: number;
  /** Strength of the shrinkage toward the parent's rate (pseudo-rows). */
  prior: number;
  /** Features a split may not use (the label's own SKU, for instance). */
  exclude?: (feature: string) => boolean;
  /** Splits equally good go to the feature of lower rank (default 0), then to the name that sorts first. */
  tieRank?: (feature: string) => number;
}

export const DEFAULT_TREE_OPTIONS: TreeOptions = { maxDepth: 5, minLeaf: 4, alpha: 0.05, prior: 2 };

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p <= 0 || p >= 1) throw new RangeError('p must be in (0, 1)');
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** The G (chi-square, 1 df) a statistic must reach for a two-sided p-value below `p`. */
export function criticalG(p: number): number {
  return normalQuantile(1 - p / 2) ** 2;
}

export interface TreeLeaf {
  kind: 'leaf';
  n: number;
  positives: number;
  /** Shrunk rate: (positives + prior × parent rate) / (n + prior). */
  p: number;
}

export interface TreeSplit {
  kind: 'split';
  feature: string;
  n: number;
  positives: number;
  p: number;
  /** Rows with the feature. */
  yes: TreeNode;
  /** Rows without it. */
  no: TreeNode;
}

export type TreeNode = TreeLeaf | TreeSplit;

export interface TreePrediction {
  p: number;
  n: number;
  positives: number;
  /** The conditions that led to the leaf, e.g. [{feature:'k:Material', present:true}]. */
  path: { feature: string; present: boolean }[];
}

function entropyTerm(k: number, n: number): number {
  return k > 0 && n > 0 ? k * Math.log(k / n) : 0;
}

/** Log-likelihood ratio statistic (G) of a 2×2 split against no split. */
export function gStatistic(yesN: number, yesPos: number, n: number, pos: number): number {
  const noN = n - yesN;
  const noPos = pos - yesPos;
  const split =
    entropyTerm(yesPos, yesN) +
    entropyTerm(yesN - yesPos, yesN) +
    entropyTerm(noPos, noN) +
    entropyTerm(noN - noPos, noN);
  const whole = entropyTerm(pos, n) + entropyTerm(n - pos, n);
  return 2 * (split - whole);
}

/**
 * Numbers features once, for all the trees of a shop: rows that share a feature set (one job's
 * features, used by every SKU's tree) are encoded once, and each node counts features in typed
 * arrays instead of a map of strings.
 */
export class FeatureIndex {
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();
  private readonly encodedSets = new WeakMap<ReadonlySet<string>, Int32Array>();

  id(feature: string): number {
    let id = this.ids.get(feature);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(feature, id);
      this.names.push(feature);
    }
    return id;
  }

  encode(row: TreeRow, position = 0): EncodedRow {
    let base = this.encodedSets.get(row.features);
    if (!base) {
      base = Int32Array.from([...row.features].map((f) => this.id(f)));
      this.encodedSets.set(row.features, base);
    }
    const own = row.extra?.length
      ? [Int32Array.from(row.extra.filter((f) => !row.features.has(f)).map((f) => this.id(f)))]
      : NO_LISTS;
    // The shared lists are referred to, not copied: a shop's trees encode millions of rows.
    const extra = row.extraLists?.length
      ? [...own, ...row.extraLists.map((list) => this.listIds(list))]
      : own;
    return { base, extra, label: row.label, row: position };
  }

  private readonly encodedLists = new WeakMap<readonly string[], Int32Array>();

  private listIds(list: readonly string[]): Int32Array {
    let ids = this.encodedLists.get(list);
    if (!ids) {
      ids = Int32Array.from(list.map((f) => this.id(f)));
      this.encodedLists.set(list, ids);
    }
    return ids;
  }
}

const NO_LISTS: readonly Int32Array[] = [];

/**
 * How many of the rows have each feature (by id in `index`): the root's counts of every tree
 * grown over the same rows, whatever their labels, so many trees count them once.
 */
export function featureCounts(rows: readonly TreeRow[], index: FeatureIndex): Int32Array {
  const encoded = rows.map((r) => index.encode(r));
  return histogramOf(encoded, index.names.length, false).counts;
}

/**
 * `rowCounts`, from featureCounts over the same rows, spares the root its count. `leaves`, when
 * given, is filled with each row's leaf (by the row's position), as predictTree would find it.
 */
export function growTree(
  rows: readonly TreeRow[],
  options: TreeOptions = DEFAULT_TREE_OPTIONS,
  index: FeatureIndex = new FeatureIndex(),
  rowCounts?: Int32Array,
  leaves?: TreeLeaf[],
): TreeNode {
  const encoded: EncodedRow[] = rows.map((r, i) => index.encode(r, i));
  const names = index.names;
  const excluded = new Uint8Array(names.length);
  const exclude = options.exclude;
  if (exclude) for (let id = 0; id < names.length; id++) excluded[id] = exclude(names[id]!) ? 1 : 0;
  const ranks = new Int32Array(names.length);
  const tieRank = options.tieRank;
  if (tieRank) for (let id = 0; id < names.length; id++) ranks[id] = tieRank(names[id]!);
  const pos = rows.filter((r) => r.label).length;
  // The root's own rate, lightly smoothed, is the prior of everything below it.
  const rootRate = (pos + 0.5) / (rows.length + 1);
  const root = rowCounts
    ? () => {
        // Features numbered since the counts were taken are on none of these rows.
        const counts = new Int32Array(names.length);
        counts.set(rowCounts);
        return {
          counts,
          positives: histogramOf(
            encoded.filter((r) => r.label),
            names.length,
          ).positives,
        };
      }
    : undefined;
  return grow(encoded, 0, rootRate, { ...options, names, excluded, ranks, leaves }, root);
}

interface EncodedRow {
  /** The shared feature set's ids (not copied per tree) and this row's own extras, as lists. */
  base: Int32Array;
  extra: readonly Int32Array[];
  label: boolean;
  /** The row's position among the tree's rows. */
  row: number;
}

type GrowOptions = TreeOptions & {
  names: string[];
  excluded: Uint8Array;
  ranks: Int32Array;
  leaves: TreeLeaf[] | undefined;
};

/** Per feature id: the node's rows with it, and its positive rows with it. */
interface Histogram {
  counts: Int32Array;
  positives: Int32Array;
}

function histogramOf(rows: readonly EncodedRow[], size: number, withPositives = true): Histogram {
  const counts = new Int32Array(size);
  const positives = new Int32Array(size);
  const add = (ids: Int32Array, positive: boolean) => {
    for (let k = 0; k < ids.length; k++) counts[ids[k]!]! += 1;
    if (positive) for (let k = 0; k < ids.length; k++) positives[ids[k]!]! += 1;
  };
  for (const r of rows) {
    const positive = withPositives && r.label;
    add(r.base, positive);
    for (const ids of r.extra) add(ids, positive);
  }
  return { counts, positives };
}

function difference(whole: Histogram, part: Histogram): Histogram {
  const counts = new Int32Array(whole.counts.length);
  const positives = new Int32Array(whole.counts.length);
  for (let id = 0; id < counts.length; id++) {
    counts[id] = whole.counts[id]! - part.counts[id]!;
    positives[id] = whole.positives[id]! - part.positives[id]!;
  }
  return { counts, positives };
}

/**
 * `histogram` gives the rows' histogram when the caller can derive it cheaply: a split counts
 * its smaller side's rows and takes the larger side's as the difference from its own.
 */
function grow(
  rows: readonly EncodedRow[],
  depth: number,
  parentRate: number,
  o: GrowOptions,
  histogram?: () => Histogram,
): TreeNode {
  const n = rows.length;
  let pos = 0;
  for (const r of rows) if (r.label) pos += 1;
  const p = (pos + o.prior * parentRate) / (n + o.prior);
  const leaf: TreeLeaf = { kind: 'leaf', n, positives: pos, p };
  const asLeaf = () => {
    if (o.leaves) for (const r of rows) o.leaves[r.row] = leaf;
    return leaf;
  };
  if (depth >= o.maxDepth || n < 2 * o.minLeaf || pos === 0 || pos === n) return asLeaf();

  const own = histogram ? histogram() : histogramOf(rows, o.names.length);
  const { counts, positives } = own;
  let best: { id: number; g: number } | null = null;
  // Candidates by how many rows have them: the largest G a feature could reach depends on that alone.
  const byCount = new Int32Array(n + 1);
  let candidates = 0;
  for (let id = 0; id < counts.length; id++) {
    const c = counts[id]!;
    if (c < o.minLeaf || n - c < o.minLeaf || o.excluded[id]) continue;
    byCount[c]! += 1;
    candidates += 1;
    const g = gStatistic(c, positives[id]!, n, pos);
    // Ties go to the lower rank, then to the feature that sorts first: the same tree run to run.
    if (!best || g > best.g + 1e-12 || (Math.abs(g - best.g) <= 1e-12 && tieBefore(id, best.id, o)))
      best = { id, g };
  }
  if (!best || !significant(best.g, byCount, candidates, n, pos, o.alpha)) return asLeaf();
  const yesRows: EncodedRow[] = [];
  const noRows: EncodedRow[] = [];
  const chosen = best.id;
  for (const r of rows)
    (r.base.includes(chosen) || r.extra.some((ids) => ids.includes(chosen)) ? yesRows : noRows).push(r);
  const small = yesRows.length <= noRows.length ? yesRows : noRows;
  let smallHistogram: Histogram | null = null;
  const ofSmall = () => {
    smallHistogram ??= histogramOf(small, counts.length);
    return smallHistogram;
  };
  const ofLarge = () => difference(own, ofSmall());
  return {
    kind: 'split',
    feature: o.names[best.id]!,
    n,
    positives: pos,
    p,
    yes: grow(yesRows, depth + 1, p, o, small === yesRows ? ofSmall : ofLarge),
    no: grow(noRows, depth + 1, p, o, small === noRows ? ofSmall : ofLarge),
  };
}

function tieBefore(a: number, b: number, o: GrowOptions): boolean {
  const ra = o.ranks[a]!;
  const rb = o.ranks[b]!;
  return ra !== rb ? ra < rb : o.names[a]! < o.names[b]!;
}

/**
 * Whether the best split's G passes the testable-features level (testableCriticalG). Above
 * Bonferroni's level over every candidate it passes whatever, below the level for one feature
 * it fails whatever: only in between are the candidates' reachable G computed.
 */
function significant(
  g: number,
  byCount: Int32Array,
  candidates: number,
  n: number,
  pos: number,
  alpha: number,
): boolean {
  if (g >= criticalG(alpha / candidates)) return true;
  if (g < criticalG(alpha)) return false;
  const reach: number[] = [];
  for (let c = 0; c <= n; c++) {
    const k = byCount[c]!;
    if (!k) continue;
    const r = maxG(c, n, pos);
    for (let i = 0; i < k; i++) reach.push(r);
  }
  return g >= testableCriticalG(reach, alpha);
}

/** The largest G a feature on `c` of the node's rows could reach: all its rows on one side. */
export function maxG(c: number, n: number, pos: number): number {
  return Math.max(gStatistic(c, Math.min(c, pos), n, pos), gStatistic(c, Math.max(0, c - (n - pos)), n, pos));
}

/**
 * The G a split must reach when many features compete (Tarone's correction of Bonferroni): a
 * feature on so few rows that even a perfect split could not be significant cannot be a false
 * discovery, so it does not share the level. The level is divided by the smallest m for which
 * at most m features could reach significance at alpha / m. Counting every feature instead
 * leaves a clean condition on a few rows ("waived for members", 0 of 11) unsplit deep in a tree.
 */
export function testableCriticalG(reach: readonly number[], alpha: number): number {
  const sorted = [...reach].sort((a, b) => b - a);
  // The critical value grows with m, so the count of features that can reach it only falls.
  let testable = sorted.length;
  for (let m = 1; m <= sorted.length; m++) {
    const critical = criticalG(alpha / m);
    while (testable > 0 && sorted[testable - 1]! < critical) testable -= 1;
    if (testable <= m) return critical;
  }
  return criticalG(alpha / Math.max(1, sorted.length));
}

export function predictTree(tree: TreeNode, features: { has(feature: string): boolean }): TreePrediction {
  const { leaf, path } = walkTree(tree, features);
  return { p: leaf.p, n: leaf.n, positives: leaf.positives, path };
}

/** The leaf a job's features lead to, and the path there. */
export function walkTree(
  tree: TreeNode,
  features: { has(feature: string): boolean },
): { leaf: TreeLeaf; path: TreePrediction['path'] } {
  const path: TreePrediction['path'] = [];
  let node = tree;
  while (node.kind === 'split') {
    const present = features.has(node.feature);
    path.push({ feature: node.feature, present });
    node = present ? node.yes : node.no;
  }
  return { leaf: node, path };
}

/** The leaf a job's features lead to. */
export function leafOf(tree: TreeNode, features: { has(feature: string): boolean }): TreeLeaf {
  let node = tree;
  while (node.kind === 'split') node = features.has(node.feature) ? node.yes : node.no;
  return node;
}

/** Depth-first list of leaves, for explanation and tests. */
export function treeLeaves(tree: TreeNode): TreeLeaf[] {
  return tree.kind === 'leaf' ? [tree] : [...treeLeaves(tree.yes), ...treeLeaves(tree.no)];
}
