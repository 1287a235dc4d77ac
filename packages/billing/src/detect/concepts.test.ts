// Concept SKUs are computed once per catalogue array, with the answers a fresh regex scan of the
// price book gives (issue 12: each call used to rescan it).
import { describe, expect, it } from 'vitest';
import { CATALOG, ID, sku } from '../test-fixtures.ts';
import type { CatalogSku } from '../types.ts';
import {
  ALL_CONCEPTS,
  CONCEPTS,
  conceptOfSku,
  conceptSkuIds,
  conceptSkus,
  type RuleConcept,
} from './concepts.ts';

/** The scan every call used to run. */
function scan(concept: RuleConcept, catalog: CatalogSku[]): CatalogSku[] {
  const spec = CONCEPTS[concept];
  return catalog
    .filter((s) => s.active && (spec.accepts?.(s) ?? true))
    .map((s) => {
      const name = `${s.name} ${s.code}`;
      const hits = spec.phrases.filter((p) => p.test(name)).length;
      const descHits = spec.phrases.filter((p) => p.test(s.description)).length;
      const kindRank = spec.kinds.indexOf(s.kind);
      const score = hits * 2 + descHits * 0.5 + (kindRank === -1 ? -1 : (spec.kinds.length - kindRank) * 0.5);
      return { sku: s, score, hits };
    })
    .filter((x) => x.hits > 0 && x.score > 1)
    .sort((a, b) => b.score - a.score || a.sku.id - b.sku.id)
    .map((x) => x.sku);
}

describe('concept SKUs, once per catalogue', () => {
  const catalogs: CatalogSku[][] = [
    CATALOG,
    // Inactive entries, ties broken by id, SKUs that match several concepts.
    [
      ...CATALOG.map((s) => (s.id === ID.trip ? { ...s, active: false } : s)),
      sku(9001, { kind: 'fee', name: 'Dispatch / trip fee', code: 'DISP' }),
      sku(9000, { kind: 'fee', name: 'Trip fee (dispatch)', code: 'TRIP2' }),
      sku(9002, { kind: 'service', name: 'Emergency haul away', code: 'EHA' }),
      sku(9003, { kind: 'material', name: 'Shop supplies and permit', code: 'SUP-PRM' }),
    ],
    [],
  ];

  it.each(catalogs.map((c, i) => [i, c] as const))(
    'catalogue %i: the same SKUs, in the same order',
    (_, catalog) => {
      for (const concept of ALL_CONCEPTS) {
        const expected = scan(concept, catalog);
        expect(conceptSkus(concept, catalog)).toEqual(expected);
        expect(conceptSkus(concept, catalog)).toEqual(expected); // from the memo
        expect([...conceptSkuIds(concept, catalog)]).toEqual(expected.map((s) => s.id));
      }
      for (const s of [...catalog, sku(123_456)]) {
        const expected = ALL_CONCEPTS.find((c) => scan(c, catalog).some((x) => x.id === s.id)) ?? null;
        expect(conceptOfSku(catalog, s.id)).toBe(expected);
      }
    },
  );

  it('names a SKU of several concepts by the first of them', () => {
    const catalog = catalogs[1]!;
    expect(scan('afterHours', catalog).some((s) => s.id === 9002)).toBe(true);
    expect(scan('disposal', catalog).some((s) => s.id === 9002)).toBe(true);
    expect(conceptOfSku(catalog, 9002)).toBe('afterHours');
  });

  it('hands out a copy: changing it does not change the next answer', () => {
    const first = conceptSkus('tripCharge', CATALOG);
    first.length = 0;
    expect(conceptSkus('tripCharge', CATALOG).map((s) => s.id)).toEqual([ID.trip]);
  });

  it('keeps catalogues apart: another array is scanned afresh', () => {
    const without = CATALOG.filter((s) => s.id !== ID.trip);
    expect(conceptSkus('tripCharge', CATALOG).map((s) => s.id)).toEqual([ID.trip]);
    expect(conceptSkus('tripCharge', without)).toEqual([]);
    expect(conceptOfSku(without, ID.trip)).toBeNull();
  });
});

describe('refrigerant', () => {
  it('is the gas (a part, or sold by weight), not a task or a fee that names it', () => {
    const catalog = [
      sku(1, { kind: 'service', code: 'HV-REP-325', name: 'Electronic Refrigerant Leak Search' }),
      sku(2, { kind: 'fee', code: 'REF-HANDLING', name: 'Refrigerant Handling Fee' }),
      sku(3, { kind: 'material', code: 'RFG-454B', name: 'R-454B Refrigerant (per lb)' }),
      sku(4, { kind: 'service', code: 'RFG-22', name: 'R-22 Refrigerant', unitOfMeasure: 'lb' }),
    ];
    expect(conceptSkus('refrigerant', catalog).map((s) => s.code)).toEqual(['RFG-454B', 'RFG-22']);
    expect(conceptOfSku(catalog, 1)).toBeNull();
  });
});
