// Pure parts of the queue workflow: audit data in words, reviewer corrections between two
// draft revisions, and the words of a queue search.
import { describe, expect, it } from 'vitest';
import { correctionsBetween } from '../../apps/console/src/review/corrections.ts';
import { searchWords } from '../../apps/console/src/review/queue-query.ts';
import { describeChanges, editText } from '../../apps/console/src/views/audit-changes.ts';

describe('audit changes in words', () => {
  it('describes an approval: field changes first, money formatted, who left out', () => {
    expect(
      describeChanges({
        by: { id: 'u1', name: 'Pat', role: 'billing_specialist' },
        revision: 2,
        total: '1234.5',
        before: {
          status: 'open',
          amount: '1234.50',
          needsManager: false,
          reasons: ['low_confidence'],
          runStatus: 'awaiting_review',
        },
        after: {
          status: 'approved',
          amount: '1234.50',
          needsManager: false,
          reasons: ['low_confidence'],
          runStatus: 'approved',
        },
        managerRule: [],
      }),
    ).toEqual([
      'Status: Open → Approved (posting)',
      'Run: awaiting review → approved',
      'Revision: 2',
      'Total: $1,234.50',
      'Manager approval because: none',
    ]);
  });

  it('describes draft edits as sentences and nested objects as pairs', () => {
    expect(editText({ op: 'quantity', key: 'item:70001', quantity: '2' })).toBe(
      'Changed the quantity of line item 70001 to 2',
    );
    expect(editText({ op: 'price', key: 'add:1', unitPrice: '99' })).toBe(
      'Set the unit price of line add:1 to $99.00',
    );
    expect(editText({ op: 'add', skuId: 701, quantity: '1' })).toBe('Added SKU 701 × 1');
    const lines = describeChanges({
      edits: [{ op: 'remove', key: 'item:5' }],
      item: { before: { amount: '10.00' }, after: { amount: '12.50' } },
      servicetitan: { reviewStatus: 'OnHold', verified: true },
    });
    expect(lines).toEqual([
      'Removed line item 5',
      'Item — Amount: $10.00 → $12.50',
      'Servicetitan: review status OnHold, verified yes',
    ]);
    expect(lines.join(' ')).not.toMatch(/[{}"]/);
  });
});

describe('reviewer corrections', () => {
  const line = (key: string, skuId: number, quantity: string, unitPrice: string, origin = 'technician') =>
    ({ key, skuId, quantity, unitPrice, origin }) as never;

  it('lists removed, added, quantity, SKU and price changes, nothing for an unchanged line', () => {
    const before = [
      line('a', 1, '1.00', '10.00'),
      line('b', 2, '1', '20.00', 'added'),
      line('c', 3, '2', '5.00'),
      line('d', 4, '1', '7.00'),
      line('e', 5, '1', '9.00'),
    ];
    const after = [
      line('a', 1, '1', '10'),
      line('c', 3, '3', '5.00'),
      line('d', 6, '1', '8.00'),
      line('e', 5, '1', '11.00'),
      line('f', 7, '1', '59.00', 'added'),
    ];
    const out = correctionsBetween(before, after);
    expect(out.map((c) => [c.kind, c.lineKey])).toEqual([
      ['removed', 'b'],
      ['quantity', 'c'],
      ['sku', 'd'],
      ['price', 'e'],
      ['added', 'f'],
    ]);
    expect(out[0]).toMatchObject({ origin: 'added', previousSkuId: 2, skuId: null, previousQuantity: '1' });
    expect(out[2]).toMatchObject({ previousSkuId: 4, skuId: 6 });
    expect(out[3]).toMatchObject({ previousUnitPrice: '9.00', unitPrice: '11.00' });
  });
});

describe('search words', () => {
  it('splits on spaces, drops # and punctuation around words, and bounds the input', () => {
    expect(searchWords('  #90255,  Elm   ')).toEqual(['90255', 'Elm']);
    expect(searchWords("O'Brien")).toEqual(["O'Brien"]);
    expect(searchWords('')).toBeUndefined();
    expect(searchWords('# ,')).toBeUndefined();
    expect(searchWords('a b c d e f g h')).toHaveLength(6);
    expect(searchWords('x'.repeat(100))![0]).toHaveLength(60);
  });
});
