import { Decimal, fromAmountString, roundCents } from '@invoicer/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceStage } from '../pipeline.ts';
import {
  byId,
  CATALOG_BY_ID,
  ID,
  item,
  jobContext,
  knowledge,
  proposed,
  settings,
  sku,
} from '../test-fixtures.ts';
import type { CatalogSku, PricedLine, ProposedLine } from '../types.ts';
import { type PricingInput, priceFlags, priceLines, unitPrice } from './pricing.ts';

type Agreement = PricingInput['pricing']['agreements'][number];

function price(
  lines: ProposedLine[],
  o: {
    member?: boolean;
    customerId?: number;
    agreements?: Agreement[];
    memberPricing?: boolean;
    catalog?: Map<number, CatalogSku>;
    existing?: Map<number, string>;
  } = {},
): PricedLine[] {
  const pricing = settings({
    pricing: { agreements: o.agreements ?? [], memberPricing: o.memberPricing ?? true },
  }).pricing;
  return priceLines({
    lines,
    catalog: o.catalog ?? CATALOG_BY_ID,
    membershipActive: o.member ?? false,
    customerId: o.customerId ?? 700,
    pricing,
    existingDescriptions: o.existing ?? new Map(),
  });
}

function one(line: ProposedLine, o: Parameters<typeof price>[1] = {}): PricedLine {
  const [priced, ...rest] = price([line], o);
  expect(rest).toEqual([]);
  return priced!;
}

describe('price book', () => {
  it('prices a line at the list price times quantity, with the SKU’s type, name and taxability', () => {
    const line = one(proposed(ID.cap, { quantity: '2' }));
    expect(line).toMatchObject({
      unitPrice: '65.00',
      total: '130.00',
      priceBasis: 'price book',
      type: 'Material',
      skuCode: 'CAP-455',
      description: 'Run Capacitor 45/5 MFD',
      taxable: true,
    });
    expect(one(proposed(ID.trip))).toMatchObject({ type: 'PriceModifier', taxable: false });
    expect(one(proposed(ID.condenser)).type).toBe('Equipment');
    expect(one(proposed(ID.tuneUp)).type).toBe('Service');
  });

  it('rounds each line total to cents, half up', () => {
    expect(one(proposed(ID.copper, { quantity: '2.333' })).total).toBe('15.16'); // 15.1645
    const quarter = sku(90, { price: '0.25' });
    expect(one(proposed(90, { quantity: '0.5' }), { catalog: new Map([[90, quarter]]) }).total).toBe('0.13');
  });

  it('keeps the technician’s description for an existing item', () => {
    const line = one(proposed(ID.cap, { existingItemId: 7 }), {
      existing: new Map([[7, 'Cap for condenser fan']]),
    });
    expect(line.description).toBe('Cap for condenser fan');
  });
});

describe('member price', () => {
  it('bills an active member the member price', () => {
    expect(one(proposed(ID.cap), { member: true })).toMatchObject({
      unitPrice: '55.00',
      priceBasis: 'member price',
    });
  });

  it('bills a non-member the list price', () => {
    expect(one(proposed(ID.cap), { member: false }).unitPrice).toBe('65.00');
  });

  it('bills the list price when the tenant turns member pricing off', () => {
    expect(one(proposed(ID.cap), { member: true, memberPricing: false }).unitPrice).toBe('65.00');
  });

  it('honours a member price of zero (free diagnostic for members)', () => {
    expect(one(proposed(ID.diagnostic), { member: true })).toMatchObject({
      unitPrice: '0.00',
      priceBasis: 'member price',
    });
  });

  it('falls back to the list price when the SKU has no member price', () => {
    expect(one(proposed(ID.copper), { member: true })).toMatchObject({
      unitPrice: '6.50',
      priceBasis: 'price book',
    });
  });

  it.each([
    ['an active membership', { id: 1, status: 'Active', active: true, membershipTypeId: 1 }, '55.00'],
    ['an expired membership', { id: 1, status: 'Expired', active: false, membershipTypeId: 1 }, '65.00'],
    ['no membership', null, '65.00'],
  ])('priceStage: a customer with %s pays %s', (_label, membership, expected) => {
    const context = jobContext({ membership });
    const [line] = priceStage(context, knowledge(), [proposed(ID.cap)]);
    expect(line!.unitPrice).toBe(expected);
  });
});

