import { Decimal, sum } from '@invoicer/core';
import { describe, expect, it } from 'vitest';
import { computeTax, EXEMPT_REASON, invoiceTotals, NO_ZONE_REASON } from './engine.ts';
import { line, opts, s, zone } from './test-helpers.ts';

const TX = zone([
  ['Texas', 0.0625],
  ['Austin', 0.02],
]);

function perLine(result: ReturnType<typeof computeTax>) {
  return Object.fromEntries(Object.entries(result.perLine).map(([k, v]) => [k, s(v)]));
}

function expectInvariants(result: ReturnType<typeof computeTax>) {
  expect(s(sum(result.breakdown.map((b) => b.amount)))).toBe(s(result.salesTax));
  expect(s(sum(Object.values(result.perLine)))).toBe(s(result.salesTax));
}

describe('computeTax: no tax', () => {
  const lines = [line('svc', 'Service', '100.00'), line('mat', 'Material', '50.00')];

  it('charges nothing to an exempt location, whatever the zone, and says why', () => {
    const r = computeTax(lines, TX, opts({ exempt: true }));
    expect(s(r.salesTax)).toBe('0.00');
    expect(r.exemptReason).toBe(EXEMPT_REASON);
    expect(r.breakdown).toEqual([]);
    expect(perLine(r)).toEqual({ svc: '0.00', mat: '0.00' });
  });

  it('charges nothing without a zone, and says why', () => {
    const r = computeTax(lines, null, opts());
    expect(s(r.salesTax)).toBe('0.00');
    expect(r.exemptReason).toBe(NO_ZONE_REASON);
  });

  it('reports a zero-rate zone as taxed at zero, not as exempt', () => {
    const r = computeTax(lines, zone([['Oregon', 0]]), opts());
    expect(s(r.salesTax)).toBe('0.00');
    expect(r.exemptReason).toBeUndefined();
    expect(r.breakdown.map((b) => [b.taxName, s(b.base), s(b.amount)])).toEqual([
      ['Oregon', '150.00', '0.00'],
    ]);
  });

  it('reads a zone without rates as no tax', () => {
    const r = computeTax(lines, { id: 9, name: 'empty', rates: null }, opts());
    expect(s(r.salesTax)).toBe('0.00');
    expect(r.breakdown).toEqual([]);
  });
});

describe('computeTax: rates and bases', () => {
  it('applies a single Subtotal rate to every taxable line', () => {
    const r = computeTax(
      [line('svc', 'Service', '100.00'), line('mat', 'Material', '50.00')],
      zone([['CA', 0.0825]]),
      opts(),
    );
    expect(s(r.salesTax)).toBe('12.38'); // 150 × 0.0825 = 12.375, half up
    expect(r.breakdown[0]?.rate.toString()).toBe('0.0825');
    expectInvariants(r);
  });

  it('adds several rates, each rounded on its own', () => {
    const r = computeTax([line('a', 'Service', '99.99')], TX, opts());
    // 99.99 × 0.0625 = 6.249375 → 6.25; 99.99 × 0.02 = 1.9998 → 2.00
    expect(r.breakdown.map((b) => s(b.amount))).toEqual(['6.25', '2.00']);
    expect(s(r.salesTax)).toBe('8.25');
    expectInvariants(r);
  });

  it('taxes labor and material at separate rates (isTaxRateSeparated)', () => {
    const z = zone(
      [
        ['Labor tax', 0.05, ['Labor']],
        ['Material tax', 0.0825, ['Material']],
      ],
      true,
    );
    const lines = [
      line('svc', 'Service', '200.00'),
      line('mat', 'Material', '100.00'),
      line('eq', 'Equipment', '50.00'),
    ];
    const r = computeTax(lines, z, opts());
    expect(r.breakdown.map((b) => [b.taxName, s(b.base), s(b.amount)])).toEqual([
      ['Labor tax', '200.00', '10.00'],
      ['Material tax', '150.00', '12.38'],
    ]);
    expect(perLine(r)).toEqual({ svc: '10.00', mat: '8.25', eq: '4.13' });
    expectInvariants(r);
  });

  it('follows the tenant mapping of item types to the Labor and Material bases', () => {
    const z = zone([['Labor tax', 0.1, ['Labor']]]);
    const lines = [line('svc', 'Service', '100.00'), line('eq', 'Equipment', '100.00')];
    expect(s(computeTax(lines, z, opts()).salesTax)).toBe('10.00');
    expect(s(computeTax(lines, z, opts({ laborItemTypes: ['Service', 'Equipment'] })).salesTax)).toBe(
      '20.00',
    );
  });

  it('applies a rate with several base types once per line, never twice', () => {
    const z = zone([['All', 0.1, ['Subtotal', 'Labor', 'Material']]]);
    const r = computeTax([line('svc', 'Service', '100.00'), line('mat', 'Material', '10.00')], z, opts());
    expect(s(r.salesTax)).toBe('11.00');
    expect(r.breakdown[0]?.baseTypes).toEqual(['Subtotal', 'Labor', 'Material']);
  });

  it('leaves non-taxable lines out of every base', () => {
    const lines = [line('svc', 'Service', '100.00', false), line('mat', 'Material', '40.00')];
    const r = computeTax(lines, zone([['S', 0.05]]), opts());
    expect(s(r.breakdown[0]!.base)).toBe('40.00');
    expect(perLine(r)).toEqual({ svc: '0.00', mat: '2.00' });
  });

  it('reads a rate without base types as a Subtotal rate', () => {
    const z = { id: 2, name: 'z', rates: [{ taxName: 'S', taxRate: 0.05, taxBaseType: [] }] };
    expect(s(computeTax([line('m', 'Material', '10.00')], z, opts()).salesTax)).toBe('0.50');
  });

  it('refuses zones and lines it cannot tax correctly', () => {
    const lines = [line('a', 'Service', '1.00')];
    expect(() => computeTax(lines, zone([['X', 0.05, ['Freight']]]), opts())).toThrow(/unknown taxBaseType/);
    expect(() => computeTax(lines, zone([['X', 8.25]]), opts())).toThrow(/not a fraction/);
    expect(() => computeTax(lines, zone([['X', -0.01]]), opts())).toThrow(/not a fraction/);
    expect(() => computeTax([...lines, ...lines], TX, opts())).toThrow(/duplicate line key/);
    expect(() => computeTax([{ ...lines[0]!, amount: new Decimal(NaN) }], TX, opts())).toThrow(/not finite/);
  });
});

