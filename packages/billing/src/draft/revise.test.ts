import { fromAmountString, sum } from '@invoicer/core';
import { describe, expect, it } from 'vitest';
import { priceStage, technicianLines } from '../pipeline.ts';
import { ID, item, jobContext, knowledge, proposed } from '../test-fixtures.ts';
import type { JobContext, PricedLine } from '../types.ts';
import { type DraftEdit, DraftEditError, reviseDraft } from './revise.ts';

const K = knowledge();
const USER = 'user-7';

const AUSTIN = {
  id: 3,
  name: 'Austin',
  isTaxRateSeparated: false,
  rates: [{ taxName: 'Texas', taxBaseType: ['Subtotal'], taxRate: '0.0825' }],
};

/** A drafted invoice: the technician's capacitor (entered at 70.00) plus a trip charge we added. */
function start(o: { membership?: JobContext['membership'] } = {}) {
  const context = jobContext({
    taxZone: AUSTIN,
    membership: o.membership ?? null,
    invoice: { items: [item(1, { skuId: ID.cap, unitPrice: '70.00', quantity: '1' })], total: '70.00' },
  });
  const lines: PricedLine[] = priceStage(context, K, [
    ...technicianLines(context, new Map()),
    proposed(ID.trip, { key: `rule:tripCharge:${ID.trip}`, confidence: 0.8 }),
  ]);
  return { context, lines };
}

function revise(edits: DraftEdit[], o: Parameters<typeof start>[0] = {}) {
  const { context, lines } = start(o);
  return reviseDraft(context, K, lines, [], edits, USER).document;
}

const line = (doc: { lines: PricedLine[] }, key: string) => doc.lines.find((l) => l.key === key);
const expectTotals = (doc: ReturnType<typeof revise>) => {
  expect(doc.subTotal).toBe(sum(doc.lines.map((l) => fromAmountString(l.total))).toFixed(2));
  expect(doc.total).toBe(fromAmountString(doc.subTotal).plus(fromAmountString(doc.salesTax)).toFixed(2));
};

