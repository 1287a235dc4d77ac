import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flag, pricedLine, proposed } from '../test-fixtures.ts';
import { combineConfidence, invoiceConfidence, mergeProposals } from './confidence.ts';

describe('combineConfidence', () => {
  it('takes the best source, nudged up by each confirmation, never past 0.99', () => {
    expect(combineConfidence([])).toBe(0);
    expect(combineConfidence([0.6])).toBe(0.6);
    expect(combineConfidence([0.5, 0.8])).toBeCloseTo(0.8 + 0.2 * 0.5 * 0.35, 10);
    expect(combineConfidence([0.99, 0.99, 0.99])).toBe(0.99);
  });

  it('stays in [best, 0.99] and does not depend on order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }),
        (values) => {
          const c = combineConfidence(values);
          expect(c).toBeGreaterThanOrEqual(Math.min(0.99, Math.max(...values)) - 1e-12);
          expect(c).toBeLessThanOrEqual(0.99);
          expect(combineConfidence([...values].reverse())).toBeCloseTo(c, 12);
        },
      ),
    );
  });
});

describe('mergeProposals', () => {
  it('merges added lines for one SKU: note span first, the measured quantity, all evidence, combined confidence', () => {
    const fromNote = proposed(6, {
      key: 'note:6',
      quantity: '3',
      confidence: 0.7,
      provenance: { kind: 'note_span', noteIndex: 0, start: 0, end: 5, text: '3 lbs' },
      evidence: [{ kind: 'note_span', detail: 'note' }],
    });
    const fromHistory = proposed(6, {
      key: 'learned:6',
      quantity: '2',
      confidence: 0.6,
      provenance: { kind: 'history_pattern', pattern: 'x', support: 5, confidence: 0.6 },
      evidence: [{ kind: 'history_pattern', detail: 'history' }],
    });
    const [merged, ...rest] = mergeProposals([fromHistory, fromNote]);
    expect(rest).toEqual([]);
    expect(merged).toMatchObject({ key: 'note:6', quantity: '3', provenance: { kind: 'note_span' } });
    expect(merged!.evidence.map((e) => e.detail).sort()).toEqual(['history', 'note']);
    expect(merged!.confidence).toBeCloseTo(combineConfidence([0.7, 0.6]), 12);
  });

  it('keeps lines for different SKUs, and technician lines, apart', () => {
    const lines = [
      proposed(1, { key: 'a' }),
      proposed(2, { key: 'b' }),
      proposed(1, { key: 'item:1', origin: 'technician', existingItemId: 1 }),
    ];
    expect(mergeProposals(lines).map((l) => l.key)).toEqual(['a', 'b', 'item:1']);
  });
});

describe('invoiceConfidence', () => {
  const tech = pricedLine({ key: 't', origin: 'technician', confidence: 0.5 });

  it('ignores technician lines and multiplies the added and changed ones', () => {
    expect(invoiceConfidence([tech], [], 0)).toBe(0.99);
    const lines = [
      tech,
      pricedLine({ key: 'a', origin: 'added', confidence: 0.9 }),
      pricedLine({ key: 'c', origin: 'changed', confidence: 0.8 }),
    ];
    expect(invoiceConfidence(lines, [], 0)).toBeCloseTo(0.72, 12);
  });

  it('lowers confidence per flag by severity', () => {
    expect(invoiceConfidence([], [flag('invoice_not_editable', 'error')], 0)).toBeCloseTo(0.3, 12);
    expect(invoiceConfidence([], [flag('sku_inactive', 'warning')], 0)).toBeCloseTo(0.75, 12);
    expect(invoiceConfidence([], [flag('membership_discount_missing', 'info')], 0)).toBeCloseTo(0.95, 12);
  });

  it('lowers confidence per unplaced mention, counting at most four', () => {
    expect(invoiceConfidence([], [], 2)).toBeCloseTo(0.85 ** 2, 12);
    expect(invoiceConfidence([], [], 10)).toBeCloseTo(invoiceConfidence([], [], 4), 12);
  });

  it('lowers confidence by the residual risk, but never below 10 % of it', () => {
    expect(invoiceConfidence([], [], 0, 0.25)).toBeCloseTo(0.75, 12);
    expect(invoiceConfidence([], [], 0, 5)).toBeCloseTo(0.1, 12);
  });
});
