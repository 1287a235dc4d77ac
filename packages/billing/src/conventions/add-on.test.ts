import { Decimal, parseTenantSettings } from '@invoicer/core';
import { describe, expect, it } from 'vitest';
import { priceLines } from '../price/pricing.ts';
import { proposed, sku } from '../test-fixtures.ts';
import type { CatalogSku } from '../types.ts';
import { inferAddOnPricing } from './add-on.ts';
import { describeConventions, withConventions } from './index.ts';
import type { LearnedConventions, PastInvoice } from './types.ts';

const MAIN = sku(1, { kind: 'service', code: 'MAIN', price: '1450.00', addOnPrice: '1305.00' });
const SECOND = sku(2, {
  kind: 'service',
  code: 'SECOND',
  price: '295.00',
  addOnPrice: '266.00',
  memberPrice: '251.00',
});
const CATALOG = new Map<number, CatalogSku>([
  [MAIN.id, MAIN],
  [SECOND.id, SECOND],
]);

/** Past invoices with the main task at list and the second at `second` (a price). */
function history(prices: string[]): PastInvoice[] {
  const line = (s: CatalogSku, price: string) => ({
    skuId: s.id,
    itemType: 'Service' as const,
    quantity: new Decimal(1),
    unitPrice: new Decimal(price),
    total: new Decimal(price),
    taxable: false,
  });
  return prices.map((price, i) => ({
    invoiceId: i,
    completedOn: '2026-01-01T00:00:00Z',
    zone: null,
    salesTax: new Decimal(0),
    lines: [line(MAIN, '1450.00'), line(SECOND, price)],
  }));
}

describe('inferAddOnPricing', () => {
  it('learns that a second task is billed at its add-on price', () => {
    const learned = inferAddOnPricing(history([...Array(11).fill('266.00'), '295.00']), CATALOG);
    expect(learned).toMatchObject({
      status: 'learned',
      laterTasksAtAddOn: true,
      addOn: 11,
      regular: 1,
      support: 12,
    });
  });
  it('learns the regular price just as well, and decides nothing on thin or mixed evidence', () => {
    expect(inferAddOnPricing(history(Array(12).fill('295.00')), CATALOG)).toMatchObject({
      status: 'learned',
      laterTasksAtAddOn: false,
    });
    expect(inferAddOnPricing(history(Array(5).fill('266.00')), CATALOG).status).toBe('insufficient');
    const mixed = [...Array(6).fill('266.00'), ...Array(6).fill('295.00')];
    expect(inferAddOnPricing(history(mixed), CATALOG)).toMatchObject({
      status: 'insufficient',
      laterTasksAtAddOn: null,
    });
    expect(inferAddOnPricing([], CATALOG).status).toBe('no_history');
  });
  it('learns that the first task entered, not the dearest, keeps its regular price', () => {
    // Half the invoices enter the cheap task first and bill the dear one after it at add-on.
    const firstCheap = history(Array(6).fill('295.00')).map((inv) => ({
      ...inv,
      lines: [
        { ...inv.lines[1]!, skuId: SECOND.id },
        { ...inv.lines[0]!, unitPrice: new Decimal('1305.00'), total: new Decimal('1305.00') },
      ],
    }));
    const learned = inferAddOnPricing([...firstCheap, ...history(Array(6).fill('266.00'))], CATALOG);
    expect(learned).toMatchObject({
      status: 'learned',
      laterTasksAtAddOn: true,
      laterBy: 'order',
      support: 12,
    });
    // Where the first task is also the dearest, the two readings agree and the dearest stands.
    expect(inferAddOnPricing(history(Array(12).fill('266.00')), CATALOG).laterBy).toBe('price');
  });
});

