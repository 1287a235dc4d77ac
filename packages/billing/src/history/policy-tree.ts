// A small decision-tree learner over sparse binary features (the job features of
// history/features.ts). It learns *when* a shop bills something: "added on 112 of 115 repair
// jobs that used a material; on 0 of 40 that used none". Trees are shallow, every split must be
// statistically significant (a G-test at a strict level, since many features compete), and leaf
// rates are shrunk toward their parent's, so a clerk can read each condition and its support and
// small samples do not claim certainty.

export interface TreeRow {
  features: ReadonlySet<string>;
  label: boolean;
}

export interface TreeOptions {
  maxDepth: number;
  /** Fewest rows on either side of a split. */
  minLeaf: number;
  /** G statistic a split must reach (chi-square, 1 df): 10.83 is p < 0.001. */
  minG: number;
  /** Strength of the shrinkage toward the parent's rate (pseudo-rows). */
  prior: number;
  /** Features a split may not use (the label's own SKU, for instance). */
  exclude?: (feature: string) => boolean;
}

export const DEFAULT_TREE_OPTIONS: TreeOptions = { maxDepth: 3, minLeaf: 4, minG: 10.83, prior: 2 };

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

export function growTree(rows: readonly TreeRow[], options: TreeOptions = DEFAULT_TREE_OPTIONS): TreeNode {
  const pos = rows.filter((r) => r.label).length;
  // The root's own rate, lightly smoothed, is the prior of everything below it.
  const rootRate = (pos + 0.5) / (rows.length + 1);
  return grow(rows, 0, rootRate, options);
}

function grow(rows: readonly TreeRow[], depth: number, parentRate: number, o: TreeOptions): TreeNode {
  const n = rows.length;
  let pos = 0;
  for (const r of rows) if (r.label) pos += 1;
  const p = (pos + o.prior * parentRate) / (n + o.prior);
  const leaf: TreeLeaf = { kind: 'leaf', n, positives: pos, p };
  if (depth >= o.maxDepth || n < 2 * o.minLeaf || pos === 0 || pos === n) return leaf;

  const count = new Map<string, { n: number; pos: number }>();
  for (const r of rows) {
    for (const f of r.features) {
      let c = count.get(f);
      if (!c) {
        c = { n: 0, pos: 0 };
        count.set(f, c);
      }
      c.n += 1;
      if (r.label) c.pos += 1;
    }
  }
  let best: { feature: string; g: number } | null = null;
  for (const [feature, c] of count) {
    if (c.n < o.minLeaf || n - c.n < o.minLeaf) continue;
    if (o.exclude?.(feature)) continue;
    const g = gStatistic(c.n, c.pos, n, pos);
    // Ties go to the feature that sorts first, so the tree is the same run to run.
    if (!best || g > best.g + 1e-12 || (Math.abs(g - best.g) <= 1e-12 && feature < best.feature))
      best = { feature, g };
  }
  if (!best || best.g < o.minG) return leaf;
  const yesRows: TreeRow[] = [];
  const noRows: TreeRow[] = [];
  for (const r of rows) (r.features.has(best.feature) ? yesRows : noRows).push(r);
  return {
    kind: 'split',
    feature: best.feature,
    n,
    positives: pos,
    p,
    yes: grow(yesRows, depth + 1, p, o),
    no: grow(noRows, depth + 1, p, o),
  };
}

export function predictTree(tree: TreeNode, features: ReadonlySet<string>): TreePrediction {
  const path: TreePrediction['path'] = [];
  let node = tree;
  while (node.kind === 'split') {
    const present = features.has(node.feature);
    path.push({ feature: node.feature, present });
    node = present ? node.yes : node.no;
  }
  return { p: node.p, n: node.n, positives: node.positives, path };
}

/** Depth-first list of leaves, for explanation and tests. */
export function treeLeaves(tree: TreeNode): TreeLeaf[] {
  return tree.kind === 'leaf' ? [tree] : [...treeLeaves(tree.yes), ...treeLeaves(tree.no)];
}
