import { Decimal, sum } from '@invoicer/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeTax, invoiceTotals } from './engine.ts';
import { cents, opts } from './test-helpers.ts';
import type { ItemType, TaxLine, TaxOptions, TaxZoneInput } from './types.ts';

const ITEM_TYPES: ItemType[] = ['Service', 'Material', 'Equipment', 'PriceModifier'];
const RUNS = { numRuns: 300 };

const lineArb = (minCents: number) =>
  fc.record({
    itemType: fc.constantFrom(...ITEM_TYPES),
    // Repeated small amounts make equal remainders, which exercise the tie-breaks.
    cents: fc.oneof(fc.integer({ min: minCents, max: 2_000_00 }), fc.constantFrom(1, 10, 100, 333, 1000)),
    taxable: fc.boolean(),
  });

const linesArb = (minCents = -500_00) =>
  fc.array(lineArb(minCents), { maxLength: 12 }).map((ls) =>
    ls.map(
      (l, i): TaxLine => ({
        key: `L${i}`,
        itemType: l.itemType,
        amount: cents(l.cents),
        taxable: l.taxable,
      }),
    ),
  );

// Rates in millionths (0 to 15 %): n / 1e6 is the float nearest the decimal, so fromNumber is exact.
const zoneArb: fc.Arbitrary<TaxZoneInput> = fc
  .array(
    fc.record({
      micro: fc.integer({ min: 0, max: 150_000 }),
      bases: fc.subarray(['Subtotal', 'Labor', 'Material'], { minLength: 1 }),
    }),
    { maxLength: 4 },
  )
  .map((rates) => ({
    id: 1,
    name: 'generated',
    rates: rates.map((r, i) => ({ taxName: `R${i}`, taxRate: r.micro / 1e6, taxBaseType: r.bases })),
  }));

const optionsArb: fc.Arbitrary<TaxOptions> = fc
  .record({
    rounding: fc.constantFrom('line' as const, 'document' as const, 'rate' as const, 'invoice' as const),
    roundingMode: fc.constantFrom('half_up' as const, 'half_even' as const),
    laborItemTypes: fc.subarray(ITEM_TYPES),
    materialItemTypes: fc.subarray(ITEM_TYPES),
  })
  .map((o) => opts(o));

const fixed = (d: Decimal) => d.toFixed();
const snapshot = (r: ReturnType<typeof computeTax>) => ({
  salesTax: fixed(r.salesTax),
  breakdown: r.breakdown.map((b) => [b.taxName, fixed(b.rate), fixed(b.base), fixed(b.amount)]),
  perLine: Object.entries(r.perLine)
    .map(([k, v]) => [k, fixed(v)])
    .sort(),
});

