// Bank-import fidelity (issue 14): every statement and transaction list is read, unclosed OFX
// lists and right-trimmed NACHA records are tolerated with a warning by line, detection needs no
// file name, and the CSV presets read real exports. Fixtures: testing/fixtures (SOURCES.md) and
// the shared public files by path.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect.ts';
import { parseCsv } from './formats/csv/csv.ts';
import { CSV_PRESETS, detectCsvPreset } from './formats/csv/presets.ts';
import { parseNacha } from './formats/nacha/nacha.ts';
import { parseOfx } from './formats/ofx/ofx.ts';
import { allIssues, parseStatement } from './parse.ts';
import { bankFile, HAS_BANK_DATA } from './testing/shared-data.ts';

const fixture = (...parts: string[]) =>
  readFileSync(path.join(import.meta.dirname, 'testing/fixtures', ...parts));

const summary = (file: ReturnType<typeof parseOfx>) =>
  file.statements.map((s) => ({
    account: s.accountId,
    transactions: s.transactions.length,
    total: s.transactions.reduce((sum, t) => sum + Number(t.amount.toFixed(2)), 0).toFixed(2),
    closing: s.closingBalance?.toFixed(2),
  }));

describe('OFX: every statement and every transaction list', () => {
  it('reads the statements of every message set, bank and credit card', () => {
    const file = parseOfx(fixture('ofx/two-message-sets.ofx'));
    expect(file.errors).toEqual([]);
    expect(summary(file)).toEqual([
      { account: '000111222', transactions: 2, total: '1207.83', closing: '15230.55' },
      { account: '000333444', transactions: 1, total: '3.21', closing: '5003.21' },
      { account: '000555666', transactions: 1, total: '880.00', closing: '2880.00' },
      { account: '4111111111111111', transactions: 1, total: '-61.40', closing: '-61.40' },
    ]);
  });

  it('reads several STMTRS in one STMTTRNRS', () => {
    const file = parseOfx(fixture('ofx/two-statements-one-response.ofx'));
    expect(summary(file)).toEqual([
      { account: '7000001', transactions: 1, total: '500.00', closing: '1500.00' },
      { account: '7000002', transactions: 2, total: '65.25', closing: '265.25' },
    ]);
  });

  it('reads every BANKTRANLIST of a statement, its period spanning them all', () => {
    const file = parseOfx(fixture('ofx/two-transaction-lists.ofx'));
    expect(file.errors).toEqual([]);
    const [s] = file.statements;
    expect(s?.transactions.map((t) => [t.bookingDate, t.amount.toFixed(2), t.reference])).toEqual([
      ['2024-03-05', '300.00', 'L1-1'],
      ['2024-03-10', '-20.00', 'L1-2'],
      ['2024-03-20', '450.50', 'L2-1'],
    ]);
    expect([s?.periodStart, s?.periodEnd]).toEqual(['2024-03-01', '2024-03-31']);
    expect(s?.closingBalance?.toFixed(2)).toBe('1730.50');
  });

  it('keeps the closing balance after a transaction list that is never closed, with a warning by line', () => {
    const file = parseOfx(fixture('ofx/unclosed-transaction-list.ofx'));
    const [s] = file.statements;
    expect(s?.transactions.map((t) => t.amount.toFixed(2))).toEqual(['612.00', '-12.00']);
    expect(s?.closingBalance?.toFixed(2)).toBe('4100.00');
    expect(s?.periodEnd).toBe('2024-03-31');
    expect(file.errors).toEqual([
      expect.objectContaining({
        code: 'unclosed_element',
        severity: 'warning',
        line: 36,
        recordType: 'BANKTRANLIST',
        message: expect.stringContaining('closed at line 53'),
      }),
    ]);
    // A warning is not a rejection, even in strict mode.
    expect(() =>
      parseStatement(fixture('ofx/unclosed-transaction-list.ofx'), { strict: true }),
    ).not.toThrow();
  });

  it.skipIf(!HAS_BANK_DATA)('adds no warning to the well-formed ofxparse files', () => {
    for (const name of [
      'checking.ofx',
      'bank_medium.ofx',
      'anzcc.ofx',
      'suncorp.ofx',
      'multiple_accounts2.ofx',
    ])
      expect(parseOfx(bankFile('ofx', 'ofxparse', name)).errors, name).toEqual([]);
  });
});

describe.skipIf(!HAS_BANK_DATA)('NACHA records right-trimmed to under 94 characters', () => {
  const ach = (name: string) => bankFile('nacha_ach', 'moov-io', name);

  it('recognises them without the .ach extension and pads them, warning by line', () => {
    const buffer = ach('ppd-debit.ach'); // its file header is 79 characters long
    expect(detectFormat(buffer)).toBe('nacha');
    expect(detectFormat(buffer, 'upload.txt')).toBe('nacha');
    const file = parseStatement(buffer, { fileName: 'upload.txt' });
    expect(file.format).toBe('nacha');
    expect(file.statements[0]?.transactions.map((t) => t.amount.toFixed(2))).toEqual(['-1000000.00']);
    expect(file.errors[0]).toMatchObject({
      code: 'short_record',
      severity: 'warning',
      line: 1,
      recordType: '1',
    });
    expect(file.errors.every((e) => e.severity === 'warning' && e.line !== undefined)).toBe(true);
    expect(allIssues(file).filter((i) => i.severity !== 'warning')).toEqual([]);
  });

  it('warns for no record of a file written at full width', () => {
    expect(parseNacha(ach('web-credit.ach')).errors.filter((e) => e.code === 'short_record')).toEqual([]);
  });
});

