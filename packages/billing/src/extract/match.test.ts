import { describe, expect, it } from 'vitest';
import { mentionsOf, sku, vocabularyOf } from '../test-fixtures.ts';
import { normaliseSpec, scoreCandidates, skuSoldBy } from './match.ts';

const ROMEX = sku(1, {
  kind: 'material',
  code: 'MAT-NM-63',
  name: 'NM-B Cable 6/3 (per ft)',
  unitOfMeasure: 'Foot',
});
const EMT = sku(2, {
  kind: 'material',
  code: 'MAT-EMT-34',
  name: 'EMT Conduit 3/4" (per ft)',
  unitOfMeasure: 'Foot',
});
const OIL = sku(3, { kind: 'material', code: '50072', name: 'GEN OIL 5W-30 SYNTHETIC (QT)' });

describe('scoreCandidates', () => {
  it('a trade synonym covers the name it stands for: "Romex" is the NM-B cable', () => {
    const catalog = [ROMEX, EMT];
    const [mention] = mentionsOf('Installed 46 linear feet of new 6-3 Romex.', vocabularyOf(catalog));
    expect(mention).toMatchObject({ quantity: 46, unit: 'foot' });
    const [best] = scoreCandidates(
      mention!,
      catalog.map((s) => ({ sku: s, similarity: 0, historyVotes: 0 })),
      vocabularyOf(catalog),
    );
    expect(best!.sku.code).toBe('MAT-NM-63');
    // Above what the local chooser needs to pick a SKU (decideFromScores: 0.42).
    expect(best!.score).toBeGreaterThan(0.42);
  });
});

describe('scoreCandidates: the work the clause states', () => {
  it('"flame sensor, cleaned" is the task that cleans it, not the one that replaces it', () => {
    const clean = sku(1, { kind: 'service', code: 'HV-REP-346', name: 'Clean Flame Sensor' });
    const replace = sku(2, { kind: 'service', code: 'HV-REP-347', name: 'Replace Flame Sensor' });
    const catalog = [replace, clean];
    const score = (note: string) => {
      const [mention] = mentionsOf(note, vocabularyOf(catalog));
      return scoreCandidates(
        mention!,
        catalog.map((s) => ({ sku: s, similarity: 0, historyVotes: 0 })),
        vocabularyOf(catalog),
      );
    };
    const [best, second] = score('dirty/carboned flae sens, clnd');
    expect(best!.sku.code).toBe('HV-REP-346');
    expect(best!.score - second!.score).toBeGreaterThanOrEqual(0.04);
    expect(score('flame sensor cracked - replaced')[0]!.sku.code).toBe('HV-REP-347');
  });
});

describe('scoreCandidates: sizes', () => {
  it('a size the note gives covers the size word of the name: "sixteen 16x20x2 filters"', () => {
    const filter = (id: number, size: string) =>
      sku(id, { code: `MAT-FLT-${size}`, name: `Pleated Air Filter ${size} MERV 11` });
    const catalog = [filter(1, '16x20x2'), filter(2, '16x25x1'), filter(3, '20x25x4')];
    const [mention] = mentionsOf('Installed sixteen 16x20x2 filters.', vocabularyOf(catalog));
    expect(mention).toMatchObject({ quantity: 16, specs: ['16x20x2'] });
    const [best, second] = scoreCandidates(
      mention!,
      catalog.map((s) => ({ sku: s, similarity: 0, historyVotes: 0 })),
      vocabularyOf(catalog),
    );
    expect(best!.sku.code).toBe('MAT-FLT-16x20x2');
    expect(best!.score).toBeGreaterThan(0.42);
    expect(best!.components.coverage).toBeGreaterThan(second!.components.coverage);
  });
});

describe('skuSoldBy', () => {
  it('reads the unit from the unit of measure or the name', () => {
    expect(skuSoldBy('foot', ROMEX)).toBe(true);
    expect(skuSoldBy('quart', OIL)).toBe(true);
    expect(skuSoldBy('lb', OIL)).toBe(false);
    expect(skuSoldBy('each', ROMEX)).toBe(false);
  });
});

describe('normaliseSpec: fractional horsepower', () => {
  it('"1/4hp" in a note is the "1/4" a price book writes as "1/4 HP"', () => {
    expect(normaliseSpec('1/4hp')).toBe('1/4');
  });
});