describe('computeTax: discounts and other price modifiers (modifierBase: spread)', () => {
  const z = zone([
    ['Labor', 0.05, ['Labor']],
    ['Material', 0.1, ['Material']],
    ['Subtotal', 0.01, ['Subtotal']],
  ]);

  it('spreads a taxable discount over the taxable lines pro rata', () => {
    const lines = [
      line('svc', 'Service', '300.00'),
      line('mat', 'Material', '100.00'),
      line('disc', 'PriceModifier', '-40.00'),
    ];
    const r = computeTax(lines, z, opts({ modifierBase: 'spread' }));
    // The discount splits 30 / 10: Labor base 270, Material base 90, Subtotal base 360.
    expect(r.breakdown.map((b) => [s(b.base), s(b.amount)])).toEqual([
      ['270.00', '13.50'],
      ['90.00', '9.00'],
      ['360.00', '3.60'],
    ]);
    expect(perLine(r)).toEqual({ svc: '16.20', mat: '9.90', disc: '0.00' });
    expectInvariants(r);
  });

  it('spreads a taxable surcharge the same way', () => {
    const lines = [line('svc', 'Service', '100.00'), line('fee', 'PriceModifier', '10.00')];
    const r = computeTax(lines, z, opts({ modifierBase: 'spread' }));
    expect(r.breakdown.map((b) => s(b.base))).toEqual(['110.00', '0.00', '110.00']);
  });

  it('splits an indivisible discount by largest remainder, ties to the smaller key', () => {
    const lines = [
      line('c', 'Service', '10.00'),
      line('a', 'Service', '10.00'),
      line('b', 'Service', '10.00'),
      line('d', 'PriceModifier', '-10.00'),
    ];
    const r = computeTax(
      lines,
      zone([['L', 0.5, ['Labor']]]),
      opts({ rounding: 'line', modifierBase: 'spread' }),
    );
    // Shares −3.34 (a), −3.33 (b), −3.33 (c): 6.66 → 3.33, 6.67 → 3.335 → 3.34 in line mode.
    expect(perLine(r)).toEqual({ a: '3.33', b: '3.34', c: '3.34', d: '0.00' });
    expect(s(r.breakdown[0]!.base)).toBe('20.00');
  });

  it('ignores a non-taxable discount', () => {
    const lines = [line('svc', 'Service', '100.00'), line('disc', 'PriceModifier', '-20.00', false)];
    expect(s(computeTax(lines, zone([['S', 0.1]]), opts({ modifierBase: 'spread' })).salesTax)).toBe('10.00');
  });

  it('keeps a modifier with nothing to spread over as a Subtotal-only line', () => {
    const lines = [line('svc', 'Service', '100.00', false), line('fee', 'PriceModifier', '25.00')];
    const r = computeTax(lines, z, opts({ modifierBase: 'spread' }));
    expect(r.breakdown.map((b) => s(b.base))).toEqual(['0.00', '0.00', '25.00']);
    expect(perLine(r)).toEqual({ svc: '0.00', fee: '0.25' });
  });

  it('treats PriceModifier as an ordinary line when the tenant puts it in a base (a base never goes below zero)', () => {
    const lines = [line('svc', 'Service', '100.00'), line('disc', 'PriceModifier', '-20.00')];
    const r = computeTax(
      lines,
      z,
      opts({ materialItemTypes: ['Material', 'Equipment', 'PriceModifier'], modifierBase: 'spread' }),
    );
    expect(r.breakdown.map((b) => s(b.base))).toEqual(['100.00', '0.00', '80.00']);
  });

  it('lets a returned item reduce its own base', () => {
    const lines = [line('mat', 'Material', '100.00'), line('ret', 'Material', '-30.00')];
    const r = computeTax(lines, z, opts({ modifierBase: 'spread' }));
    expect(r.breakdown.map((b) => s(b.amount))).toEqual(['0.00', '7.00', '0.70']);
    expect(perLine(r)).toEqual({ mat: '11.00', ret: '-3.30' });
  });
});

