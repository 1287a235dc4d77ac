import { Decimal, parseTenantSettings } from '@invoicer/core';
import { describe, expect, it } from 'vitest';
import { priceLines } from '../price/pricing.ts';
import { proposed, sku } from '../test-fixtures.ts';
import type { CatalogSku, ItemType } from '../types.ts';
import { withConventions } from './index.ts';
import { inferPercentageBases, percentageOf, specFor } from './percentage.ts';
import type { PastInvoice } from './types.ts';

// A price book with the kinds of line shops leave out of a percentage: fee-like services and
// permits (by category), labor SKUs, refrigerant among the materials, equipment.
const FEES = 100;
const PERMITS = 101;
const TASKS = 102;
const LABOR = 103;
const PARTS = 200;
const REFRIGERANT = 201;
const UNITS = 300;

const svc = (id: number, cat: number, price: string, o: Partial<CatalogSku> = {}) =>
  sku(id, { kind: 'service', code: `S${id}`, price, categoryIds: [cat], ...o });
const CATALOG_LIST: CatalogSku[] = [
  svc(1, FEES, '59.00', { code: 'TRUCK', categoryNames: ['Fees'] }),
  svc(2, PERMITS, '150.00', { code: 'PERMIT', categoryNames: ['Permits'] }),
  svc(3, TASKS, '189.00'),
  svc(4, TASKS, '595.00'),
  svc(5, LABOR, '135.00', { isLabor: true }),
  sku(10, { kind: 'material', code: 'PART-A', price: '24.00', categoryIds: [PARTS] }),
  sku(11, { kind: 'material', code: 'PART-B', price: '285.00', categoryIds: [PARTS] }),
  sku(12, { kind: 'material', code: 'R404A', price: '42.00', categoryIds: [REFRIGERANT] }),
  sku(20, { kind: 'equipment', code: 'UNIT', price: '1650.00', categoryIds: [UNITS] }),
  sku(30, { kind: 'fee', code: 'ADMIN', price: '25.00', amountType: 'Fixed', amount: '25' }),
  // The percentage SKUs, as the price book states them.
  sku(50, {
    kind: 'fee',
    code: 'SUPPLIES',
    amountType: 'Percentage',
    amount: '0.1',
    limit: '40.00',
    taxable: false,
  }),
  sku(51, { kind: 'fee', code: 'FUEL', amountType: 'Percentage', amount: '0.03' }),
  sku(52, { kind: 'discount', code: 'PARTS-10', amountType: 'Percentage', amount: '0.1' }),
  sku(53, { kind: 'discount', code: 'SENIOR', amountType: 'Percentage', amount: '0.1' }),
  sku(54, { kind: 'discount', code: 'CLUB', amountType: 'Percentage', amount: '0.05' }),
  sku(55, { kind: 'fee', code: 'STALE', amountType: 'Percentage', amount: '0.1' }),
];
const CATALOG = new Map(CATALOG_LIST.map((s) => [s.id, s]));
const TYPE: Record<string, ItemType> = {
  service: 'Service',
  material: 'Material',
  equipment: 'Equipment',
  fee: 'PriceModifier',
  discount: 'PriceModifier',
};

function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return {
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p: number) => next() < p,
  };
}

/** The shop's rule, written out independently of the code under test. */
interface Truth {
  skuId: number;
  inBase: (s: CatalogSku) => boolean;
  rate: string;
  cap?: string;
}

const ORDINARY = [1, 2, 3, 4, 5, 10, 11, 12, 20, 30];

function history(truth: Truth, o: { count?: number; seed?: number; edited?: number } = {}): PastInvoice[] {
  const r = rng(o.seed ?? 5);
  const out: PastInvoice[] = [];
  for (let n = 0; n < (o.count ?? 120); n++) {
    const lines: PastInvoice['lines'] = [];
    for (const id of ORDINARY) {
      if (!r.chance(id === 20 ? 0.15 : 0.45)) continue;
      const s = CATALOG.get(id)!;
      const quantity = new Decimal(s.isLabor || id === 12 || id === 10 ? r.int(1, 6) : 1);
      const unitPrice = new Decimal(s.amountType === 'Fixed' ? s.amount! : s.price);
      lines.push({
        skuId: id,
        itemType: TYPE[s.kind]!,
        quantity,
        unitPrice,
        total: unitPrice.times(quantity),
        taxable: true,
      });
    }
    const base = lines
      .filter((l) => truth.inBase(CATALOG.get(l.skuId!)!))
      .reduce((a, l) => a.plus(l.total), new Decimal(0));
    let amount = Decimal.max(base, 0).times(truth.rate).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    if (truth.cap && amount.gt(truth.cap)) amount = new Decimal(truth.cap);
    if (o.edited && r.chance(o.edited)) amount = amount.plus(r.int(1, 500) / 100);
    const mod = CATALOG.get(truth.skuId)!;
    const signed = mod.kind === 'discount' ? amount.negated() : amount;
    lines.push({
      skuId: mod.id,
      itemType: 'PriceModifier',
      quantity: new Decimal(1),
      unitPrice: signed,
      total: signed,
      taxable: false,
    });
    out.push({
      invoiceId: n + 1,
      completedOn: `2026-03-${String((n % 28) + 1).padStart(2, '0')}T15:00:00Z`,
      zone: null,
      salesTax: new Decimal(0),
      lines,
    });
  }
  return out;
}

