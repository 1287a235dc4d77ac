import { describe, expect, it } from 'vitest';
import { wilsonLowerBound } from '../history/model.ts';
import { CATALOG, CATALOG_BY_ID, historyOf, ID, type PastJob, times } from '../test-fixtures.ts';
import { describeFeature, type LearnedInput, learnedSuggestions } from './learned.ts';

/** `total` past jobs whose notes said "capacitor"; the office added a contactor to `added` of them. */
function history(added: number, quantity = 1, total = 20): PastJob[] {
  return [
    ...times(added, { features: ['w:capacitor'], office: [{ skuId: ID.contactor, quantity }] }),
    ...times(total - added, { features: ['w:capacitor'] }),
  ];
}

function suggest(o: Partial<LearnedInput> = {}) {
  return learnedSuggestions({
    model: historyOf(history(19)),
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
      provenance: { kind: 'history_pattern', pattern: 'w:capacitor → CONTACTOR', support: 19 },
    });
    // The lower bound of 19 in 20, not 95%.
    expect(line!.confidence).toBeCloseTo(wilsonLowerBound(19, 20), 10);
    expect(line!.evidence[0]!.detail).toContain('notes mention "capacitor"');
    expect(line!.evidence[0]!.detail).toContain('19 of 20');
  });

  it('uses the quantity the office usually adds', () => {
    expect(suggest({ model: historyOf(history(19, 3)) })[0]!.quantity).toBe('3');
  });

  it('is only as sure of the line as the usual quantity is usual', () => {
    const mixed = [
      ...times(10, { features: ['w:capacitor'], office: [{ skuId: ID.contactor, quantity: 2 }] }),
      ...times(9, { features: ['w:capacitor'], office: [{ skuId: ID.contactor, quantity: 5 }] }),
      ...times(1, { features: ['w:capacitor'] }),
    ];
    const [line] = suggest({ model: historyOf(mixed) });
    expect(line!.quantity).toBe('2');
    expect(line!.confidence).toBeCloseTo(wilsonLowerBound(19, 20) * (10 / 19), 10);
  });

  it('does not trust a few lucky co-occurrences', () => {
    expect(suggest({ model: historyOf(history(8, 1, 10)) })).toEqual([]); // 8 in 10: bound < 0.6
  });

  it('does not suggest for a job without the feature', () => {
    expect(suggest({ features: ['jt:10'] })).toEqual([]);
  });

  it('does not suggest below the support or confidence the tenant set', () => {
    expect(suggest({ minSupport: 20 })).toEqual([]);
    expect(suggest({ model: historyOf(history(12)) })).toEqual([]); // 12 in 20: bound < 0.6
    expect(suggest({ minConfidence: 0.9 })).toEqual([]);
  });

  it('does not suggest what is already billed or inactive in the price book', () => {
    expect(suggest({ billedSkuIds: new Set([ID.contactor]) })).toEqual([]);
    const inactive = new Map(CATALOG.map((s) => [s.id, s.id === ID.contactor ? { ...s, active: false } : s]));
    expect(suggest({ catalog: inactive })).toEqual([]);
  });

  it('describes features in words', () => {
    const names = new Map([[10, 'AC Repair']]);
    expect(describeFeature('jt:10', CATALOG_BY_ID, names)).toBe('job type "AC Repair"');
    expect(describeFeature('bill>=0.25', CATALOG_BY_ID, names)).toBe(
      'technicians bill it themselves on at least 25% of jobs of this kind',
    );
    expect(describeFeature('tb>=0.75', CATALOG_BY_ID, names)).toBe(
      'technicians bill it themselves on at least 75% of jobs in this situation',
    );
    expect(describeFeature('work', CATALOG_BY_ID, names)).toBe(
      'the technician billed work (a line the office does not add itself)',
    );
    expect(describeFeature(`s:${ID.cap}`, CATALOG_BY_ID, names)).toBe('technician billed CAP-455');
    expect(describeFeature('we', CATALOG_BY_ID, names)).toBe('a weekend appointment');
    expect(describeFeature('hol:mlk', CATALOG_BY_ID, names)).toBe(
      'an appointment on Martin Luther King Jr. Day',
    );
    expect(describeFeature('hol:major', CATALOG_BY_ID, names)).toBe(
      'an appointment on a holiday most businesses close on',
    );
    expect(describeFeature('hol:shifted', CATALOG_BY_ID, names)).toBe(
      'an appointment on the weekday a weekend holiday is observed on',
    );
    expect(describeFeature('k:Equipment', CATALOG_BY_ID, names)).toBe('Equipment on the invoice');
  });
});
