// The money helpers against public conformance data: the General Decimal Arithmetic testcases
// (quantize and rounding) and the EN 16931 e-invoice arithmetic rules. Both live in
// /work/shared/data/money_rounding; the suites skip, saying so in their names, when it is absent.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Decimal,
  formatUsd,
  fromAmountString,
  fromNumber,
  type RoundingMode,
  round,
  roundCents,
  sum,
  toDecimal,
  toMoneyString,
} from './money.ts';

const DATA = path.resolve(import.meta.dirname, '../../../../shared/data/money_rounding');
const suiteName = (name: string, dir: string) =>
  existsSync(dir) ? `${name} (${dir})` : `${name}: SKIPPED, ${dir} not found`;

describe('fromAmountString', () => {
  it.each([
    ['12.50', '12.5'],
    ['-3', '-3'],
    ['1,234.00', '1234'],
    [' 7.25 ', '7.25'],
    ['+.5', '0.5'],
    ['0.000001', '0.000001'],
  ])('reads %j as %s', (text, value) => {
    expect(fromAmountString(text).toString()).toBe(value);
  });

  it.each([
    '',
    ' ',
    '.',
    '-',
    'abc',
    '12a',
    '1.2.3',
    '1e5',
    '0x10',
    'NaN',
    'Infinity',
    '$5',
    '--1',
    '1 000',
    '١٢',
  ])('rejects %j', (text) => {
    expect(() => fromAmountString(text)).toThrow(TypeError);
  });

  // Known gap in money.ts (not owned here): commas are deleted wherever they are, so a
  // mistyped "1,2,3" is read as 123. Flip to `it` once grouping is validated.
  it('rejects misplaced thousands separators such as "1,2,3"', () => {
    expect(() => fromAmountString('1,2,3')).toThrow(TypeError);
  });
});

describe('fromNumber and toDecimal', () => {
  it('reads a JSON number as the decimal it prints as, not its binary value', () => {
    expect(fromNumber(19.99).toString()).toBe('19.99');
    expect(fromNumber(19.99).eq('19.99')).toBe(true);
    expect(fromNumber(0.0825).times(100).toString()).toBe('8.25');
    // The float sum really is 0.30000000000000004: fromNumber keeps it, it does not guess.
    expect(fromNumber(0.1 + 0.2).toString()).toBe('0.30000000000000004');
  });

  it('rejects NaN and infinities', () => {
    for (const n of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => fromNumber(n)).toThrow(TypeError);
    }
  });

  it('converts strings, numbers and Decimals', () => {
    expect(toDecimal('1,000.10').toString()).toBe('1000.1');
    expect(toDecimal(0.1).toString()).toBe('0.1');
    const d = new Decimal('2.5');
    expect(toDecimal(d)).toBe(d);
  });
});

describe('rounding, sum and formatting', () => {
  it.each([
    // The classic float failures of Math.round(x * 100) / 100.
    ['1.005', 'half_up', '1.01'],
    ['0.615', 'half_up', '0.62'],
    ['2.675', 'half_up', '2.68'],
    ['1.005', 'half_even', '1.00'],
    ['1.015', 'half_even', '1.02'],
    ['-1.005', 'half_up', '-1.01'],
    ['-1.005', 'half_even', '-1.00'],
  ] as const)('roundCents(%s, %s) = %s', (value, mode, expected) => {
    expect(roundCents(new Decimal(value), mode).toFixed(2)).toBe(expected);
  });

  it('defaults to half up and rounds to any number of places', () => {
    expect(roundCents(new Decimal('0.125')).toFixed(2)).toBe('0.13');
    expect(round(new Decimal('0.0825125'), 5, 'half_even').toString()).toBe('0.08251');
  });

  it('sums exactly where floats drift', () => {
    const tenths = Array.from({ length: 10 }, () => new Decimal('0.1'));
    expect(sum(tenths).toString()).toBe('1');
    expect(sum([]).toString()).toBe('0');
  });

  it('prints two-decimal wire strings and never a negative zero', () => {
    expect(toMoneyString(new Decimal('12.5'))).toBe('12.50');
    expect(toMoneyString(new Decimal('-0.004'))).toBe('0.00');
    expect(toMoneyString(new Decimal('1234567.895'))).toBe('1234567.90');
  });

  it('formats US dollars with grouping and a leading minus', () => {
    expect(formatUsd(new Decimal('1234567.891'))).toBe('$1,234,567.89');
    expect(formatUsd('0')).toBe('$0.00');
    expect(formatUsd('999.999')).toBe('$1,000.00');
    expect(formatUsd(new Decimal('-1234.5'))).toBe('-$1,234.50');
    expect(formatUsd('-0.005')).toBe('-$0.01');
    expect(() => formatUsd('12 dollars')).toThrow(TypeError);
  });

  // Known gap in money.ts (not owned here): the sign is taken before rounding, so an amount that
  // rounds to zero prints as "-$0.00". Flip to `it` once formatUsd tests the rounded value.
  it('formats an amount that rounds to zero without a minus sign', () => {
    expect(formatUsd(new Decimal('-0.001'))).toBe('$0.00');
  });
});

