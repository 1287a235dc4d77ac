// Minor units per ISO 4217 currency: BAI2 and NACHA carry amounts as integers in minor units.
import { Decimal } from '@invoicer/core';

const ZERO_DECIMAL = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'ISK',
  'JPY',
  'KMF',
  'KRW',
  'PYG',
  'RWF',
  'UGX',
  'UYI',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);
const THREE_DECIMAL = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

export function minorUnits(currency: string): number {
  const code = currency.toUpperCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

/** "+000000000208500" in CAD → 2085.00. The caller has checked the digits. */
export function fromMinorUnits(digits: string | bigint, currency: string): Decimal {
  return new Decimal(digits.toString()).dividedBy(new Decimal(10).pow(minorUnits(currency)));
}