describe('computeTax properties', () => {
  it('salesTax = Σ breakdown = Σ perLine, all in whole cents, one perLine entry per line', () => {
    fc.assert(
      fc.property(linesArb(), zoneArb, optionsArb, (lines, zone, options) => {
        const r = computeTax(lines, zone, options);
        expect(fixed(sum(r.breakdown.map((b) => b.amount)))).toBe(fixed(r.salesTax));
        expect(fixed(sum(Object.values(r.perLine)))).toBe(fixed(r.salesTax));
        expect(Object.keys(r.perLine).sort()).toEqual(lines.map((l) => l.key).sort());
        for (const v of [r.salesTax, ...Object.values(r.perLine)])
          expect(v.decimalPlaces()).toBeLessThanOrEqual(2);
      }),
      RUNS,
    );
  });

  it('total = subTotal + salesTax exactly, subTotal = Σ line amounts', () => {
    fc.assert(
      fc.property(linesArb(), zoneArb, optionsArb, (lines, zone, options) => {
        const r = computeTax(lines, zone, options);
        const t = invoiceTotals(lines, r);
        expect(fixed(t.subTotal)).toBe(fixed(sum(lines.map((l) => l.amount))));
        expect(fixed(t.total.minus(t.subTotal))).toBe(fixed(r.salesTax));
      }),
      RUNS,
    );
  });

  it('a Subtotal rate sees every taxable line in full; document mode rounds base × rate once', () => {
    fc.assert(
      fc.property(linesArb(), zoneArb, optionsArb, (lines, zone, options) => {
        const r = computeTax(lines, zone, { ...options, rounding: 'document' });
        const taxable = sum(lines.filter((l) => l.taxable).map((l) => l.amount));
        const goods = sum(
          lines.filter((l) => l.taxable && l.itemType !== 'PriceModifier').map((l) => l.amount),
        );
        // A discount larger than the taxable goods stops the base at zero.
        const expected = goods.gte(0) && taxable.lt(0) ? new Decimal(0) : taxable;
        for (const b of r.breakdown) {
          if (b.baseTypes.includes('Subtotal')) expect(fixed(b.base)).toBe(fixed(expected));
          expect(fixed(b.amount)).toBe(fixed(b.base.times(b.rate).toDecimalPlaces(2, modeOf(options))));
        }
      }),
      RUNS,
    );
  });

  it('invoice rounding rounds Σ over rates of base × rate once; within (rates + 1) × 0.005 of per-rate rounding', () => {
    fc.assert(
      fc.property(linesArb(), zoneArb, optionsArb, (lines, zone, options) => {
        const once = computeTax(lines, zone, { ...options, rounding: 'invoice' });
        const perRate = computeTax(lines, zone, { ...options, rounding: 'rate' });
        // Same bases; the exact sum of base × rate rounded once is the invoice's tax.
        expect(once.breakdown.map((b) => fixed(b.base))).toEqual(perRate.breakdown.map((b) => fixed(b.base)));
        const exact = sum(once.breakdown.map((b) => b.base.times(b.rate)));
        expect(fixed(once.salesTax)).toBe(fixed(exact.toDecimalPlaces(2, modeOf(options))));
        const k = once.breakdown.length;
        expect(
          once.salesTax
            .minus(perRate.salesTax)
            .abs()
            .lte(new Decimal(k + 1).times('0.005')),
        ).toBe(true);
        // 'document' is the old name of 'rate'.
        expect(snapshot(computeTax(lines, zone, { ...options, rounding: 'document' }))).toEqual(
          snapshot(perRate),
        );
      }),
      RUNS,
    );
  });

  it('document rounding stays within (n + 1) × 0.005 of line rounding per rate (n × 0.005 for half_up, n ≥ 0 amounts)', () => {
    fc.assert(
      fc.property(linesArb(), zoneArb, optionsArb, (lines, zone, options) => {
        const byDoc = computeTax(lines, zone, { ...options, rounding: 'document' });
        const byLine = computeTax(lines, zone, { ...options, rounding: 'line' });
        const n = lines.length;
        byDoc.breakdown.forEach((d, i) => {
          const diff = d.amount.minus(byLine.breakdown[i]!.amount).abs();
          expect(diff.lte(new Decimal(n + 1).times('0.005'))).toBe(true);
        });
        const diff = byDoc.salesTax.minus(byLine.salesTax).abs();
        expect(diff.lte(new Decimal((n + 1) * byDoc.breakdown.length).times('0.005'))).toBe(true);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(linesArb(0), zoneArb, optionsArb, (lines, zone, options) => {
        const o = { ...options, roundingMode: 'half_up' as const };
        const byDoc = computeTax(lines, zone, { ...o, rounding: 'document' });
        const byLine = computeTax(lines, zone, { ...o, rounding: 'line' });
        byDoc.breakdown.forEach((d, i) => {
          const diff = d.amount.minus(byLine.breakdown[i]!.amount).abs();
          expect(diff.lte(new Decimal(lines.length).times('0.005'))).toBe(true);
        });
      }),
      RUNS,
    );
  });

  it('never charges negative tax on non-negative amounts (any rounding), nor on a non-negative base (document)', () => {
    fc.assert(
      fc.property(linesArb(0), zoneArb, optionsArb, (lines, zone, options) => {
        const r = computeTax(lines, zone, options);
        expect(r.salesTax.isNegative() && !r.salesTax.isZero()).toBe(false);
        for (const v of Object.values(r.perLine)) expect(v.gte(0)).toBe(true);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(linesArb(), zoneArb, optionsArb, (lines, zone, options) => {
        const r = computeTax(lines, zone, { ...options, rounding: 'document' });
        for (const b of r.breakdown) if (b.base.gte(0)) expect(b.amount.gte(0)).toBe(true);
      }),
      RUNS,
    );
  });

  it('does not depend on the order of the lines', () => {
    const arb = linesArb().chain((lines) =>
      fc.tuple(
        fc.constant(lines),
        fc.shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length }),
      ),
    );
    fc.assert(
      fc.property(arb, zoneArb, optionsArb, ([lines, shuffled], zone, options) => {
        expect(snapshot(computeTax(shuffled, zone, options))).toEqual(
          snapshot(computeTax(lines, zone, options)),
        );
      }),
      RUNS,
    );
  });
});

function modeOf(options: TaxOptions) {
  return options.roundingMode === 'half_up' ? Decimal.ROUND_HALF_UP : Decimal.ROUND_HALF_EVEN;
}
