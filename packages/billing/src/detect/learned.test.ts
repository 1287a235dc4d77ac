import { describe, expect, it } from 'vitest';
import { CATALOG, CATALOG_BY_ID, historyOf, ID, type PastJob, times } from '../test-fixtures.ts';
import { describeFeature, type LearnedInput, learnedSuggestions } from './learned.ts';

/** Ten past jobs whose notes said "capacitor"; the office added a contactor to `added` of them. */
function history(added: number, quantity = 1): PastJob[] {
  return [
    ...times(added, { features: ['w:capacitor'], office: [{ skuId: ID.contactor, quantity }] }),
    ...times(10 - added, { features: ['w:capacitor'] }),
  ];
}

function suggest(o: Partial<LearnedInput> = {}) {
  return learnedSuggestions({
    model: historyOf(history(8)),
    features: ['w:capacitor', 'jt:10'],
    catalog: CATALOG_BY_ID,
    billedSkuIds: new Set(),
    minSupport: 5,
    minConfidence: 0.6,
    ...o,
  });
}

describe('learnedSuggestions', () => {
  it('suggests what the office usually adds to jobs with the feature, with support and confidence', () => {
    const [line, ...rest] = suggest();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({
      key: `learned:${ID.contactor}`,
      skuId: ID.contactor,
      quantity: '1',
      origin: 'added',
      provenance: { kind: 'history_pattern', pattern: 'w:capacitor → CONTACTOR', support: 8 },
    });
    // Laplace-smoothed: (8 + 0.5) / (10 + 1).
    expect(line!.confidence).toBeCloseTo(8.5 / 11, 10);
    expect(line!.evidence[0]!.detail).toContain('notes mention "capacitor"');
    expect(line!.evidence[0]!.detail).toContain('8 of 10');
  });

  it('uses the quantity the office usually adds', () => {
    expect(suggest({ model: historyOf(history(8, 3)) })[0]!.quantity).toBe('3');
  });

  it('does not suggest for a job without the feature', () => {
    expect(suggest({ features: ['jt:10'] })).toEqual([]);
  });

  it('does not suggest below the support or confidence the tenant set', () => {
    expect(suggest({ minSupport: 9 })).toEqual([]);
    expect(suggest({ model: historyOf(history(5)) })).toEqual([]); // 5.5 / 11 = 0.5 < 0.6
    expect(suggest({ minConfidence: 0.8 })).toEqual([]);
  });

  it('does not suggest what is already billed or inactive in the price book', () => {
    expect(suggest({ billedSkuIds: new Set([ID.contactor]) })).toEqual([]);
    const inactive = new Map(CATALOG.map((s) => [s.id, s.id === ID.contactor ? { ...s, active: false } : s]));
    expect(suggest({ catalog: inactive })).toEqual([]);
  });

  it('describes features in words', () => {
    const names = new Map([[10, 'AC Repair']]);
    expect(describeFeature('jt:10', CATALOG_BY_ID, names)).toBe('job type "AC Repair"');
    expect(describeFeature(`s:${ID.cap}`, CATALOG_BY_ID, names)).toBe('technician billed CAP-455');
    expect(describeFeature('we', CATALOG_BY_ID, names)).toBe('a weekend appointment');
    expect(describeFeature('k:Equipment', CATALOG_BY_ID, names)).toBe('Equipment on the invoice');
  });
});
