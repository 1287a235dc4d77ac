import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect.ts';
import { StatementParseError } from './errors.ts';
import { allIssues, parseStatement } from './parse.ts';
import { bankFile, HAS_BANK_DATA } from './testing/shared-data.ts';

describe.skipIf(!HAS_BANK_DATA)('detectFormat and parseStatement on real files', () => {
  it.each([
    [['ofx', 'ofxparse', 'checking.ofx'], 'ofx'],
    [['ofx', 'ofxparse', 'anzcc.ofx'], 'ofx'],
    [['ofx', 'ofxparse', 'fail_nice', 'empty_balance.ofx'], 'ofx'],
    [['camt', 'genkgo', 'camt053.v8.xml'], 'camt'],
    [['camt', 'genkgo', 'camt052.v1.xml'], 'camt'],
    [['bai2', 'moov-io', 'sample3.txt'], 'bai2'],
    [['bai2', 'venturehacks', 'eod.bai2'], 'bai2'],
    [['nacha_ach', 'moov-io', 'ppd-debit.ach'], 'nacha'],
    [['nacha_ach', 'moov-io', 'FISERV-ZEROFILE-PIMRET825324_032720_110221.ach'], 'nacha'],
    [['csv_exports', 'hledger', 'stripe.csv'], 'csv'],
  ])('%j is %s', (parts, format) => {
    expect(detectFormat(bankFile(...parts), parts.at(-1))).toBe(format);
  });

  it('parses by detection and applies a CSV preset by name', () => {
    const file = parseStatement(bankFile('csv_exports', 'hledger', 'paypal-custom.csv'), {
      fileName: 'paypal-custom.csv',
      csvMapping: 'paypal_activity',
    });
    expect(file.format).toBe('csv');
    expect(file.statements[0]?.transactions).toHaveLength(7);
  });

  it('in strict mode rejects a file with any issue, listing every issue by line', () => {
    const buffer = bankFile('ofx', 'ofxparse', 'fail_nice', 'date_missing.ofx');
    expect(allIssues(parseStatement(buffer)).map((i) => i.line)).toEqual([33, 40, 48]);
    expect(() => parseStatement(buffer, { strict: true })).toThrow(
      /line 33 \(STMTTRN\).*line 40 \(STMTTRN\).*line 48 \(STMTTRN\)/,
    );
  });
});

describe('detectFormat', () => {
  it('returns undefined for unknown content and parseStatement rejects it', () => {
    const unknown = Buffer.from('%PDF-1.7\n%binary');
    expect(detectFormat(unknown, 'statement.pdf')).toBeUndefined();
    expect(() => parseStatement(unknown)).toThrow(StatementParseError);
  });

  it('recognises a one-line BAI2 header and a header-only CSV', () => {
    expect(detectFormat(Buffer.from('01,SENDER,RECEIVER,240105,1200,1,,,2/\n'))).toBe('bai2');
    expect(detectFormat(Buffer.from('date,amount,description\n2024-01-01,1.00,x\n'))).toBe('csv');
  });
});