describe('pricing a task the draft adds', () => {
  const learned = (laterTasksAtAddOn: boolean): LearnedConventions => ({
    asOf: null,
    invoices: 12,
    tax: { status: 'no_history' } as never,
    percentages: [],
    addOn: inferAddOnPricing(history(Array(12).fill(laterTasksAtAddOn ? '266.00' : '295.00')), CATALOG),
  });
  const price = (
    settings: ReturnType<typeof parseTenantSettings>,
    lines = [
      proposed(MAIN.id, { key: 'main', origin: 'technician', unitPriceOverride: '1450.00' }),
      proposed(SECOND.id, { key: 'second' }),
    ],
  ) =>
    priceLines({
      lines,
      catalog: CATALOG,
      membershipActive: false,
      customerId: 1,
      pricing: settings.pricing,
      existingDescriptions: new Map(),
    }).find((l) => l.key === 'second')!;

  it('beside a dearer task, at its add-on price where the shop bills it so', () => {
    const settings = withConventions(parseTenantSettings({}), learned(true));
    expect(settings.pricing.addOnLaterTasks).toBe('yes');
    expect(price(settings)).toMatchObject({ unitPrice: '266.00', priceBasis: 'add-on price' });
    expect(describeConventions(settings, learned(true), CATALOG).addOn[0]).toMatch(/add-on price \(12 of 12/);
  });
  it('at its regular price where the shop bills that, alone, or with nothing learned; a setting pins it', () => {
    expect(price(withConventions(parseTenantSettings({}), learned(false))).unitPrice).toBe('295.00');
    expect(
      price(withConventions(parseTenantSettings({}), learned(true)), [proposed(SECOND.id, { key: 'second' })])
        .unitPrice,
    ).toBe('295.00');
    expect(price(parseTenantSettings({})).unitPrice).toBe('295.00');
    const pinned = withConventions(
      parseTenantSettings({ pricing: { addOnLaterTasks: 'no' } }),
      learned(true),
    );
    expect(price(pinned).unitPrice).toBe('295.00');
    expect(price(parseTenantSettings({ pricing: { addOnLaterTasks: 'yes' } })).unitPrice).toBe('266.00');
  });
  it('after the first task entered, at its add-on price even when dearer, where the shop bills by order', () => {
    const dearerAdded = [
      proposed(SECOND.id, { key: 'first', origin: 'technician', unitPriceOverride: '295.00' }),
      proposed(MAIN.id, { key: 'second' }),
    ];
    const byOrder = parseTenantSettings({ pricing: { addOnLaterTasks: 'yes', addOnLaterBy: 'order' } });
    expect(price(byOrder, dearerAdded)).toMatchObject({ unitPrice: '1305.00', priceBasis: 'add-on price' });
    const byPrice = parseTenantSettings({ pricing: { addOnLaterTasks: 'yes', addOnLaterBy: 'price' } });
    expect(price(byPrice, dearerAdded).unitPrice).toBe('1450.00');
    // Alone on the invoice it leads, by either reading.
    expect(price(byOrder, [proposed(MAIN.id, { key: 'second' })]).unitPrice).toBe('1450.00');
  });
  it("a member's add-on of 0 is free where members get the task free, else an unset field", () => {
    const tuneUp = (memberPrice: string) =>
      sku(3, { kind: 'service', price: '99.00', memberPrice, addOnPrice: '89.00', addOnMemberPrice: '0.00' });
    const memberPrice = (added: CatalogSku) =>
      priceLines({
        lines: [
          proposed(MAIN.id, { key: 'first', origin: 'technician', unitPriceOverride: '0.00' }),
          proposed(added.id, { key: 'second' }),
        ],
        catalog: new Map([...CATALOG, [added.id, added]]),
        membershipActive: true,
        customerId: 1,
        pricing: parseTenantSettings({ pricing: { addOnLaterTasks: 'yes', addOnLaterBy: 'order' } }).pricing,
        existingDescriptions: new Map(),
      }).find((l) => l.key === 'second')!.unitPrice;
    expect(memberPrice(tuneUp('0.00'))).toBe('0.00');
    expect(memberPrice(tuneUp('79.00'))).toBe('89.00');
  });
});
