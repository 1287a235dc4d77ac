import { describe, expect, it } from 'vitest';
import {
  criticalG,
  DEFAULT_TREE_OPTIONS,
  FeatureIndex,
  featureCounts,
  growTree,
  gStatistic,
  maxG,
  normalQuantile,
  predictTree,
  type TreeRow,
  testableCriticalG,
  treeLeaves,
} from './policy-tree.ts';

const row = (features: string[], label: boolean): TreeRow => ({ features: new Set(features), label });

function repeat(n: number, features: string[], label: boolean): TreeRow[] {
  return Array.from({ length: n }, () => row(features, label));
}

describe('gStatistic', () => {
  it('is zero when the split changes nothing and grows with separation', () => {
    expect(gStatistic(50, 25, 100, 50)).toBeCloseTo(0, 10);
    expect(gStatistic(50, 50, 100, 50)).toBeCloseTo(2 * 100 * Math.log(2), 6);
    expect(gStatistic(50, 40, 100, 50)).toBeGreaterThan(gStatistic(50, 30, 100, 50));
  });
});

describe('criticalG', () => {
  it('matches the chi-square table (1 df)', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(criticalG(0.05)).toBeCloseTo(3.841, 2);
    expect(criticalG(0.001)).toBeCloseTo(10.828, 2);
    expect(criticalG(1e-6)).toBeCloseTo(23.93, 1);
  });
});

describe('growTree', () => {
  it('grows the same tree from counts taken once for rows shared by many trees', () => {
    const index = new FeatureIndex();
    const features = Array.from({ length: 60 }, (_, i) => new Set([`a${i % 3}`, `b${i % 5}`, `c${i % 7}`]));
    const counts = featureCounts(
      features.map((f) => row([...f], false)),
      index,
    );
    for (const labelled of [(i: number) => i % 3 === 0, (i: number) => i % 5 < 2 && i % 3 !== 1]) {
      const rows = features.map((f, i) => ({ features: f, label: labelled(i) }));
      expect(growTree(rows, DEFAULT_TREE_OPTIONS, index, counts)).toEqual(
        growTree(rows, DEFAULT_TREE_OPTIONS),
      );
    }
    // Features numbered after the counts were taken count on none of the shared rows.
    index.id('later');
    const rows = features.map((f, i) => ({ features: f, label: i % 3 === 0 }));
    expect(growTree(rows, DEFAULT_TREE_OPTIONS, index, counts)).toEqual(growTree(rows, DEFAULT_TREE_OPTIONS));
  });

  it('gives a tie to the feature of lower rank, then to the name that sorts first', () => {
    // "has:kit" and "work" split these rows identically.
    const rows = [...repeat(20, ['has:kit', 'work'], false), ...repeat(20, [], true)];
    const first = (options = DEFAULT_TREE_OPTIONS) => {
      const tree = growTree(rows, options);
      return tree.kind === 'split' ? tree.feature : null;
    };
    expect(first()).toBe('has:kit');
    expect(first({ ...DEFAULT_TREE_OPTIONS, tieRank: (f) => (f.startsWith('has:') ? 1 : 0) })).toBe('work');
  });

  it('learns a condition: billed when a material was used, not otherwise', () => {
    const rows = [
      ...repeat(40, ['jt:1', 'k:Material'], true),
      ...repeat(2, ['jt:1', 'k:Material'], false),
      ...repeat(30, ['jt:1'], false),
    ];
    const tree = growTree(rows);
    expect(tree.kind).toBe('split');
    if (tree.kind !== 'split') return;
    expect(tree.feature).toBe('k:Material');
    const yes = predictTree(tree, new Set(['jt:1', 'k:Material']));
    const no = predictTree(tree, new Set(['jt:1']));
    expect(yes.p).toBeGreaterThan(0.9);
    expect(yes.positives).toBe(40);
    expect(yes.n).toBe(42);
    expect(no.p).toBeLessThan(0.1);
    expect(yes.path).toEqual([{ feature: 'k:Material', present: true }]);
  });

  it('learns a conjunction (job type and not a member) two levels deep', () => {
    const rows = [
      ...repeat(30, ['jt:1', 'm:0'], true),
      ...repeat(30, ['jt:1', 'm:1'], false),
      ...repeat(30, ['jt:2', 'm:0'], false),
      ...repeat(30, ['jt:2', 'm:1'], false),
    ];
    const tree = growTree(rows);
    expect(predictTree(tree, new Set(['jt:1', 'm:0'])).p).toBeGreaterThan(0.9);
    expect(predictTree(tree, new Set(['jt:1', 'm:1'])).p).toBeLessThan(0.1);
    expect(predictTree(tree, new Set(['jt:2', 'm:0'])).p).toBeLessThan(0.1);
  });

  it('does not split on noise: a feature unrelated to the label stays out', () => {
    // Alternating labels, a feature present on every third row: no significant split.
    const rows = Array.from({ length: 60 }, (_, i) => row(i % 3 === 0 ? ['w:noise'] : [], i % 2 === 0));
    const tree = growTree(rows);
    expect(tree.kind).toBe('leaf');
    expect(treeLeaves(tree)).toHaveLength(1);
    expect(predictTree(tree, new Set(['w:noise'])).p).toBeCloseTo(0.5, 1);
  });

  it('a small sample is shrunk toward its parent instead of claiming certainty', () => {
    const rows = [...repeat(6, ['a'], true), ...repeat(60, [], false)];
    const tree = growTree(rows);
    const leaf = predictTree(tree, new Set(['a']));
    expect(leaf.positives).toBe(6);
    expect(leaf.p).toBeLessThan(1);
    expect(leaf.p).toBeGreaterThan(0.6);
  });

  it('respects exclusions (a SKU never explains itself)', () => {
    const rows = [...repeat(30, ['s:7', 'x'], true), ...repeat(30, [], false)];
    const tree = growTree(rows, { ...DEFAULT_TREE_OPTIONS, exclude: (f) => f === 's:7' });
    expect(tree.kind === 'split' && tree.feature).toBe('x');
  });

  it('is deterministic when features tie', () => {
    const rows = [...repeat(20, ['b', 'a'], true), ...repeat(20, [], false)];
    const first = growTree(rows);
    const second = growTree([...rows].reverse());
    expect(first.kind === 'split' && first.feature).toBe('a');
    expect(second.kind === 'split' && second.feature).toBe('a');
  });
});