describe('computeTax: rounding', () => {
  const three = [line('a', 'Material', '1.00'), line('b', 'Material', '1.00'), line('c', 'Material', '1.00')];
  const ca = zone([['State', 0.0825]]);

  it('differs by one cent between line and document rounding', () => {
    // Each line 0.0825 → 0.08, so line rounding gives 0.24; the document 0.2475 → 0.25.
    const byLine = computeTax(three, ca, opts({ rounding: 'line' }));
    const byDoc = computeTax(three, ca, opts({ rounding: 'document' }));
    expect(s(byLine.salesTax)).toBe('0.24');
    expect(s(byDoc.salesTax)).toBe('0.25');
    expect(perLine(byLine)).toEqual({ a: '0.08', b: '0.08', c: '0.08' });
    // Document mode allocates the extra cent by largest remainder (all equal: smallest key).
    expect(perLine(byDoc)).toEqual({ a: '0.09', b: '0.08', c: '0.08' });
    expectInvariants(byLine);
    expectInvariants(byDoc);
  });

  it('rounds a half cent up under half_up and to even under half_even', () => {
    const l = [line('a', 'Service', '10.10')]; // × 0.05 = 0.505
    const z = zone([['S', 0.05]]);
    expect(s(computeTax(l, z, opts({ roundingMode: 'half_up' })).salesTax)).toBe('0.51');
    expect(s(computeTax(l, z, opts({ roundingMode: 'half_even' })).salesTax)).toBe('0.50');
    const odd = [line('a', 'Service', '10.30')]; // × 0.05 = 0.515 → even is 0.52
    expect(s(computeTax(odd, z, opts({ roundingMode: 'half_even' })).salesTax)).toBe('0.52');
  });

  it('rounds a refund half away from zero under half_up, mirroring the sale', () => {
    const z = zone([['S', 0.05]]);
    expect(s(computeTax([line('r', 'Service', '-10.10')], z, opts()).salesTax)).toBe('-0.51');
  });

  it('can drift more than n × 0.005 under half_even, which is why the bound has a +1', () => {
    // Three lines of 0.10 at 5 %: each 0.005 rounds to even 0.00; the document 0.015 rounds to 0.02.
    const l = [line('a', 'Service', '0.10'), line('b', 'Service', '0.10'), line('c', 'Service', '0.10')];
    const z = zone([['S', 0.05]]);
    const byLine = computeTax(l, z, opts({ rounding: 'line', roundingMode: 'half_even' }));
    const byDoc = computeTax(l, z, opts({ rounding: 'document', roundingMode: 'half_even' }));
    expect([s(byLine.salesTax), s(byDoc.salesTax)]).toEqual(['0.00', '0.02']);
  });
});

