import { Decimal, parseTenantSettings, TaxSettings } from '@invoicer/core';
import { describe, expect, it } from 'vitest';
import { computeTax } from '../tax/engine.ts';
import type { TaxZoneInput } from '../tax/types.ts';
import type { ItemType } from '../types.ts';
import { withConventions } from './index.ts';
import { conventionOf, inferTaxConvention, signTestP, taxCandidates } from './tax.ts';
import type { LearnedConventions, PastInvoice, TaxConvention } from './types.ts';

/** A small deterministic generator, so every run sees the same invoices. */
function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}

const zoneOf = (id: number, rates: [string, number, string[]][]): TaxZoneInput => ({
  id,
  name: `Zone ${id}`,
  rates: rates.map(([taxName, taxRate, taxBaseType]) => ({ taxName, taxRate, taxBaseType })),
});

// Multi-rate zones like real ones: rates on Material only, on the whole subtotal, and a mix.
const ZONES = [
  zoneOf(1, [
    ['State', 0.029, ['Material']],
    ['RTD', 0.01, ['Material']],
    ['SCFD', 0.001, ['Material']],
    ['City', 0.0481, ['Material']],
  ]),
  zoneOf(2, [
    ['State', 0.0575, ['Subtotal']],
    ['County', 0.0125, ['Subtotal']],
  ]),
  zoneOf(3, [
    ['State', 0.0625, ['Material']],
    ['City', 0.02, ['Material']],
    ['Labor', 0.0175, ['Labor']],
  ]),
];

interface GenOptions {
  seed?: number;
  count?: number;
  zones?: TaxZoneInput[];
  /** Chance a taxable discount line is on an invoice. */
  discounts?: number;
  /** Chance an invoice carries an Equipment line. */
  equipment?: number;
  lines?: [number, number];
}

function invoices(truth: TaxConvention, o: GenOptions = {}): PastInvoice[] {
  const r = rng(o.seed ?? 7);
  const zones = o.zones ?? ZONES;
  const out: PastInvoice[] = [];
  for (let n = 0; n < (o.count ?? 200); n++) {
    const [lo, hi] = o.lines ?? [2, 6];
    const lines: PastInvoice['lines'] = [];
    for (let i = r.int(lo, hi); i > 0; i--) {
      const itemType: ItemType = r.pick(['Service', 'Material', 'Material'] as const);
      const total = new Decimal(r.int(100, 90_000)).div(100);
      lines.push({
        skuId: 100 + i,
        itemType,
        quantity: new Decimal(1),
        unitPrice: total,
        total,
        taxable: r.chance(0.9),
      });
    }
    if (r.chance(o.equipment ?? 0.2)) {
      const total = new Decimal(r.int(50_000, 400_000)).div(100);
      lines.push({
        skuId: 900,
        itemType: 'Equipment',
        quantity: new Decimal(1),
        unitPrice: total,
        total,
        taxable: true,
      });
    }
    if (r.chance(o.discounts ?? 0.25)) {
      const total = new Decimal(-r.int(500, 5_000)).div(100);
      lines.push({
        skuId: 800,
        itemType: 'PriceModifier',
        quantity: new Decimal(1),
        unitPrice: total,
        total,
        taxable: true,
      });
    }
    const zone = r.pick(zones);
    const tax = computeTax(
      lines.map((l, i) => ({ key: `k${i}`, itemType: l.itemType, amount: l.total, taxable: l.taxable })),
      zone,
      { ...TaxSettings.parse({}), ...truth, exempt: false },
    );
    out.push({
      invoiceId: n + 1,
      completedOn: new Date(Date.UTC(2026, 0, 1) + n * 3_600_000).toISOString(),
      zone,
      salesTax: tax.salesTax,
      lines,
    });
  }
  return out;
}

const DEFAULT_TAX = TaxSettings.parse({});
const conv = (c: Partial<TaxConvention>): TaxConvention => ({ ...conventionOf(DEFAULT_TAX), ...c });

