import { describe, expect, it } from 'vitest';
import { formatMoney, formatQuantity, formatRate, taxLines } from './amounts.ts';

describe('money and quantities', () => {
  it('formats exact amounts with separators and a sign', () => {
    expect(formatMoney('1234.5')).toBe('$1,234.50');
    expect(formatMoney('-12')).toBe('-$12.00');
    expect(formatMoney('0.005')).toBe('$0.01');
  });
  it('drops trailing zeros from quantities and rates', () => {
    expect(formatQuantity('2.00')).toBe('2');
    expect(formatQuantity('1.50')).toBe('1.5');
    expect(formatQuantity(0.25)).toBe('0.25');
    expect(formatRate(0.0825)).toBe('8.25%');
    expect(formatRate('0.015')).toBe('1.5%');
  });
  it('refuses a value that is not an amount', () => {
    expect(() => formatMoney('12,3')).toThrow(/not a decimal amount/);
  });
});

describe('taxLines', () => {
  const items = [
    { type: 'Service', total: '100.00' },
    { type: 'Material', total: '50.00' },
    { type: 'Material', total: '10.00', taxable: false },
  ];
  it('splits the tax per rate when the rates add up to ServiceTitan’s tax', () => {
    const rates = [
      { taxName: 'State', taxBaseType: ['Subtotal'], taxRate: 0.0625 },
      { taxName: 'City', taxBaseType: ['Subtotal'], taxRate: 0.015 },
    ];
    // 150 × 6.25% = 9.375 → 9.38; 150 × 1.5% = 2.25
    expect(taxLines(items, rates, '11.63')).toEqual([
      { label: 'State (6.25%)', amount: '$9.38' },
      { label: 'City (1.5%)', amount: '$2.25' },
    ]);
  });
  it('uses the labor and material bases', () => {
    const rates = [
      { taxName: 'Labor', taxBaseType: ['Labor'], taxRate: 0.03 },
      { taxName: 'Material', taxBaseType: ['Material'], taxRate: 0.0825 },
    ];
    expect(taxLines(items, rates, '7.13')).toEqual([
      { label: 'Labor (3%)', amount: '$3.00' },
      { label: 'Material (8.25%)', amount: '$4.13' },
    ]);
  });
  it('falls back to ServiceTitan’s single figure when the split does not add up', () => {
    const rates = [{ taxName: 'State', taxBaseType: ['Subtotal'], taxRate: 0.0625 }];
    expect(taxLines(items, rates, '9.37', 'Sales tax (TX)')).toEqual([
      { label: 'Sales tax (TX)', amount: '$9.37' },
    ]);
  });
  it('prints a zero tax as one line', () => {
    expect(taxLines(items, [], '0.00')).toEqual([{ label: 'Sales tax', amount: '$0.00' }]);
  });
});
