import { describe, expect, it } from 'vitest';
import { feeRow, skuRow } from './catalog-map.ts';

describe('catalogue rows for search', () => {
  it('carry the trade synonyms of their words, so a note saying "Romex" finds "NM-B Cable"', () => {
    const row = skuRow(
      'material',
      { id: 7, code: 'MAT-NM-122', displayName: 'NM-B Cable 12/2 (per ft)', categories: [] } as never,
      new Map(),
    );
    expect(row.searchText).toContain('NM-B Cable 12/2');
    expect(row.searchText).toMatch(/\bromex\b/);
    const fee = feeRow({ id: 8, code: 'AFCI-FEE', displayName: 'AFCI Breaker Fee', type: 'Fee' } as never);
    expect(fee.searchText).toMatch(/\barc fault\b/);
  });
});