// ---------------------------------------------------------------------------------------------
// General Decimal Arithmetic testcases (speleotrove decTest format).

interface DecCase {
  file: string;
  id: string;
  op: string;
  operands: string[];
  result: string;
  conditions: string[];
  precision: number;
  rounding: string;
}

function parseDecTest(text: string, file: string): DecCase[] {
  const cases: DecCase[] = [];
  let precision = 9;
  let rounding = 'half_up';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/--.*$/, '').trim();
    if (!line) continue;
    const directive = /^(\w+):\s*(\S+)$/.exec(line);
    if (directive) {
      const [, key = '', value = ''] = directive;
      if (key.toLowerCase() === 'precision') precision = Number(value);
      if (key.toLowerCase() === 'rounding') rounding = value.toLowerCase();
      continue;
    }
    const test = /^(\S+)\s+(\S+)\s+(.*?)\s*->\s*(\S+)\s*(.*)$/.exec(line);
    if (!test) throw new Error(`${file}: cannot parse "${raw}"`);
    const [, id = '', op = '', operands = '', result = '', conditions = ''] = test;
    cases.push({
      file,
      id,
      op: op.toLowerCase(),
      operands: operands.split(/\s+/),
      result,
      conditions: conditions.split(/\s+/).filter(Boolean),
      precision,
      rounding,
    });
  }
  return cases;
}

const MONEY_MODES: Record<string, RoundingMode> = { half_up: 'half_up', half_even: 'half_even' };
const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
// Wide enough that add and multiply of any operand here is exact.
const Exact = Decimal.clone({ precision: 2000, minE: -9e15, maxE: 9e15 });

/** The exponent of a decTest number: 1e-2 → -2, 0.001 → -3, 1.00 → -2. */
function exponentOf(text: string): number {
  const m = /^[-+]?(\d*)(?:\.(\d*))?(?:e([-+]?\d+))?$/i.exec(text);
  if (!m) throw new Error(`not a finite decTest number: ${text}`);
  return Number(m[3] ?? 0) - (m[2]?.length ?? 0);
}

type Verdict = { run: true; check: () => void } | { run: false; reason: string };