describe('computeTax: rounding once per invoice', () => {
  // Two rates on the same base: each rate's tax ends in half a cent or less, so rounding per rate
  // and rounding the sum once differ by a cent.
  const two = zone([
    ['State', 0.029, ['Material']],
    ['City', 0.0481, ['Material']],
  ]);
  const sumOf = (xs: Decimal[]) => s(sum(xs));

  it('rounds the sum over rates once, where per-rate rounding rounds each', () => {
    // Material base 10.06: 0.29174 → 0.29 and 0.483886 → 0.48 per rate (0.77); once 0.775886 → 0.78.
    const parts = [
      line('a', 'Material', '6.06'),
      line('b', 'Material', '4.00'),
      line('s', 'Service', '95.00'),
    ];
    const perRate = computeTax(parts, two, opts({ rounding: 'rate' }));
    const once = computeTax(parts, two, opts({ rounding: 'invoice' }));
    expect(s(perRate.salesTax)).toBe('0.77');
    expect(s(once.salesTax)).toBe('0.78');
    expect(once.breakdown.map((b) => s(b.base))).toEqual(['10.06', '10.06']);
    expect(sumOf(once.breakdown.map((b) => b.amount))).toBe('0.78');
    expect(perLine(once).s).toBe('0.00');
    expectInvariants(perRate);
    expectInvariants(once);
  });

  it('finds the cent per-rate rounding loses', () => {
    const z = zone([
      ['A', 0.05],
      ['B', 0.05],
    ]);
    const l = [line('x', 'Service', '0.09')]; // each rate 0.0045 → 0.00; once 0.009 → 0.01
    const perRate = computeTax(l, z, opts({ rounding: 'rate' }));
    const once = computeTax(l, z, opts({ rounding: 'invoice' }));
    expect([s(perRate.salesTax), s(once.salesTax)]).toEqual(['0.00', '0.01']);
    // The breakdown and the per-line allocation both sum to the invoice's tax.
    expect(once.breakdown.map((b) => s(b.amount))).toEqual(['0.01', '0.00']);
    expect(perLine(once)).toEqual({ x: '0.01' });
    expectInvariants(once);
  });

  it('shares the invoice’s cents over lines by largest remainder', () => {
    const z = zone([
      ['A', 0.0625],
      ['B', 0.02],
    ]);
    const l = [
      line('a', 'Material', '10.10'),
      line('b', 'Material', '10.10'),
      line('c', 'Service', '5.00', false),
    ];
    const once = computeTax(l, z, opts({ rounding: 'invoice' }));
    // 20.20 × 0.0825 = 1.6665 → 1.67; a and b each 0.83325: floors 0.83 + 0.83, one cent to a.
    expect(s(once.salesTax)).toBe('1.67');
    expect(perLine(once)).toEqual({ a: '0.84', b: '0.83', c: '0.00' });
    expectInvariants(once);
  });
});

describe('invoiceTotals', () => {
  it('adds tax to the subtotal of all lines, taxable or not', () => {
    const lines = [
      line('svc', 'Service', '100.00', false),
      line('mat', 'Material', '49.99'),
      line('disc', 'PriceModifier', '-10.00', false),
    ];
    const tax = computeTax(lines, zone([['S', 0.0725]]), opts());
    const t = invoiceTotals(lines, tax);
    expect([s(t.subTotal), s(t.salesTax), s(t.total)]).toEqual(['139.99', '3.62', '143.61']);
  });
});

describe('computeTax: price modifiers on the Subtotal base only (the default)', () => {
  const z = zone([
    ['Labor', 0.05, ['Labor']],
    ['Material', 0.1, ['Material']],
    ['Subtotal', 0.01, ['Subtotal']],
  ]);

  it('moves only Subtotal rates; Labor and Material rates see the goods in full', () => {
    const lines = [
      line('svc', 'Service', '300.00'),
      line('mat', 'Material', '100.00'),
      line('disc', 'PriceModifier', '-40.00'),
    ];
    const r = computeTax(lines, z, opts());
    expect(r.breakdown.map((b) => [b.taxName, s(b.base), s(b.amount)])).toEqual([
      ['Labor', '300.00', '15.00'],
      ['Material', '100.00', '10.00'],
      ['Subtotal', '360.00', '3.60'],
    ]);
  });

  it('stops a base at zero when a discount exceeds the taxable goods', () => {
    const lines = [line('svc', 'Service', '20.00'), line('disc', 'PriceModifier', '-150.00')];
    const r = computeTax(lines, zone([['S', 0.0825]]), opts());
    expect(s(r.salesTax)).toBe('0.00');
    expect(s(r.breakdown[0]!.base)).toBe('0.00');
  });
});