describe('growTree: every node counts exactly the rows that reach it', () => {
  it('splits each node on the feature with the largest G over its own rows', () => {
    // A seeded mix of a three-feature rule and noise, deep enough for several levels, with
    // extras per row as the policy learner gives them.
    let state = 7;
    const random = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    const rows: TreeRow[] = Array.from({ length: 1500 }, () => {
      const features = ['a', 'b', 'c', 'd', 'e', 'f'].filter(() => random() < 0.5);
      const extra = random() < 0.3 ? ['x'] : [];
      const rule = features.includes('a') && (features.includes('b') || extra.includes('x'));
      return {
        features: new Set(features),
        extra,
        label: random() < (rule ? 0.9 : features.includes('c') ? 0.3 : 0.05),
      };
    });
    const tree = growTree(rows, { ...DEFAULT_TREE_OPTIONS, alpha: 0.2 });
    const has = (r: TreeRow, f: string) => r.features.has(f) || (r.extra ?? []).includes(f);
    let splits = 0;
    const check = (node: ReturnType<typeof growTree>, reaching: TreeRow[]) => {
      const pos = reaching.filter((r) => r.label).length;
      expect([node.n, node.positives]).toEqual([reaching.length, pos]);
      if (node.kind === 'leaf') return;
      splits += 1;
      const g = (f: string) => {
        const yes = reaching.filter((r) => has(r, f));
        return gStatistic(yes.length, yes.filter((r) => r.label).length, reaching.length, pos);
      };
      const best = Math.max(...['a', 'b', 'c', 'd', 'e', 'f', 'x'].map(g));
      expect(g(node.feature)).toBeCloseTo(best, 9);
      check(
        node.yes,
        reaching.filter((r) => has(r, node.feature)),
      );
      check(
        node.no,
        reaching.filter((r) => !has(r, node.feature)),
      );
    };
    check(tree, rows);
    expect(splits).toBeGreaterThanOrEqual(3);
    // The same extras given as shared lists grow the same tree.
    const shared = [['x'], []] as const;
    const listed = rows.map((r) => ({
      features: r.features,
      extraLists: [(r.extra ?? []).length ? shared[0] : shared[1]],
      label: r.label,
    }));
    expect(growTree(listed, { ...DEFAULT_TREE_OPTIONS, alpha: 0.2 })).toEqual(tree);
  });
});

describe('testableCriticalG', () => {
  it('does not charge the level for features too rare to ever be significant', () => {
    // 40 rows, 14 positive: a feature on 4 rows can reach G 9.3 at most.
    expect(maxG(4, 40, 14)).toBeCloseTo(9.26, 1);
    const rare = Array<number>(200).fill(maxG(4, 40, 14));
    const strong = gStatistic(12, 0, 40, 14);
    const critical = testableCriticalG([strong, ...rare], 0.05);
    expect(critical).toBeLessThan(strong);
    // Bonferroni over all 201 would have refused the split.
    expect(criticalG(0.05 / 201)).toBeGreaterThan(strong);
    // With every feature able to reach significance, it is Bonferroni again.
    expect(testableCriticalG(Array<number>(50).fill(100), 0.05)).toBeCloseTo(criticalG(0.05 / 50), 6);
  });

  it('lets a tree split on a clean condition among many rare, uninformative features', () => {
    // 12 members never billed; the 28 others half and half; 200 features on 4 rows each.
    const rows: TreeRow[] = Array.from({ length: 40 }, (_, i) => {
      const features = Array.from({ length: 200 }, (_, k) => k)
        .filter((k) => [k, k + 10, k + 20, k + 30].some((r) => r % 40 === i))
        .map((k) => `w:noise${k}`);
      return row(i < 12 ? ['mem', ...features] : features, i >= 12 && i % 2 === 0);
    });
    const tree = growTree(rows);
    expect(tree.kind === 'split' && tree.feature).toBe('mem');
    expect(predictTree(tree, new Set(['mem'])).positives).toBe(0);
  });
});
