import { fromAmountString, toMoneyString } from '@invoicer/core';
import { describe, expect, it } from 'vitest';
import { lineTotal, percentDiscount, salesTax } from './arithmetic.ts';

const d = fromAmountString;
const tax = (lines: Parameters<typeof salesTax>[0], rates: Parameters<typeof salesTax>[1], exempt = false) =>
  toMoneyString(salesTax(lines, rates, exempt));
const subtotalRates = [
  { taxBaseType: ['Subtotal'], taxRate: 0.0625 },
  { taxBaseType: ['Subtotal'], taxRate: 0.005 },
  { taxBaseType: ['Subtotal'], taxRate: 0.015 },
];

describe('line totals', () => {
  it('rounds quantity × price half-up to cents', () => {
    expect(toMoneyString(lineTotal(d('2.5'), d('95')))).toBe('237.50');
    expect(toMoneyString(lineTotal(d('3'), d('1.45')))).toBe('4.35');
    expect(toMoneyString(lineTotal(d('0.5'), d('0.25')))).toBe('0.13'); // 0.125 → half-up
  });
});

describe('sales tax semantics', () => {
  it('is zero for an exempt location', () => {
    expect(tax([{ type: 'Material', total: '100.00', taxable: true }], subtotalRates, true)).toBe('0.00');
  });

  it('rounds once per rate, then sums', () => {
    // 11.00 + 17.95 taxable, −25.19 pre-tax discount reduces the Subtotal base → 3.76
    // 3.76 × 6.25% = 0.235 → 0.24; × 0.5% = 0.0188 → 0.02; × 1.5% = 0.0564 → 0.06
    const lines = [
      { type: 'Service', total: '139.00', taxable: false },
      { type: 'Material', total: '11.00', taxable: true },
      { type: 'Material', total: '17.95', taxable: true },
      { type: 'PriceModifier', total: '-25.19', taxable: true },
    ];
    expect(tax(lines, subtotalRates)).toBe('0.32');
    // A discount not flagged taxable is applied after tax: it leaves the base alone.
    lines[3]!.taxable = false;
    expect(tax(lines, subtotalRates)).toBe('2.38'); // 28.95: 1.81 + 0.14 + 0.43
  });

  it('uses Labor for taxable services and Material for taxable materials and equipment', () => {
    const rates = [
      { taxBaseType: ['Labor'], taxRate: 0.03 },
      { taxBaseType: ['Material'], taxRate: 0.0825 },
    ];
    const lines = [
      { type: 'Service', total: '289.00', taxable: true }, // labor 8.67
      { type: 'Service', total: '500.00', taxable: false },
      { type: 'Material', total: '24.95', taxable: true },
      { type: 'Equipment', total: '1450.00', taxable: true }, // material base 1474.95 → 121.683375 → 121.68
      { type: 'PriceModifier', total: '95.00', taxable: true }, // a taxable fee: in neither base
      { type: 'PriceModifier', total: '-50.00', taxable: true }, // discounts only reduce Subtotal
    ];
    expect(tax(lines, rates)).toBe('130.35');
  });

  it('floors a negative base at zero and ignores a zero rate', () => {
    const lines = [
      { type: 'Service', total: '1000.00', taxable: false },
      { type: 'Material', total: '20.00', taxable: true },
      { type: 'PriceModifier', total: '-150.00', taxable: true },
    ];
    expect(tax(lines, subtotalRates)).toBe('0.00');
    expect(
      tax([{ type: 'Material', total: '20.00', taxable: true }], [{ taxBaseType: ['Subtotal'], taxRate: 0 }]),
    ).toBe('0.00');
  });

  it('counts taxable fees in the Subtotal base', () => {
    expect(
      tax(
        [{ type: 'PriceModifier', total: '95.00', taxable: true }],
        [{ taxBaseType: ['Subtotal'], taxRate: 0.0725 }],
      ),
    ).toBe('6.89');
  });
});

describe('percentage discount', () => {
  it('applies the rate and caps at the limit', () => {
    expect(toMoneyString(percentDiscount(d('167.95'), 0.15, 500))).toBe('25.19');
    expect(toMoneyString(percentDiscount(d('5000'), 0.15, 500))).toBe('500.00');
    expect(toMoneyString(percentDiscount(d('5000'), 0.05, 0))).toBe('250.00');
  });
});