describe('reviseDraft', () => {
  it('with no edits reproduces the draft: technician price kept, added lines priced from the book', () => {
    const doc = revise([]);
    expect(line(doc, 'item:1')).toMatchObject({
      unitPrice: '70.00',
      priceBasis: 'as entered by the technician',
    });
    expect(line(doc, `rule:tripCharge:${ID.trip}`)).toMatchObject({ unitPrice: '89.00' });
    expect(doc.subTotal).toBe('159.00');
    expect(doc.salesTax).toBe('5.78'); // only the capacitor is taxable: 70 × 8.25 %
    expect(doc.total).toBe('164.78');
    expect(doc.removals).toEqual([]);
  });

  it('adds a line priced by the price book, attributed to the user', () => {
    const doc = revise([{ op: 'add', skuId: ID.copper, quantity: '12' }]);
    const added = doc.lines.find((l) => l.skuId === ID.copper)!;
    expect(added).toMatchObject({
      origin: 'added',
      quantity: '12',
      unitPrice: '6.50',
      total: '78.00',
      confidence: 1,
      provenance: { kind: 'human', userId: USER },
    });
    expect(added.key).toMatch(/^human:12:/);
    expect(doc.subTotal).toBe('237.00');
    expect(doc.diff.added.map((a) => a.skuCode)).toContain('CU-34');
    expectTotals(doc);
  });

  it('adds at the member price for a member (edits are priced, never typed)', () => {
    const doc = revise([{ op: 'add', skuId: ID.cap, quantity: '1' }], {
      membership: { id: 1, status: 'Active', active: true, membershipTypeId: 1 },
    });
    expect(doc.lines.find((l) => l.provenance.kind === 'human')!.unitPrice).toBe('55.00');
  });

  it('removes a technician item and records it for removal from ServiceTitan', () => {
    const doc = revise([{ op: 'remove', key: 'item:1' }]);
    expect(line(doc, 'item:1')).toBeUndefined();
    expect(doc.removals).toEqual([{ itemId: 1, skuCode: 'CAP-455' }]);
    expect(doc.total).toBe('89.00');
  });

  it('removes an added line without a ServiceTitan removal', () => {
    const doc = revise([{ op: 'remove', key: `rule:tripCharge:${ID.trip}` }]);
    expect(doc.removals).toEqual([]);
    expect(doc.subTotal).toBe('70.00');
  });

  it('changes a technician quantity, keeping their unit price and marking the line changed', () => {
    const doc = revise([{ op: 'quantity', key: 'item:1', quantity: '2' }]);
    expect(line(doc, 'item:1')).toMatchObject({
      quantity: '2',
      unitPrice: '70.00',
      total: '140.00',
      origin: 'changed',
      confidence: 1,
      provenance: { kind: 'human', userId: USER },
    });
    expect(doc.diff.changed).toEqual([{ key: 'item:1', skuCode: 'CAP-455', from: '1', to: '2' }]);
    expectTotals(doc);
  });

  it('changes an added line’s quantity and keeps its provenance', () => {
    const doc = revise([{ op: 'quantity', key: `rule:tripCharge:${ID.trip}`, quantity: '2' }]);
    expect(line(doc, `rule:tripCharge:${ID.trip}`)).toMatchObject({
      total: '178.00',
      origin: 'added',
      provenance: { kind: 'rule' },
    });
  });

  it('swaps a SKU as remove + add at the same quantity', () => {
    const doc = revise([{ op: 'sku', key: 'item:1', skuId: ID.cap35 }]);
    expect(line(doc, 'item:1')).toBeUndefined();
    expect(doc.removals).toEqual([{ itemId: 1, skuCode: 'CAP-455' }]);
    expect(doc.lines.find((l) => l.skuId === ID.cap35)).toMatchObject({
      unitPrice: '60.00',
      origin: 'added',
    });
  });

  it('sets a price (manager edit) and records who set it', () => {
    const doc = revise([{ op: 'price', key: `rule:tripCharge:${ID.trip}`, unitPrice: '45.50' }]);
    expect(line(doc, `rule:tripCharge:${ID.trip}`)).toMatchObject({
      unitPrice: '45.50',
      total: '45.50',
      priceBasis: `set by ${USER}`,
      provenance: { kind: 'human', userId: USER },
    });
    const tech = revise([{ op: 'price', key: 'item:1', unitPrice: '60.00' }]);
    expect(line(tech, 'item:1')).toMatchObject({ unitPrice: '60.00', origin: 'changed' });
  });

  it('keeps a price a person set through a later revision', () => {
    const { context, lines } = start();
    const first = reviseDraft(
      context,
      K,
      lines,
      [],
      [{ op: 'price', key: 'item:1', unitPrice: '60.00' }],
      USER,
    );
    const second = reviseDraft(context, K, first.document.lines, first.document.removals, [], 'user-8');
    expect(line(second.document, 'item:1')).toMatchObject({ unitPrice: '60.00' });
    expect(second.document.total).toBe(first.document.total);
  });

  it('applies several edits in order', () => {
    const doc = revise([
      { op: 'add', skuId: ID.copper, quantity: '10' },
      { op: 'remove', key: `rule:tripCharge:${ID.trip}` },
      { op: 'quantity', key: 'item:1', quantity: '3' },
    ]);
    expect(doc.lines.map((l) => [l.skuId, l.quantity, l.total])).toEqual([
      [ID.cap, '3', '210.00'],
      [ID.copper, '10', '65.00'],
    ]);
    expectTotals(doc);
  });

  it('validates the result again', () => {
    const doc = revise([{ op: 'add', skuId: ID.memberDiscount, quantity: '1' }]);
    expect(doc.flags.map((f) => f.code)).toContain('membership_discount_unexpected');
    expect(doc.confidence).toBeLessThan(revise([]).confidence);
  });

  it.each<[string, DraftEdit, RegExp]>([
    ['an unknown SKU', { op: 'add', skuId: 999, quantity: '1' }, /not in the price book/],
    ['an inactive SKU', { op: 'add', skuId: ID.oldStat, quantity: '1' }, /inactive/],
    ['a zero quantity', { op: 'add', skuId: ID.cap, quantity: '0' }, /positive number/],
    ['a negative quantity', { op: 'quantity', key: 'item:1', quantity: '-1' }, /positive number/],
    ['a silly quantity', { op: 'quantity', key: 'item:1', quantity: '20000' }, /positive number/],
    ['a non-number quantity', { op: 'add', skuId: ID.cap, quantity: 'two' }, /positive number/],
    ['a missing line', { op: 'remove', key: 'item:99' }, /no line item:99/],
    ['a bad price', { op: 'price', key: 'item:1', unitPrice: '12.345' }, /dollar amount/],
    ['swapping to an inactive SKU', { op: 'sku', key: 'item:1', skuId: ID.oldStat }, /inactive/],
  ])('refuses %s', (_label, edit, message) => {
    expect(() => revise([edit])).toThrow(DraftEditError);
    expect(() => revise([edit])).toThrow(message);
  });
});