describe('add-on price', () => {
  it('bills an add-on at the add-on price, and a member at the add-on member price', () => {
    expect(one(proposed(ID.contactor, { addOn: true }))).toMatchObject({
      unitPrice: '35.00',
      priceBasis: 'add-on price',
    });
    expect(one(proposed(ID.contactor, { addOn: true }), { member: true })).toMatchObject({
      unitPrice: '30.00',
      priceBasis: 'add-on member price',
    });
  });

  it('bills a member the add-on price when there is no add-on member price', () => {
    const s = sku(91, { price: '45.00', addOnPrice: '35.00' });
    expect(one(proposed(91, { addOn: true }), { member: true, catalog: new Map([[91, s]]) })).toMatchObject({
      unitPrice: '35.00',
      priceBasis: 'add-on price',
    });
  });

  it('bills a member the member price for an add-on of a SKU without add-on prices', () => {
    const s = sku(93, { price: '65.00', memberPrice: '55.00' });
    expect(one(proposed(93, { addOn: true }), { member: true, catalog: new Map([[93, s]]) })).toMatchObject({
      unitPrice: '55.00',
      priceBasis: 'member price',
    });
  });

  it('bills the list price for an add-on of a SKU without add-on prices, and ignores a zero add-on price', () => {
    expect(one(proposed(ID.copper, { addOn: true })).unitPrice).toBe('6.50');
    const zero = sku(92, { price: '20.00', addOnPrice: '0.00' });
    expect(one(proposed(92, { addOn: true }), { catalog: new Map([[92, zero]]) }).unitPrice).toBe('20.00');
  });

  it('does not use the add-on price for a main line', () => {
    expect(one(proposed(ID.contactor)).unitPrice).toBe('45.00');
  });
});

describe('customer-specific pricing (agreements)', () => {
  it('sets a fixed agreement price for one SKU, naming the agreement', () => {
    const line = one(proposed(ID.cap, { quantity: '2' }), {
      agreements: [{ customerId: 700, skuId: ID.cap, price: '50.00', note: 'rate sheet 2025' }],
    });
    expect(line).toMatchObject({
      unitPrice: '50.00',
      total: '100.00',
      priceBasis: 'customer agreement (rate sheet 2025)',
    });
  });

  it('takes a percentage off every SKU of a kind, rounding to cents', () => {
    const line = one(proposed(ID.copper), {
      agreements: [{ customerId: 700, kind: 'material', percentOff: 15 }],
    });
    expect(line).toMatchObject({ unitPrice: '5.53', priceBasis: 'price book, 15% customer agreement' }); // 5.525
  });

  it('applies a percentage agreement on top of the member price', () => {
    const line = one(proposed(ID.cap), { member: true, agreements: [{ customerId: 700, percentOff: 10 }] });
    expect(line).toMatchObject({ unitPrice: '49.50', priceBasis: 'member price, 10% customer agreement' });
  });

  it('prefers the most specific agreement: SKU, then kind, then everything', () => {
    const agreements: Agreement[] = [
      { customerId: 700, percentOff: 5 },
      { customerId: 700, kind: 'material', percentOff: 10 },
      { customerId: 700, skuId: ID.cap, price: '40.00' },
    ];
    expect(one(proposed(ID.cap), { agreements }).unitPrice).toBe('40.00');
    expect(one(proposed(ID.cap35), { agreements }).unitPrice).toBe('54.00');
    expect(one(proposed(ID.tuneUp), { agreements }).unitPrice).toBe('122.55');
  });

  it('ignores another customer’s agreement', () => {
    expect(
      one(proposed(ID.cap), { agreements: [{ customerId: 701, skuId: ID.cap, price: '1.00' }] }).unitPrice,
    ).toBe('65.00');
  });
});

