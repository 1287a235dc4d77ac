// BAI2 files carry their own checks: every 49/98/99 trailer's control total and record count is
// recomputed, so a clean parse of a real file is itself evidence the records were read right.
import { describe, expect, it } from 'vitest';
import { StatementParseError } from '../../errors.ts';
import { parseStatement } from '../../parse.ts';
import { bankFile, HAS_BANK_DATA } from '../../testing/shared-data.ts';
import type { ParsedFile } from '../../types.ts';
import { parseBai2 } from './bai2.ts';

const bai2 = (...parts: string[]) => bankFile('bai2', ...parts);
const issues = (file: ParsedFile) => [...file.errors, ...file.statements.flatMap((s) => s.errors)];
const detailCount = (file: ParsedFile) => file.statements.reduce((n, s) => n + s.transactions.length, 0);

describe.skipIf(!HAS_BANK_DATA)('BAI2 on real files', () => {
  it.each([
    ['moov-io/sample1.txt', 17],
    ['moov-io/sample2.txt', 4],
    // 24 lines start with "16," but two more 16 records follow a "/" on the same line.
    ['moov-io/sample3.txt', 26],
    ['ministryofjustice/svb_us_example.bai2', 2],
    ['ministryofjustice/citi_example.bai2', 1],
    ['ministryofjustice/nwb_example.bai2', 5],
    ['ministryofjustice/account_trailer_amount_blank_example.bai2', 0],
    ['venturehacks/daily.bai2', 1],
    ['venturehacks/daily_with_summary.bai2', 1],
    ['venturehacks/eod.bai2', 1],
    ['venturehacks/eod_with_slash_in_text.bai2', 1],
    ['venturehacks/eod_without_as_of_time.bai2', 1],
  ])('%s: every control total and record count reconciles, %i details', (name, details) => {
    const file = parseBai2(bai2(...name.split('/')));
    expect(issues(file)).toEqual([]);
    expect(detailCount(file)).toBe(details);
  });

  it('reads amounts in cents with the direction from the type code (sample1, CAD)', () => {
    const [first] = parseBai2(bai2('moov-io', 'sample1.txt')).statements;
    expect(first?.currency).toBe('CAD');
    expect(
      first?.transactions.slice(0, 4).map((t) => [t.typeCode, t.amount.toFixed(2), t.description]),
    ).toEqual([
      ['409', '-25.00', 'RETURNED CHEQUE'],
      ['409', '-900.00', 'RTN-UNKNOWN'],
      ['409', '-5.00', 'RTD CHQ SERVICE CHRG'],
      ['108', '2035.00', 'TFR 1020 0345678'],
    ]);
    expect(first?.transactions[0]).toMatchObject({ bookingDate: '2006-03-17', valueDate: '2006-03-16' });
  });

  it('puts 88 continuation text, including OBI, in the remittance (eod wire)', () => {
    const tx = parseBai2(bai2('venturehacks', 'eod.bai2')).statements[0]?.transactions[0];
    expect(tx?.amount.toFixed(2)).toBe('83259.82');
    expect(tx?.remittance).toContain('OBI:=INVOICE 123456');
    expect(tx?.remittance).toHaveLength(10);
    expect(tx?.counterpartyName).toBe('OPTIONS LINK WIRE CLEARING');
    expect(tx?.description).toBe('FED NO: 20100831L1B77D1CDSDSDJSIO15608310954FT01');
  });

  it('keeps "/" inside text', () => {
    const tx = parseBai2(bai2('venturehacks', 'eod_with_slash_in_text.bai2')).statements[0]?.transactions[0];
    expect(tx?.remittance).toContain('ORG ADDRESS:=2/AV MAIN 2/AVENUE DE ANGELLIST 3/MX');
    expect(tx?.remittance).toContain('/MEXICO ;');
  });

  it('reads summary amounts across 88 continuations as balances (svb)', () => {
    const [day1] = parseBai2(bai2('ministryofjustice', 'svb_us_example.bai2')).statements;
    expect(day1?.openingBalance?.toFixed(2)).toBe('347269.79');
    expect(day1?.closingBalance?.toFixed(2)).toBe('352171.75');
  });

  it('flags the account trailer of invalid_checksum_eod.bai2 and keeps the transaction', () => {
    const file = parseBai2(bai2('venturehacks', 'invalid_checksum_eod.bai2'));
    const [statement] = file.statements;
    expect(statement?.errors).toEqual([
      {
        code: 'control_total',
        line: 15,
        recordType: '49',
        message: 'account control total 8325983 does not equal the sum of its amounts 8325982',
      },
    ]);
    expect(statement?.transactions).toHaveLength(1);
    expect(() => parseStatement(bai2('venturehacks', 'invalid_checksum_eod.bai2'), { strict: true })).toThrow(
      /line 15 \(49\): account control total/,
    );
  });

  it('rejects moov errors/sample-parseError.txt naming line 1', () => {
    try {
      parseBai2(bai2('moov-io', 'errors', 'sample-parseError.txt'));
      throw new Error('expected a rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(StatementParseError);
      expect(error).toMatchObject({ line: 1, recordType: '00' });
    }
  });

  it('reports trailers that do not add up but keeps every detail (moov sample4, sample5)', () => {
    const sample4 = parseBai2(bai2('moov-io', 'sample4-continuations-newline-delimited.txt'));
    expect(detailCount(sample4)).toBe(17);
    expect(
      issues(sample4)
        .filter((i) => i.code === 'control_total')
        .map((i) => i.line),
    ).toEqual([115, 22, 110]);
    const sample5 = parseBai2(bai2('moov-io', 'sample5-issue113.txt'));
    expect(detailCount(sample5)).toBe(20);
    expect(sample5.errors[0]).toMatchObject({ code: 'malformed_record', line: 63 });
    expect(sample5.statements[1]?.transactions[1]?.reference).toBe('SB2322600000404');
  });
});

describe('BAI2 record handling', () => {
  const file = (details: string[], accountTotal: string, records: number) =>
    Buffer.from(
      [
        '01,SENDER,RECEIVER,240105,1200,1,,,2/',
        '02,RECEIVER,BANK,1,240104,,USD,2/',
        '03,111222333,USD,010,100000,,,015,150000,,/',
        ...details,
        `49,${accountTotal},${records}/`,
        `98,${accountTotal},1,${records + 2}/`,
        `99,${accountTotal},1,${records + 4}/`,
      ].join('\n'),
    );

  it('skips a detail with a bad amount, names the line, and the trailer mismatch follows', () => {
    const parsed = parseBai2(
      file(
        ['16,175,12500,Z,B1,C1,DEPOSIT/', '16,175,12X00,Z,B2,C2,DEPOSIT/', '16,175,2500,Z,B3,C3,INV 10234/'],
        '277000',
        5,
      ),
    );
    const [statement] = parsed.statements;
    expect(statement?.transactions.map((t) => t.amount.toFixed(2))).toEqual(['125.00', '25.00']);
    expect(statement?.errors[0]).toMatchObject({ code: 'invalid_amount', line: 5, recordType: '16' });
    expect(statement?.errors[1]).toMatchObject({ code: 'control_total', line: 7 });
  });

  it('joins text wrapped onto its own line and splits records that share a line', () => {
    const parsed = parseBai2(
      file(['16,175,12500,Z,B1,C1,PAYMENT FROM', 'ACME PLUMBING/ 16,475,2500,Z,B2,1042,CHECK/'], '265000', 4),
    );
    const [statement] = parsed.statements;
    expect(parsed.errors).toEqual([]);
    expect(statement?.errors).toEqual([]);
    expect(statement?.transactions.map((t) => t.description)).toEqual([
      'PAYMENT FROM ACME PLUMBING',
      'CHECK',
    ]);
    expect(statement?.transactions[1]).toMatchObject({ checkNumber: '1042', typeCode: '475' });
    expect(statement?.transactions[1]?.amount.toFixed(2)).toBe('-25.00');
  });

  it('reports a missing file trailer (truncated file)', () => {
    const text = file([], '250000', 2).toString().split('\n').slice(0, -1).join('\n');
    expect(parseBai2(Buffer.from(text)).errors).toEqual([
      { code: 'missing_field', message: 'file has no 99 trailer (truncated?)' },
    ]);
  });
});