function classify(c: DecCase): Verdict {
  const mode = MONEY_MODES[c.rounding];
  if (c.op !== 'quantize' && c.op !== 'add' && c.op !== 'multiply') {
    return { run: false, reason: `${c.op}: not an operation money performs before rounding` };
  }
  if (!mode) return { run: false, reason: `rounding ${c.rounding}: not a money rounding mode` };
  if (![...c.operands, c.result].every((x) => NUMERIC.test(x))) {
    return { run: false, reason: 'NaN, Infinity or encoded (#) operand or result: not money' };
  }
  if (c.conditions.some((x) => /^(overflow|underflow|subnormal|clamped)$/i.test(x))) {
    return { run: false, reason: 'exponent-limit behaviour: the money Decimal has no such limits' };
  }
  if (c.conditions.some((x) => /^invalid_operation$/i.test(x))) {
    return { run: false, reason: 'result does not fit the test precision: money is not precision-bound' };
  }
  if ([...c.operands, c.result].some((x) => Math.abs(exponentOf(x)) > 400)) {
    return { run: false, reason: 'exponent beyond ±400: far outside any money scale' };
  }
  const [a = '', b = ''] = c.operands;
  if (c.op === 'quantize') {
    const places = -exponentOf(b);
    if (places < 0) return { run: false, reason: 'quantize to tens or more: not a money operation' };
    return {
      run: true,
      check: () => {
        const value = new Decimal(a);
        const ours = places === 2 ? roundCents(value, mode) : round(value, places, mode);
        expect(ours.eq(c.result), `${c.id}: ${a} to ${places} places`).toBe(true);
        expect(ours.toFixed(places).replace(/^-(?=0(\.0*)?$)/, '')).toBe(
          new Decimal(c.result).toFixed(places).replace(/^-(?=0(\.0*)?$)/, ''),
        );
      },
    };
  }
  // add / multiply: the exact result, rounded to `precision` significant digits by our helpers.
  const exact = c.op === 'add' ? new Exact(a).plus(b) : new Exact(a).times(b);
  const places = exact.isZero() ? 0 : c.precision - 1 - exact.e;
  if (places < 0) return { run: false, reason: 'rounds left of the decimal point: not a cents operation' };
  if (exact.precision() > 40)
    return { run: false, reason: 'exact result needs more than the 40 digits money keeps' };
  return {
    run: true,
    check: () => {
      // Core arithmetic (precision 40) must be exact here, then round() does the rounding.
      const core = c.op === 'add' ? sum([new Decimal(a), new Decimal(b)]) : new Decimal(a).times(b);
      expect(core.eq(exact.toString()), `${c.id}: core arithmetic`).toBe(true);
      expect(round(core, places, mode).eq(c.result), `${c.id}: ${a} ${c.op} ${b} → ${c.result}`).toBe(true);
    },
  };
}

const GDA = path.join(DATA, 'gda_dectest');
describe.skipIf(!existsSync(GDA))(suiteName('GDA decTest: quantize and rounding', GDA), () => {
  const cases = existsSync(GDA)
    ? ['quantize.decTest', 'rounding.decTest'].flatMap((f) =>
        parseDecTest(readFileSync(path.join(GDA, f), 'utf8'), f),
      )
    : [];
  const verdicts = cases.map((c) => ({ c, v: classify(c) }));
  const runnable = verdicts.filter((x) => x.v.run);

  it('parses every test line of both files', () => {
    // SOURCES.md counts 776 lines with "->" in quantize.decTest; one (quax389) is commented out.
    expect(cases.filter((c) => c.file === 'quantize.decTest')).toHaveLength(775);
    expect(cases.filter((c) => c.file === 'rounding.decTest')).toHaveLength(1030);
  });

  it('matches every half_up / half_even quantize, add and multiply case that fits money', () => {
    for (const { v } of runnable) if (v.run) v.check();
    const skipped: Record<string, number> = {};
    for (const { v } of verdicts) if (!v.run) skipped[v.reason] = (skipped[v.reason] ?? 0) + 1;
    const count = (file: string, places2 = false) =>
      runnable.filter(
        ({ c }) =>
          c.file === file && (!places2 || (c.op === 'quantize' && exponentOf(c.operands[1]!) === -2)),
      ).length;
    // Pinned so a parser change that silently drops cases fails here.
    expect({
      quantize: count('quantize.decTest'),
      quantizeToCents: count('quantize.decTest', true),
      rounding: count('rounding.decTest'),
      skipped,
    }).toEqual({
      quantize: 337,
      quantizeToCents: 52,
      rounding: 158,
      skipped: {
        'NaN, Infinity or encoded (#) operand or result: not money': 208,
        'divide: not an operation money performs before rounding': 160,
        'exponent beyond ±400: far outside any money scale': 58,
        'exponent-limit behaviour: the money Decimal has no such limits': 31,
        'power: not an operation money performs before rounding': 104,
        'quantize to tens or more: not a money operation': 148,
        'rounding 05up: not a money rounding mode': 137,
        'rounding ceiling: not a money rounding mode': 87,
        'rounding down: not a money rounding mode': 108,
        'rounding floor: not a money rounding mode': 87,
        'rounding half_down: not a money rounding mode': 87,
        'rounding up: not a money rounding mode': 87,
        'rounds left of the decimal point: not a cents operation': 8,
      },
    });
  });
});

