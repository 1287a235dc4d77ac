import { describe, expect, it } from 'vitest';
import { compareEstimates, type DraftLineInput, reviewableDifferences } from './estimate-compare.ts';
import { type Estimate, estimatesOfJob } from './estimate-schema.ts';

const item = (
  id: number,
  skuId: number,
  qty: number,
  unitRate: number,
  chargeable: boolean | null = true,
) => ({
  id,
  sku: { id: skuId, displayName: `SKU ${skuId}` },
  description: '',
  qty: String(qty),
  unitRate: String(unitRate),
  total: String(qty * unitRate),
  chargeable,
});
const estimate = (id: number, status: string, items: ReturnType<typeof item>[], jobId = 1): Estimate => ({
  id,
  jobId,
  name: `Option ${id}`,
  status: { value: 1, name: status },
  items,
});
const line = (
  key: string,
  skuId: number,
  quantity: string,
  total: string,
  type = 'Material',
): DraftLineInput => ({
  key,
  skuId,
  skuCode: `S${skuId}`,
  skuName: `SKU ${skuId}`,
  type,
  quantity,
  unitPrice: total,
  total,
});

describe('compareEstimates', () => {
  it('classifies every sold item and every unsold line, with dollars', () => {
    const result = compareEstimates(
      [
        estimate(10, 'Sold', [
          item(1, 100, 1, 4500),
          item(2, 101, 2, 35.5),
          item(3, 102, 1, 89.99),
          item(4, 103, 1, 0, false),
        ]),
        estimate(11, 'Dismissed', [item(5, 200, 1, 650)]),
        estimate(12, 'Open', [item(6, 300, 1, 120)]),
      ],
      [
        line('a', 100, '1', '4500.00', 'Equipment'),
        line('b', 101, '3', '106.50'),
        line('c', 200, '1', '650.00', 'Service'),
        line('d', 300, '1', '120.00', 'Service'),
        line('e', 103, '1', '25.00'),
        line('f', 900, '1', '59.00', 'PriceModifier'),
      ],
    );
    const byClass = Object.fromEntries(result.differences.map((d) => [d.skuId, d.class]));
    expect(byClass).toEqual({
      100: 'same',
      101: 'qty_changed',
      102: 'sold_not_invoiced',
      103: 'non_chargeable',
      200: 'declined_on_invoice',
      300: 'added_on_invoice',
    });
    expect(result.differences.find((d) => d.skuId === 101)?.dollarImpact).toBe('35.50');
    expect(result.suggestions).toEqual([
      expect.objectContaining({
        skuId: 102,
        quantity: '1',
        unitPrice: '89.99',
        total: '89.99',
        provenance: { kind: 'estimate', estimateId: 10, itemIds: [3] },
      }),
    ]);
    expect(result.summary.sold_not_invoiced).toEqual({ count: 1, dollars: '-89.99' });
    expect(reviewableDifferences(result)).toHaveLength(5);
  });

  it('finds nothing to review when the invoice is the sold estimate', () => {
    const result = compareEstimates(
      [estimate(10, 'Sold', [item(1, 100, 2, 10.1), item(2, 100, 1, 10.1)])],
      [line('a', 100, '3', '30.30')],
    );
    expect(result.differences.map((d) => d.class)).toEqual(['same']);
    expect(reviewableDifferences(result)).toEqual([]);
    expect(result.suggestions).toEqual([]);
  });

  it('flags a price change at the same quantity', () => {
    const result = compareEstimates(
      [estimate(10, 'Sold', [item(1, 100, 1, 200)])],
      [line('a', 100, '1', '180.00')],
    );
    expect(result.differences[0]).toMatchObject({ class: 'price_changed', dollarImpact: '-20.00' });
  });

  it('without a sold estimate, flags only what the customer dismissed', () => {
    const result = compareEstimates(
      [estimate(11, 'Dismissed', [item(5, 200, 1, 650)])],
      [line('c', 200, '1', '650.00', 'Service'), line('d', 300, '1', '120.00', 'Service')],
    );
    expect(result.differences.map((d) => [d.skuId, d.class])).toEqual([[200, 'declined_on_invoice']]);
  });

  it('ignores inactive estimates and unknown statuses', () => {
    const inactive = { ...estimate(10, 'Sold', [item(1, 100, 1, 5)]), active: false };
    const odd = estimate(11, 'Converted', [item(2, 101, 1, 5)]);
    const result = compareEstimates([inactive, odd], []);
    expect(result.differences).toEqual([]);
    expect(result.estimates).toEqual([]);
  });
});

describe('estimatesOfJob', () => {
  it('takes the job’s own estimates, the one it was created from and those it lists, once each', () => {
    const all = [
      estimate(1, 'Sold', [], 7),
      estimate(2, 'Sold', [], 99),
      estimate(3, 'Open', [], 98),
      estimate(4, 'Open', [], 97),
    ];
    const mine = estimatesOfJob({ id: 7, createdFromEstimateId: 2, estimateIds: [3, 2] }, all);
    expect(mine.map((e) => e.id)).toEqual([1, 2, 3]);
  });
});