describe('fees and discounts', () => {
  const base = [proposed(ID.cap, { key: 'a', quantity: '2' }), proposed(ID.tuneUp, { key: 'b' })]; // 130 + 129

  it('bills a fixed fee at its price and a fixed discount as a negative amount', () => {
    expect(one(proposed(ID.trip))).toMatchObject({ unitPrice: '89.00', priceBasis: 'fixed fee' });
    expect(one(proposed(ID.coupon))).toMatchObject({
      unitPrice: '-50.00',
      total: '-50.00',
      type: 'PriceModifier',
    });
  });

  it('computes a percentage fee on the subtotal of the other lines', () => {
    const lines = price([...base, proposed(ID.fuel, { key: 'fuel' })]);
    expect(lines.find((l) => l.key === 'fuel')).toMatchObject({
      unitPrice: '12.95', // 5% of 259.00
      total: '12.95',
      priceBasis: '5% of 259.00, limit 25.00',
    });
  });

  it('caps a percentage fee at its limit', () => {
    const lines = price([proposed(ID.condenser, { key: 'c' }), proposed(ID.fuel, { key: 'fuel' })]);
    expect(lines.find((l) => l.key === 'fuel')!.total).toBe('25.00'); // 5% of 3200 = 160, limit 25
  });

  it('computes a percentage discount as a negative amount, capped at its limit', () => {
    const small = price([...base, proposed(ID.memberDiscount, { key: 'disc' })]);
    expect(small.find((l) => l.key === 'disc')!.total).toBe('-38.85'); // 15% of 259.00
    const large = price([proposed(ID.condenser, { key: 'c' }), proposed(ID.memberDiscount, { key: 'disc' })]);
    expect(large.find((l) => l.key === 'disc')!.total).toBe('-100.00'); // 480 capped at 100
  });

  it('never turns a percentage discount into a charge when the other lines net to a credit', () => {
    const lines = price([
      proposed(ID.coupon, { key: 'coupon' }),
      proposed(ID.memberDiscount, { key: 'disc' }),
    ]);
    expect(lines.find((l) => l.key === 'coupon')!.total).toBe('-50.00');
    expect(lines.find((l) => l.key === 'disc')!.total).toBe('0.00');
  });

  it('applies every percentage modifier to the same subtotal (they do not compound)', () => {
    const lines = price([
      ...base,
      proposed(ID.memberDiscount, { key: 'disc' }),
      proposed(ID.fuel, { key: 'fuel' }),
    ]);
    expect(lines.find((l) => l.key === 'disc')!.total).toBe('-38.85');
    expect(lines.find((l) => l.key === 'fuel')!.total).toBe('12.95');
  });

  it('includes fixed fees in the subtotal a percentage applies to', () => {
    const lines = price([
      proposed(ID.tuneUp, { key: 'b' }),
      proposed(ID.trip, { key: 't' }),
      proposed(ID.fuel, { key: 'fuel' }),
    ]);
    expect(lines.find((l) => l.key === 'fuel')!.unitPrice).toBe('10.90'); // 5% of 218.00
  });

  it('uses no limit when the limit is zero', () => {
    const unlimited = { ...byId(ID.fuel), limit: '0.00' };
    const catalog = new Map([...CATALOG_BY_ID, [ID.fuel, unlimited]]);
    const lines = price([proposed(ID.condenser, { key: 'c' }), proposed(ID.fuel, { key: 'fuel' })], {
      catalog,
    });
    expect(lines.find((l) => l.key === 'fuel')!.total).toBe('160.00');
  });
});

describe('lines whose price is set elsewhere', () => {
  it('keeps the technician’s price and says so', () => {
    const line = one(
      proposed(ID.cap, {
        origin: 'technician',
        existingItemId: 1,
        quantity: '3',
        unitPriceOverride: '70.00',
      }),
    );
    expect(line).toMatchObject({
      unitPrice: '70.00',
      total: '210.00',
      priceBasis: 'as entered by the technician',
    });
  });

  it('flags a technician price that differs from the price book, and not one that matches it', () => {
    const tech = (unitPriceOverride: string) =>
      proposed(ID.cap, { origin: 'technician', existingItemId: 1, unitPriceOverride });
    const off = one(tech('70.00'));
    expect(off.bookPrice).toBe('65.00');
    const flags = priceFlags([off]);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({
      code: 'price_differs_from_pricebook',
      severity: 'info',
      lineKey: off.key,
    });
    expect(flags[0]!.message).toContain('65.00');
    expect(one(tech('65.00')).bookPrice).toBeUndefined();
    expect(priceFlags([one(tech('65.00'))])).toEqual([]);
  });

  it('keeps a price a person set on an added line', () => {
    expect(one(proposed(ID.cap, { unitPriceOverride: '12.34' })).priceBasis).toBe('set by a person');
  });

  it('keeps a technician’s percentage-modifier line as entered', () => {
    const lines = price([
      proposed(ID.tuneUp, { key: 'b' }),
      proposed(ID.memberDiscount, {
        key: 'disc',
        origin: 'technician',
        existingItemId: 2,
        unitPriceOverride: '-10.00',
      }),
    ]);
    expect(lines.find((l) => l.key === 'disc')).toMatchObject({ unitPrice: '-10.00', total: '-10.00' });
  });

  it('prices an item the price book does not know at its entered price, as a material', () => {
    const line = one(proposed(999, { origin: 'technician', existingItemId: 3, unitPriceOverride: '15.00' }), {
      existing: new Map([[3, 'Misc fitting']]),
    });
    expect(line).toMatchObject({
      skuCode: '999',
      type: 'Material',
      description: 'Misc fitting',
      unitPrice: '15.00',
      total: '15.00',
    });
    expect(one(proposed(999)).total).toBe('0.00');
  });
});