// ---------------------------------------------------------------------------------------------
// EN 16931 calculation rules (UBL unit tests): each case is an invoice fragment and the rule's
// expected outcome. We recompute the rule with the money helpers and must reach the same verdict.
// Our checks are exact; the official Schematron allows ±1 on some rules, and no case here
// depends on that tolerance.

const EN = path.join(DATA, 'en16931_unit_tests');
const ARITHMETIC = [
  'BR-CO-10',
  'BR-CO-11',
  'BR-CO-12',
  'BR-CO-13',
  'BR-CO-14',
  'BR-CO-15',
  'BR-CO-16',
  'BR-CO-17',
];
const CATEGORY_S = ['BR-S-08', 'BR-S-09'];

const blocks = (xml: string, tag: string) =>
  [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1] ?? '');
const without = (xml: string, tag: string) => xml.replace(new RegExp(`<${tag}>[\\s\\S]*?</${tag}>`, 'g'), '');
function fields(xml: string, tag: string): { value: string; currency?: string }[] {
  return [...xml.matchAll(new RegExp(`<cbc:${tag}(\\s[^>]*)?>([^<]*)</cbc:${tag}>`, 'g'))].map((m) => ({
    value: (m[2] ?? '').trim(),
    currency: /currencyID="([^"]*)"/.exec(m[1] ?? '')?.[1],
  }));
}
const amount = (xml: string, tag: string) => {
  const f = fields(xml, tag)[0];
  return f ? fromAmountString(f.value) : undefined;
};
const category = (xml: string) => ({
  id: (fields(xml, 'ID')[0]?.value ?? '').replace(/\s+/g, ''),
  percent: amount(xml, 'Percent'),
});
const samePercent = (a?: Decimal, b?: Decimal) => (a && b ? a.eq(b) : a === b);
/** Tax on a base at a percentage, BR-CO-17: rounded half up to two places. */
const taxOf = (base: Decimal, percent: Decimal) => roundCents(base.times(percent).div(100), 'half_up');

