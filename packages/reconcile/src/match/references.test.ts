import { describe, expect, it } from 'vitest';
import { invoice } from '../testing/invoices.ts';
import { nameSimilarity } from './customers.ts';
import { findReferences, referenceKey } from './references.ts';
import { editDistance } from './text.ts';

const invoices = [
  invoice('a', '10234', [1, 'A'], '2024-01-01', '1.00'),
  invoice('b', '10243', [1, 'A'], '2024-01-01', '1.00'),
  invoice('c', 'INV-77812', [2, 'B'], '2024-01-01', '1.00'),
];

describe('invoice references in text', () => {
  it('normalises prefixes and leading zeros', () => {
    expect(['INV-10234', 'inv#10234', 'Invoice10234', '0010234', 'NO10234'].map(referenceKey)).toEqual(
      Array(5).fill('10234'),
    );
    expect(referenceKey('PO-10234')).toBe('PO10234');
  });

  it('prefers the exact number over a typo of another invoice', () => {
    const hits = findReferences(['payment for 10243'], invoices);
    expect([...hits.keys()]).toEqual(['b']);
    expect(hits.get('b')?.kind).toBe('exact');
  });

  it('finds a typo of a 5+ digit number, but not of shorter ones', () => {
    expect(findReferences(['inv 77821'], invoices).get('c')?.kind).toBe('fuzzy');
    expect(findReferences(['inv 7812'], invoices).get('c')?.kind).toBe('fuzzy');
    const short = [invoice('s', '1234', [1, 'A'], '2024-01-01', '1.00')];
    expect(findReferences(['inv 1243'], short).size).toBe(0);
  });

  it('reads the amount written after each number, in the order written', () => {
    const hits = findReferences(['INV 10243: $1,250.00, INV 10234 - 75.50'], invoices);
    expect(hits.get('b')?.requestedAmount?.toFixed(2)).toBe('1250.00');
    expect(hits.get('a')?.requestedAmount?.toFixed(2)).toBe('75.50');
    expect((hits.get('b')?.position ?? 0) < (hits.get('a')?.position ?? 0)).toBe(true);
  });

  it('counts a transposition as one edit', () => {
    expect(editDistance('10234', '10243')).toBe(1);
    expect(editDistance('10234', '1034')).toBe(1);
    expect(editDistance('10234', '13204')).toBe(2);
  });
});

describe('customer names', () => {
  it.each([
    ['SMITH JOHN', 'John Smith', 1],
    ['ACME PLUMBING', 'Acme Plumbing, LLC', 1],
    ['J SMITH', 'John Smith', 0.875],
  ])('%s ~ %s', (a, b, expected) => {
    expect(nameSimilarity(a, b)).toBeCloseTo(expected, 2);
  });

  it('scores unrelated names low', () => {
    expect(nameSimilarity('MARY LEE', 'John Smith')).toBeLessThan(0.3);
  });
});
