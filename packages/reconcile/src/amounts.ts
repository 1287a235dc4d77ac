// Amount strings as they appear in statements. Stricter than core's fromAmountString where a
// format needs it (OFX may use a decimal comma; CSV exports use either convention).
import { Decimal } from '@invoicer/core';

export type DecimalSeparator = '.' | ',';

/**
 * "1,234.56", "-12", "(45.00)", "$12.00", "1.234,56" (decimal ','), "12,5" (decimal ',').
 * Returns undefined for anything else rather than guessing.
 */
export function parseAmount(value: string, decimal: DecimalSeparator = '.'): Decimal | undefined {
  let text = value.trim().replace(/\s+/g, '');
  let negative = false;
  const parens = /^\((.*)\)$/.exec(text);
  if (parens) {
    negative = true;
    text = parens[1] ?? '';
  }
  // Currency symbols (not letters: "$120" is a symbol, "USD120" is not an amount).
  text = text.replace(/^([-+]?)[$€£]/, '$1');
  const group = decimal === '.' ? ',' : '.';
  const grouped = new RegExp(`^[-+]?\\d{1,3}(\\${group}\\d{3})+(\\${decimal}\\d+)?$`);
  if (grouped.test(text)) text = text.replaceAll(group, '');
  if (decimal === ',') text = text.replace(',', '.');
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return undefined;
  const amount = new Decimal(text);
  return negative ? amount.negated() : amount;
}

/** OFX TRNAMT/BALAMT: a plain decimal with '.' or a single decimal ','. */
export function parseOfxAmount(value: string): Decimal | undefined {
  const text = value.trim();
  if (/^[-+]?\d+,\d+$/.test(text)) return new Decimal(text.replace(',', '.'));
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return undefined;
  return new Decimal(text);
}