describe('inferTaxConvention: recognises the convention the invoices were made under', () => {
  for (const rounding of ['line', 'rate', 'invoice'] as const) {
    it(`rounding ${rounding}`, () => {
      const learned = inferTaxConvention(invoices(conv({ rounding })), DEFAULT_TAX);
      expect(learned.status).toBe('learned');
      expect(learned.convention.rounding).toBe(rounding);
      expect(learned.tied).not.toContain('rounding');
      expect(learned.agreement).toBe(1);
      expect(learned.support).toBe(learned.matched);
    });
  }

  it('taxable discounts spread over the taxed lines', () => {
    const truth = conv({ rounding: 'invoice', modifierBase: 'spread' });
    const learned = inferTaxConvention(invoices(truth, { discounts: 0.6 }), DEFAULT_TAX);
    expect(learned.status).toBe('learned');
    expect(learned.convention).toMatchObject({ rounding: 'invoice', modifierBase: 'spread' });
    expect(learned.agreement).toBe(1);
  });

  it('a Material base without equipment', () => {
    const truth = conv({ materialItemTypes: ['Material'] });
    const learned = inferTaxConvention(invoices(truth, { equipment: 0.5 }), DEFAULT_TAX);
    expect(learned.status).toBe('learned');
    expect(learned.convention.materialItemTypes).toEqual(['Material']);
  });

  it('reports which candidates come close, best first', () => {
    const learned = inferTaxConvention(invoices(conv({ rounding: 'invoice' })), DEFAULT_TAX);
    const counts = learned.candidates.map((c) => c.matched);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(learned.candidates[0]!.matched).toBe(learned.support);
    expect(learned.fallbackMatched).toBeLessThan(learned.support);
  });
});

describe('inferTaxConvention: when the history cannot or barely can tell', () => {
  it('keeps the fallback and reports the tie when every candidate reproduces the same invoices', () => {
    // One line, one rate on the subtotal, no equipment and no discounts: all roundings agree.
    const flat = [zoneOf(9, [['Only', 0.0825, ['Subtotal']]])];
    const history = invoices(conv({ rounding: 'invoice' }), {
      zones: flat,
      lines: [1, 1],
      equipment: 0,
      discounts: 0,
    });
    const fallback = TaxSettings.parse({ rounding: 'line' });
    const learned = inferTaxConvention(history, fallback);
    expect(learned.status).toBe('tie');
    expect(learned.convention.rounding).toBe('line');
    expect(learned.tied).toEqual(expect.arrayContaining(['rounding', 'modifierBase', 'materialItemTypes']));
    expect(learned.agreement).toBe(1);
    // And the settings stay as they are.
    const s = parseTenantSettings({ tax: { rounding: 'line' } });
    expect(withConventions(s, learnedOf(learned)).tax).toEqual(s.tax);
  });

  it('does not switch on a lead chance could explain', () => {
    const flat = [zoneOf(9, [['Only', 0.0825, ['Subtotal']]])];
    const history = invoices(conv({ rounding: 'invoice' }), {
      zones: flat,
      lines: [1, 1],
      equipment: 0,
      discounts: 0,
    });
    // Three invoices that only rounding once per invoice reproduces, among many that all do.
    const telling = invoices(conv({ rounding: 'invoice' }), { count: 60, seed: 3 })
      .filter((inv) => !inferTaxConvention([inv], DEFAULT_TAX).fallbackMatched)
      .slice(0, 3)
      .map((inv, i) => ({ ...inv, invoiceId: 10_000 + i }));
    expect(telling).toHaveLength(3);
    const learned = inferTaxConvention([...history, ...telling], DEFAULT_TAX);
    expect(learned.status).toBe('insufficient');
    expect(learned.convention.rounding).toBe('rate');
    expect(learned.candidates[0]!.matched).toBe(learned.fallbackMatched + 3);
  });

  it('still picks the majority when some invoices were edited by hand', () => {
    const r = rng(11);
    const history = invoices(conv({ rounding: 'invoice' }), { count: 300 }).map((inv) =>
      r.chance(0.15) ? { ...inv, salesTax: inv.salesTax.plus(new Decimal(r.int(1, 300)).div(100)) } : inv,
    );
    const learned = inferTaxConvention(history, DEFAULT_TAX);
    expect(learned.status).toBe('learned');
    expect(learned.convention.rounding).toBe('invoice');
    expect(learned.agreement).toBeGreaterThan(0.75);
    expect(learned.agreement).toBeLessThan(1);
  });

  it('says there is no history when no invoice was taxed in a known zone', () => {
    const history = invoices(conv({}), { count: 20 }).map((inv, i) =>
      i % 2 ? { ...inv, zone: null } : { ...inv, salesTax: new Decimal(0) },
    );
    const learned = inferTaxConvention(history, DEFAULT_TAX);
    expect(learned).toMatchObject({ status: 'no_history', support: 0 });
    expect(learned.convention).toEqual(conventionOf(DEFAULT_TAX));
  });

  it('memoises per candidate and invoice, and counts exactly what the engine reproduces', () => {
    const history = invoices(conv({ rounding: 'invoice' }), { count: 80 });
    const cache = new Map<string, boolean>();
    const first = inferTaxConvention(history, DEFAULT_TAX, { cache });
    // Invoices without taxable discounts or equipment are computed once per rounding, not per candidate.
    expect(cache.size).toBeLessThan(taxCandidates(conventionOf(DEFAULT_TAX)).length * first.support);
    expect(inferTaxConvention(history, DEFAULT_TAX, { cache })).toEqual(first);
    for (const c of first.candidates) {
      const direct = history.filter((inv) => {
        if (!inv.zone || inv.salesTax.isZero()) return false;
        const lines = inv.lines.map((l, i) => ({
          key: `k${i}`,
          itemType: l.itemType,
          amount: l.total,
          taxable: l.taxable,
        }));
        return computeTax(lines, inv.zone, { ...DEFAULT_TAX, ...c.convention, exempt: false }).salesTax.eq(
          inv.salesTax,
        );
      }).length;
      expect(c.matched).toBe(direct);
    }
  });
});