describe('unitPrice', () => {
  it('reports the basis it used', () => {
    const options = { member: false, addOn: false, memberPricing: true, agreement: null };
    expect(unitPrice(byId(ID.cap), options)).toEqual({ price: new Decimal('65.00'), basis: 'price book' });
  });
});

describe('pricing properties', () => {
  const catalogSkus = [
    ID.cap,
    ID.cap35,
    ID.copper,
    ID.condenser,
    ID.tuneUp,
    ID.trip,
    ID.coupon,
    ID.contactor,
  ];
  const lineArb = fc.record({
    skuId: fc.constantFrom(...catalogSkus),
    // Quantities with up to 3 decimals, as notes and timesheets give them.
    milli: fc.integer({ min: 1, max: 50_000 }),
    addOn: fc.boolean(),
    override: fc.option(fc.integer({ min: 0, max: 500_000 }), { nil: undefined }),
  });

  it('every line total is its unit price times quantity, rounded to cents; percentage lines are bounded by their limit', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 10 }), fc.boolean(), (raw, member) => {
        const lines = raw.map((r, i) =>
          proposed(r.skuId, {
            key: `L${i}`,
            quantity: new Decimal(r.milli).div(1000).toString(),
            addOn: r.addOn,
            ...(r.override !== undefined
              ? { unitPriceOverride: new Decimal(r.override).div(100).toFixed(2) }
              : {}),
          }),
        );
        const withModifiers = [
          ...lines,
          proposed(ID.memberDiscount, { key: 'disc' }),
          proposed(ID.fuel, { key: 'fuel' }),
        ];
        const priced = price(withModifiers, { member });
        expect(priced.map((l) => l.key).sort()).toEqual(withModifiers.map((l) => l.key).sort());
        for (const l of priced) {
          expect(l.total).toMatch(/^-?\d+\.\d{2}$/);
          const expected = roundCents(fromAmountString(l.unitPrice).times(fromAmountString(l.quantity)));
          expect(l.total).toBe(expected.toFixed(2));
        }
        const disc = fromAmountString(priced.find((l) => l.key === 'disc')!.total);
        const fuel = fromAmountString(priced.find((l) => l.key === 'fuel')!.total);
        expect(disc.gte(-100)).toBe(true);
        expect(fuel.lte(25)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('pricing is deterministic: the same lines price the same way twice', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 8 }), (raw) => {
        const lines = raw.map((r, i) =>
          proposed(r.skuId, { key: `L${i}`, quantity: String(r.milli / 1000) }),
        );
        expect(price(lines)).toEqual(price(lines));
      }),
      { numRuns: 100 },
    );
  });
});

it('prices the technician’s own items from the context unchanged (priceStage)', () => {
  const context = jobContext({
    invoice: { items: [item(1, { skuId: ID.cap, unitPrice: '61.00', quantity: '2' })] },
  });
  const [line] = priceStage(context, knowledge(), [
    proposed(ID.cap, { origin: 'technician', existingItemId: 1, quantity: '2', unitPriceOverride: '61.00' }),
  ]);
  expect(line).toMatchObject({ unitPrice: '61.00', total: '122.00', description: 'Run Capacitor 45/5 MFD' });
});

describe("a member's invoice, priced the way the technician priced it", () => {
  const MAIN = sku(901, { kind: 'service', code: 'MAIN', price: '1450.00', memberPrice: '1233.00' });
  const SECOND = sku(902, { kind: 'service', code: 'SECOND', price: '295.00', memberPrice: '251.00' });
  const catalog = new Map([
    [MAIN.id, MAIN],
    [SECOND.id, SECOND],
  ]);
  const added = (techPrice: string | null) =>
    price(
      [
        ...(techPrice
          ? [proposed(MAIN.id, { key: 'main', origin: 'technician', unitPriceOverride: techPrice })]
          : []),
        proposed(SECOND.id, { key: 'second' }),
      ],
      { member: true, catalog },
    ).find((l) => l.key === 'second')!;

  it('at the regular price when the technician entered the member at regular prices', () => {
    expect(added('1450.00')).toMatchObject({ unitPrice: '295.00', priceBasis: 'price book' });
  });
  it('at the member price when the technician used member prices, or when nothing shows it', () => {
    expect(added('1233.00')).toMatchObject({ unitPrice: '251.00', priceBasis: 'member price' });
    expect(added(null)).toMatchObject({ unitPrice: '251.00', priceBasis: 'member price' });
    // A price that is neither says nothing.
    expect(added('1300.00').unitPrice).toBe('251.00');
  });
});
