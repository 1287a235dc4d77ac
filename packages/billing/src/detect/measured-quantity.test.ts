import { describe, expect, it } from 'vitest';
import { mentionsOf, mentionWith, sku, vocabularyOf } from '../test-fixtures.ts';
import type { Mention } from '../text/mentions.ts';
import type { CatalogSku, ProposedLine } from '../types.ts';
import { measuredQuantity, withMeasuredQuantities } from './measured-quantity.ts';

const OIL: CatalogSku = sku(50072, { kind: 'material', code: '50072', name: 'GEN OIL 5W-30 SYNTHETIC (QT)' });
const FILTER: CatalogSku = sku(50071, {
  kind: 'material',
  code: '50071',
  name: 'GEN OIL FILTER (GENERAC 070185E)',
});

function mention(
  text: string,
  words: string[],
  quantity: number | null,
  unit: Mention['unit'],
  billable = true,
): Mention {
  return mentionWith({
    id: `0:${text}`,
    text,
    words,
    quantity,
    unit,
    polarity: billable ? 'neutral' : 'declined',
    billable,
    use: 'none',
  });
}

describe('measuredQuantity', () => {
  it('takes the figure the notes measure in the unit the SKU is sold by', () => {
    expect(measuredQuantity(OIL, [mention('OIL & FILTER (5 QT)', ['oil', 'filter'], 5, 'quart')])).toBe(5);
  });
  it('reads the figure from a note as written', () => {
    const notes = mentionsOf(
      'GEN SERVICE DUE. ANNUAL PM - OIL & FILTER (5 QT), EXERCISED.',
      vocabularyOf([OIL, FILTER]),
    );
    expect(measuredQuantity(OIL, notes)).toBe(5);
    expect(measuredQuantity(FILTER, notes)).toBeNull();
  });
  it('ignores counts, other units, other items, declined mentions and disagreeing figures', () => {
    expect(measuredQuantity(OIL, [mention('2 oil filters', ['oil', 'filter'], 2, 'each')])).toBeNull();
    expect(measuredQuantity(OIL, [mention('oil 5 ft', ['oil'], 5, 'foot')])).toBeNull();
    expect(measuredQuantity(OIL, [mention('coolant (5 QT)', ['coolant'], 5, 'quart')])).toBeNull();
    expect(measuredQuantity(OIL, [mention('oil (5 QT)', ['oil'], 5, 'quart', false)])).toBeNull();
    expect(
      measuredQuantity(OIL, [
        mention('oil (5 QT)', ['oil'], 5, 'quart'),
        mention('oil (4 QT)', ['oil'], 4, 'quart'),
      ]),
    ).toBeNull();
  });
  it('bills ounces of a per-pound SKU in pounds', () => {
    const gas = sku(1, { kind: 'material', name: 'R-410A Refrigerant (per lb)', unitOfMeasure: 'lb' });
    expect(measuredQuantity(gas, [mention('24 oz refrigerant', ['refrigerant'], 24, 'oz')])).toBe(1.5);
  });
});

describe('withMeasuredQuantities', () => {
  const line = (kind: 'history_pattern' | 'note_span'): ProposedLine => ({
    key: `policy:${OIL.id}`,
    skuId: OIL.id,
    quantity: '4',
    origin: 'added',
    existingItemId: null,
    provenance:
      kind === 'history_pattern'
        ? { kind, pattern: 'jt:1 → 50072', support: 9, confidence: 0.9 }
        : { kind, noteIndex: 0, start: 0, end: 3, text: 'oil' },
    evidence: [],
    confidence: 0.9,
    reason: 'Added.',
  });
  const notes = [mention('OIL & FILTER (5 QT)', ['oil', 'filter'], 5, 'quart')];
  it('replaces the usual quantity of a history line', () => {
    const [out] = withMeasuredQuantities([line('history_pattern')], new Map([[OIL.id, OIL]]), notes);
    expect(out!.quantity).toBe('5');
  });
  it('leaves a line read from the notes as it is', () => {
    const [out] = withMeasuredQuantities([line('note_span')], new Map([[OIL.id, OIL]]), notes);
    expect(out!.quantity).toBe('4');
  });
});