describe('detection without a file name', () => {
  it('recognises the fixtures from their content', () => {
    expect(detectFormat(fixture('ofx/two-message-sets.ofx'))).toBe('ofx');
    expect(detectFormat(fixture('ofx/two-statements-one-response.ofx'))).toBe('ofx');
    expect(detectFormat(fixture('csv/stripe-itemized-export'))).toBe('csv');
    expect(detectFormat(fixture('csv/paypal-activity-2016.csv'))).toBe('csv');
  });

  it.skipIf(!HAS_BANK_DATA)('recognises every shared public file as it does with its name', () => {
    const files: [string, string[]][] = [
      ['ofx', ['ofx', 'ofxparse', 'checking.ofx']],
      ['ofx', ['ofx', 'ofxparse', 'suncorp.ofx']],
      ['camt', ['camt', 'genkgo', 'camt053.v2.multi.statement.xml']],
      ['camt', ['camt', 'genkgo', 'camt054.v8.xml']],
      ['bai2', ['bai2', 'moov-io', 'sample3.txt']],
      ['bai2', ['bai2', 'venturehacks', 'eod.bai2']],
      ['csv', ['csv_exports', 'hledger', 'stripe.csv']],
      ['csv', ['csv_exports', 'hledger', 'paypal-custom.csv']],
      ...[
        '20110805A.ach',
        'ppd-debit.ach',
        'two-micro-deposits.ach',
        '20180713-IAT.ach',
        'cor-read.ach',
        'FISERV-ZEROFILE-PIMRET825324_032720_110221.ach',
      ].map((f): [string, string[]] => ['nacha', ['nacha_ach', 'moov-io', f]]),
    ];
    for (const [format, parts] of files)
      expect(detectFormat(bankFile(...parts)), parts.join('/')).toBe(format);
  });
});

describe('CSV presets on real export layouts', () => {
  it('reads a PayPal activity export with no Note column and dates like 6/4/2016', () => {
    const file = parseCsv(fixture('csv/paypal-activity-2016.csv'), CSV_PRESETS.paypal_activity);
    const [s] = file.statements;
    expect(s?.errors).toEqual([]);
    expect(
      s?.transactions.map((t) => [t.bookingDate, t.amount.toFixed(2), t.fee?.toFixed(2), t.reference]),
    ).toEqual([
      ['2016-06-04', '1250.00', '36.55', '4UJ97208HN1234567'],
      ['2016-06-04', '-1213.45', '0.00', '8RT55431AB7654321'],
      ['2016-06-12', '189.00', '5.78', '2GH10987ZX2468013'],
      ['2016-10-21', '-20.00', '-0.58', '9KL24680MN1357924'],
    ]);
    expect(s?.transactions[0]?.remittance).toEqual(['Invoice 90255 furnace repair']);
  });

  it.skipIf(!HAS_BANK_DATA)('still reads the hledger PayPal export (10/01/2019 dates, with Note)', () => {
    const file = parseCsv(
      bankFile('csv_exports', 'hledger', 'paypal-custom.csv'),
      CSV_PRESETS.paypal_activity,
    );
    expect(file.statements[0]?.transactions).toHaveLength(7);
    expect(file.statements[0]?.errors).toEqual([]);
  });

  it('"Detect from the file" reads a Stripe export without a mapping, as the Stripe preset does', () => {
    const buffer = fixture('csv/stripe-itemized-export');
    expect(detectCsvPreset(buffer)).toBe('stripe_balance_transactions');
    const detected = parseStatement(buffer);
    const preset = parseStatement(buffer, { csvMapping: 'stripe_balance_transactions' });
    expect(detected).toEqual(preset);
    expect(detected.statements[0]?.transactions.map((t) => [t.amount.toFixed(2), t.fee?.toFixed(2)])).toEqual(
      [
        ['425.00', '12.63'],
        ['-50.00', '0.00'],
      ],
    );
  });

  it.skipIf(!HAS_BANK_DATA)('"Detect from the file" reads the hledger Stripe and PayPal exports', () => {
    const stripe = parseStatement(bankFile('csv_exports', 'hledger', 'stripe.csv'));
    expect(stripe.statements[0]?.transactions.map((t) => t.amount.toFixed(2))).toEqual(['12.00', '-0.77']);
    const paypal = parseStatement(bankFile('csv_exports', 'hledger', 'paypal-custom.csv'));
    expect(paypal.statements[0]?.transactions).toHaveLength(7);
  });

  it('still refuses a CSV that fits no preset, naming the presets', () => {
    expect(() => parseStatement(Buffer.from('When,What,How much\n2024-01-01,x,1.00\n'))).toThrow(
      /stripe_balance_transactions, paypal_activity/,
    );
  });
});