function evaluate(rule: string, invoice: string): boolean {
  const lines = blocks(invoice, 'cac:InvoiceLine');
  const doc = without(invoice, 'cac:InvoiceLine');
  const totals = blocks(doc, 'cac:LegalMonetaryTotal')[0] ?? '';
  const allowanceCharges = blocks(doc, 'cac:AllowanceCharge').map((ac) => ({
    charge: fields(ac, 'ChargeIndicator')[0]?.value === 'true',
    amount: amount(ac, 'Amount')!,
    category: category(ac),
  }));
  const taxTotals = blocks(doc, 'cac:TaxTotal');
  const subtotals = taxTotals.flatMap((t) => blocks(t, 'cac:TaxSubtotal'));
  const total = (tag: string) => amount(totals, tag);
  const orZero = (d: Decimal | undefined) => d ?? new Decimal(0);
  const eq = (a: Decimal | undefined, b: Decimal) => a?.eq(b) === true;
  const allowances = allowanceCharges.filter((x) => !x.charge);
  const charges = allowanceCharges.filter((x) => x.charge);

  switch (rule) {
    case 'BR-CO-10':
      return eq(total('LineExtensionAmount'), sum(lines.map((l) => amount(l, 'LineExtensionAmount')!)));
    case 'BR-CO-11':
    case 'BR-CO-12': {
      const [tag, list] =
        rule === 'BR-CO-11' ? ['AllowanceTotalAmount', allowances] : ['ChargeTotalAmount', charges];
      const stated = total(tag);
      return stated === undefined ? list.length === 0 : stated.eq(sum(list.map((x) => x.amount)));
    }
    case 'BR-CO-13':
      return eq(
        total('TaxExclusiveAmount'),
        orZero(total('LineExtensionAmount'))
          .minus(orZero(total('AllowanceTotalAmount')))
          .plus(orZero(total('ChargeTotalAmount'))),
      );
    case 'BR-CO-14':
      return taxTotals.every((t) => {
        const subs = blocks(t, 'cac:TaxSubtotal');
        return (
          subs.length === 0 ||
          eq(
            amount(without(t, 'cac:TaxSubtotal'), 'TaxAmount'),
            sum(subs.map((s) => amount(s, 'TaxAmount')!)),
          )
        );
      });
    case 'BR-CO-15': {
      // Exactly one tax total in the document currency, and it closes the totals.
      const currency = fields(doc, 'DocumentCurrencyCode')[0]?.value;
      const inCurrency = taxTotals
        .flatMap((t) => fields(without(t, 'cac:TaxSubtotal'), 'TaxAmount'))
        .filter((f) => f.currency === currency);
      return (
        inCurrency.length === 1 &&
        eq(
          total('TaxInclusiveAmount'),
          orZero(total('TaxExclusiveAmount')).plus(fromAmountString(inCurrency[0]!.value)),
        )
      );
    }
    case 'BR-CO-16':
      return eq(
        total('PayableAmount'),
        orZero(total('TaxInclusiveAmount'))
          .minus(orZero(total('PrepaidAmount')))
          .plus(orZero(total('PayableRoundingAmount'))),
      );
    case 'BR-CO-17':
      return subtotals.every((s) => {
        const { percent } = category(blocks(s, 'cac:TaxCategory')[0] ?? '');
        return (
          percent === undefined || eq(amount(s, 'TaxAmount'), taxOf(amount(s, 'TaxableAmount')!, percent))
        );
      });
    case 'BR-S-08':
    case 'BR-S-09':
      return subtotals.every((s) => {
        const cat = category(blocks(s, 'cac:TaxCategory')[0] ?? '');
        if (cat.id !== 'S' || !cat.percent) return true;
        if (rule === 'BR-S-09')
          return eq(amount(s, 'TaxAmount'), taxOf(amount(s, 'TaxableAmount')!, cat.percent));
        const inCategory = (c: { id: string; percent?: Decimal }) =>
          c.id === 'S' && samePercent(c.percent, cat.percent);
        const lineSum = sum(
          lines
            .filter((l) => inCategory(category(blocks(l, 'cac:ClassifiedTaxCategory')[0] ?? '')))
            .map((l) => amount(l, 'LineExtensionAmount')!),
        );
        const net = lineSum
          .plus(sum(charges.filter((c) => inCategory(c.category)).map((c) => c.amount)))
          .minus(sum(allowances.filter((a) => inCategory(a.category)).map((a) => a.amount)));
        return eq(amount(s, 'TaxableAmount'), net);
      });
    default:
      throw new Error(`no evaluator for ${rule}`);
  }
}

describe.skipIf(!existsSync(EN))(suiteName('EN 16931 arithmetic rules', EN), () => {
  const files = existsSync(EN)
    ? readdirSync(EN)
        .filter((f) => f.endsWith('.xml'))
        .sort()
    : [];
  const cases = files.flatMap((file) => {
    const xml = readFileSync(path.join(EN, file), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
    return [...xml.matchAll(/<test[\s>][\s\S]*?<\/test>/g)].map((m, i) => {
      const outcome = /<(success|error)>\s*([\w-]+)\s*<\/\1>/.exec(m[0]);
      if (!outcome) throw new Error(`${file} case ${i + 1}: no expected outcome`);
      return { name: `${file} #${i + 1}`, expected: outcome[1]!, rule: outcome[2]!, invoice: m[0] };
    });
  });
  const arithmetic = cases.filter((c) => ARITHMETIC.includes(c.rule) || CATEGORY_S.includes(c.rule));

  it('finds every case; the non-arithmetic rules (presence, identifiers, exemption text) are skipped', () => {
    expect(files).toHaveLength(23);
    // 143 cases (SOURCES.md counts 112: it missed the 31 written <test id="n">); 101 are arithmetic.
    expect({ cases: cases.length, arithmetic: arithmetic.length }).toEqual({ cases: 143, arithmetic: 101 });
  });

  it.each(arithmetic.map((c) => [c.name, c.rule, c.expected, c] as const))(
    '%s: %s expects %s',
    (_name, rule, expected, c) => {
      expect(evaluate(rule, c.invoice) ? 'success' : 'error').toBe(expected);
    },
  );
});
