import { describe, expect, it } from 'vitest';
import type { ProposedLine } from '../types.ts';
import { applyReviewerVerdicts, keptShare } from './reviewer-verdicts.ts';

const proposed = (
  skuId: number,
  confidence: number,
  origin: ProposedLine['origin'] = 'added',
): ProposedLine => ({
  key: `add:${skuId}`,
  skuId,
  quantity: '1',
  origin,
  existingItemId: null,
  provenance: { kind: 'rule', rule: 'trip', detail: '' },
  evidence: [],
  confidence,
  reason: 'test',
});

describe('reviewer verdicts on added lines', () => {
  it('caps an added line at the share of reviewers who kept it, and says why', () => {
    const [line] = applyReviewerVerdicts([proposed(7, 0.9)], new Map([[7, { kept: 1, removed: 3 }]]));
    expect(line!.confidence).toBeCloseTo(2 / 6, 10);
    expect(line!.evidence.at(-1)?.detail).toBe(
      'Reviewers removed this suggestion on 3 of 4 reviewed invoices.',
    );
  });

  it('leaves lines alone after a single removal, when reviewers keep them, or when they are the technician’s', () => {
    const verdicts = new Map([
      [1, { kept: 0, removed: 1 }],
      [2, { kept: 40, removed: 2 }],
      [3, { kept: 0, removed: 9 }],
    ]);
    const lines = [proposed(1, 0.9), proposed(2, 0.9), proposed(3, 0.95, 'technician'), proposed(4, 0.9)];
    expect(applyReviewerVerdicts(lines, verdicts)).toEqual(lines);
    expect(keptShare({ kept: 40, removed: 2 })).toBeGreaterThan(0.9);
  });

  it('never raises a line’s confidence', () => {
    const [line] = applyReviewerVerdicts([proposed(5, 0.2)], new Map([[5, { kept: 3, removed: 2 }]]));
    expect(line!.confidence).toBe(0.2);
  });
});