const learn = (truth: Truth, o?: Parameters<typeof history>[1]) => {
  const found = inferPercentageBases(history(truth, o), CATALOG);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('inferPercentageBases', () => {
  it('finds "10 % of the Material lines (not equipment), capped at $40"', () => {
    const truth: Truth = { skuId: 50, inBase: (s) => s.kind === 'material', rate: '0.1', cap: '40' };
    const invoices = history(truth);
    // The cap must matter in this history for the test to mean anything.
    expect(invoices.some((i) => i.lines.find((l) => l.skuId === 50)!.total.eq(40))).toBe(true);
    const found = inferPercentageBases(invoices, CATALOG)[0]!;
    expect(found.rule).toMatchObject({ itemTypes: ['Material'], laborOnly: false, excludeCategoryIds: [] });
    expect(found.rule!.rate).toBeUndefined(); // the book's 10 % and $40 hold
    expect(found.rule!.limit).toBeUndefined();
    expect(found.agreement).toBe(1);
    expect(found.fallbackMatched).toBeLessThan(found.support);
    expect(found.description).toBe('10% of Material lines, at most 40.00');
  });

  it('finds "3 % of the labor lines"', () => {
    const found = learn({ skuId: 51, inBase: (s) => s.isLabor, rate: '0.03' });
    expect(found.rule).toMatchObject({ laborOnly: true, excludeCategoryIds: [] });
    expect(found.rule!.itemTypes).toBeUndefined();
    expect(found.agreement).toBe(1);
  });

  it('finds "10 % off parts: Material lines other than refrigerant" (one category left out)', () => {
    const found = learn({
      skuId: 52,
      inBase: (s) => s.kind === 'material' && !s.categoryIds!.includes(REFRIGERANT),
      rate: '0.1',
    });
    expect(found.rule).toMatchObject({ itemTypes: ['Material'], excludeCategoryIds: [REFRIGERANT] });
    expect(found.agreement).toBe(1);
    expect(found.description).toContain('except category 201 (R404A)');
  });

  it('finds "10 % of the task lines: Service lines other than fees and permits" (two categories)', () => {
    const found = learn({
      skuId: 53,
      inBase: (s) => s.kind === 'service' && !s.categoryIds!.some((c) => c === FEES || c === PERMITS),
      rate: '0.1',
    });
    expect(found.rule).toMatchObject({ itemTypes: ['Service'], excludeCategoryIds: [FEES, PERMITS] });
    expect(found.agreement).toBe(1);
    expect(found.description).toBe('10% of Service lines except Fees, Permits');
  });

  it('keeps the price book’s reading (the subtotal) when that is what the invoices show', () => {
    const found = learn({ skuId: 54, inBase: () => true, rate: '0.05' });
    expect(found.rule).toBeNull();
    expect(found.agreement).toBe(1);
    expect(found.matched).toBe(found.fallbackMatched);
  });

  it('learns the rate the invoices use when the price book’s is stale', () => {
    const found = learn({ skuId: 55, inBase: (s) => s.kind === 'material', rate: '0.12' });
    expect(found.rule).toMatchObject({ itemTypes: ['Material'], rate: '0.12' });
    expect(found.agreement).toBe(1);
  });

  it('still picks the majority when some amounts were edited by hand', () => {
    const found = learn(
      {
        skuId: 52,
        inBase: (s) => s.kind === 'material' && !s.categoryIds!.includes(REFRIGERANT),
        rate: '0.1',
      },
      { count: 200, edited: 0.12 },
    );
    expect(found.rule).toMatchObject({ itemTypes: ['Material'], excludeCategoryIds: [REFRIGERANT] });
    expect(found.agreement).toBeGreaterThan(0.8);
    expect(found.agreement).toBeLessThan(1);
  });

  it('does not exclude a category on the strength of one invoice', () => {
    const truth: Truth = { skuId: 50, inBase: (s) => s.kind === 'material', rate: '0.1', cap: '40' };
    // One invoice whose amount happens to leave out the refrigerant.
    const invoices = history(truth, { count: 40 });
    const odd = invoices.findIndex(
      (i) => i.lines.some((l) => l.skuId === 12) && !i.lines.find((l) => l.skuId === 50)!.total.eq(40),
    );
    expect(odd).toBeGreaterThanOrEqual(0);
    const lines = invoices[odd]!.lines;
    const base = lines
      .filter((l) => l.skuId === 10 || l.skuId === 11)
      .reduce((a, l) => a.plus(l.total), new Decimal(0));
    const amount = base.times('0.1').toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    invoices[odd] = {
      ...invoices[odd]!,
      lines: lines.map((l) => (l.skuId === 50 ? { ...l, unitPrice: amount, total: amount } : l)),
    };
    const found = inferPercentageBases(invoices, CATALOG)[0]!;
    expect(found.rule!.excludeCategoryIds).toEqual([]);
    expect(found.matched).toBe(found.support - 1);
  });

  it('learns nothing for a SKU no past invoice carries', () => {
    expect(inferPercentageBases([], CATALOG)).toEqual([]);
  });
});

describe('pricing with a learned base', () => {
  const truth: Truth = {
    skuId: 52,
    inBase: (s) => s.kind === 'material' && !s.categoryIds!.includes(REFRIGERANT),
    rate: '0.1',
  };
  const found = inferPercentageBases(history(truth), CATALOG)[0]!;
  const lines = [
    proposed(3, { key: 'task' }),
    proposed(10, { key: 'part', quantity: '2' }),
    proposed(12, { key: 'gas', quantity: '3' }),
    proposed(20, { key: 'unit' }),
    proposed(52, { key: 'disc' }),
  ];
  const price = (settings: ReturnType<typeof parseTenantSettings>) =>
    priceLines({
      lines,
      catalog: CATALOG,
      membershipActive: false,
      customerId: 1,
      pricing: settings.pricing,
      existingDescriptions: new Map(),
    }).find((l) => l.key === 'disc')!;

  it('prices the discount on the learned base (10 % of 48.00 of parts, not the refrigerant or the unit)', () => {
    const settings = withConventions(parseTenantSettings({}), {
      asOf: null,
      invoices: 120,
      tax: { status: 'no_history' } as never,
      percentages: [found],
    });
    const disc = price(settings);
    expect(disc.total).toBe('-4.80');
    expect(disc.priceBasis).toMatch(
      /^10% of Material lines except category 201 \(R404A\): 48\.00; learned from 120 past invoices, 100% agree$/,
    );
  });

  it('prices it on the subtotal, as before, with nothing learned or pinned', () => {
    // 189 + 48 + 126 + 1650 = 2013.00 → 201.30
    expect(price(parseTenantSettings({})).total).toBe('-201.30');
  });

  it('a pinned rule wins over the learned one; pinning the convention drops learned rules', () => {
    const pinnedRule = { skuId: 52, itemTypes: ['Material' as const, 'Equipment' as const] };
    const learned = {
      asOf: null,
      invoices: 120,
      tax: { status: 'no_history' } as never,
      percentages: [found],
    };
    const pinned = withConventions(
      parseTenantSettings({ pricing: { percentageBases: [pinnedRule] } }),
      learned,
    );
    expect(price(pinned).total).toBe('-182.40'); // 10 % of 48 + 126 + 1650
    const off = withConventions(
      parseTenantSettings({ pricing: { percentageConvention: 'pinned' } }),
      learned,
    );
    expect(price(off).total).toBe('-201.30');
  });

  it('computes the same amount the inference matched against', () => {
    const spec = specFor(CATALOG.get(52)!, found.rule!);
    for (const inv of history(truth, { count: 30, seed: 9 })) {
      const target = inv.lines.find((l) => l.skuId === 52)!.total.abs();
      const of = percentageOf(
        spec,
        inv.lines
          .filter((l) => l.skuId !== 52)
          .map((l) => ({ skuId: l.skuId, itemType: l.itemType, total: l.total })),
        CATALOG,
      );
      expect(of.amount.toFixed(2)).toBe(target.toFixed(2));
    }
  });
});