function learnedOf(tax: ReturnType<typeof inferTaxConvention>): LearnedConventions {
  return { asOf: null, invoices: tax.support, tax, percentages: [] };
}

describe('settings: learned unless pinned', () => {
  const history = invoices(conv({ rounding: 'invoice' }));
  const learned = learnedOf(inferTaxConvention(history, DEFAULT_TAX));

  it('uses the learned convention by default', () => {
    const s = parseTenantSettings({});
    expect(s.tax.convention).toBe('learned');
    expect(withConventions(s, learned).tax.rounding).toBe('invoice');
  });

  it('keeps a pinned convention whatever the history says', () => {
    const s = parseTenantSettings({ tax: { convention: 'pinned', rounding: 'line' } });
    expect(withConventions(s, learned).tax).toEqual(s.tax);
  });

  it('still reads stored settings that say "document" (per-rate rounding)', () => {
    const s = parseTenantSettings({ tax: { rounding: 'document' } });
    expect(s.tax.rounding).toBe('document');
    // 'document' and 'rate' are one candidate, not two.
    const candidates = taxCandidates(conventionOf(s.tax));
    expect(candidates.filter((c) => c.rounding === 'rate' || c.rounding === 'document')).toHaveLength(4);
    const perRate = inferTaxConvention(invoices(conv({ rounding: 'rate' })), s.tax);
    expect(perRate.status).toBe('learned');
    expect(perRate.convention.rounding).toBe('rate');
  });
});

describe('signTestP', () => {
  it('is the one-sided binomial tail', () => {
    expect(signTestP(0, 0)).toBe(1);
    expect(signTestP(4, 0)).toBeCloseTo(1 / 16);
    expect(signTestP(5, 0)).toBeCloseTo(1 / 32);
    expect(signTestP(8, 2)).toBeCloseTo(56 / 1024);
    expect(signTestP(3, 3)).toBeCloseTo(42 / 64);
  });
});
