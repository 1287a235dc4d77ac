// Expected values were read by hand from the ofxparse fixtures.
import { describe, expect, it } from 'vitest';
import { StatementParseError } from '../../errors.ts';
import { bankFile, HAS_BANK_DATA } from '../../testing/shared-data.ts';
import { parseOfx } from './ofx.ts';

const ofx = (name: string) => bankFile('ofx', 'ofxparse', name);

function rejection(run: () => unknown): StatementParseError {
  try {
    run();
  } catch (error) {
    if (error instanceof StatementParseError) return error;
    throw error;
  }
  throw new Error('expected a StatementParseError');
}

describe.skipIf(!HAS_BANK_DATA)('OFX on ofxparse fixtures', () => {
  it('reads an OFX 1.02 SGML checking statement', () => {
    const file = parseOfx(ofx('checking.ofx'));
    expect(file.errors).toEqual([]);
    const [statement] = file.statements;
    expect(statement?.accountId).toBe('1452687~7');
    expect(statement?.currency).toBe('USD');
    expect(statement?.closingBalance?.toFixed(2)).toBe('100.99');
    const txs = statement?.transactions ?? [];
    expect(txs.map((t) => [t.bookingDate, t.amount.toFixed(2), t.reference, t.typeCode])).toEqual([
      ['2011-03-31', '0.01', '0000486', 'CREDIT'],
      ['2011-04-05', '-34.51', '0000487', 'DEBIT'],
      ['2011-04-07', '-25.00', '0000488', 'CHECK'],
    ]);
    expect(txs[2]?.checkNumber).toBe('319');
    expect(txs[1]?.remittance).toEqual(['AUTOMATIC WITHDRAWAL, ELECTRIC BILL WEB(S )']);
    expect(txs[0]?.line).toBe(46);
  });

  it('reads SGML written on one line per transaction (bank_medium, CAD)', () => {
    const [statement] = parseOfx(ofx('bank_medium.ofx')).statements;
    expect(statement?.currency).toBe('CAD');
    expect(statement?.transactions.map((t) => t.amount.toFixed(2))).toEqual(['-6.60', '-316.67', '-22.00']);
    expect(statement?.transactions[1]?.checkNumber).toBeUndefined(); // CHECKNUM 0 means none
    expect(statement?.closingBalance?.toFixed(2)).toBe('382.34');
  });

  it('reads an OFX 2.x credit-card statement with unclosed leaf tags (anzcc)', () => {
    const [statement] = parseOfx(ofx('anzcc.ofx')).statements;
    expect(statement).toMatchObject({ accountId: '1234123412341234', currency: 'AUD' });
    expect(statement?.transactions).toHaveLength(1);
    expect(statement?.transactions[0]?.amount.toFixed(2)).toBe('-5.50');
    expect(statement?.transactions[0]?.description).toBe('SOME MEMO');
    expect(statement?.closingBalance?.toFixed(2)).toBe('-123.45');
  });

  it('reads OFX 2.x XML with CDATA and CRLF (suncorp)', () => {
    const [statement] = parseOfx(ofx('suncorp.ofx')).statements;
    expect(statement?.transactions[0]?.description).toBe('EFTPOS WDL HANDYWAY ALDI STORE');
    expect(statement?.transactions[0]?.amount.toFixed(2)).toBe('-16.85');
  });

  it('returns one statement per account', () => {
    const file = parseOfx(ofx('multiple_accounts2.ofx'));
    expect(file.statements.map((s) => [s.accountId, s.closingBalance?.toFixed(2)])).toEqual([
      ['9100', '111.00'],
      ['9200', '222.00'],
    ]);
  });

  it('falls back to the transaction currency when CURDEF is empty, and says so', () => {
    const [statement] = parseOfx(ofx('ofx-v102-empty-tags.ofx')).statements;
    expect(statement?.currency).toBe('AUD');
    expect(statement?.transactions[0]?.amount.toFixed(2)).toBe('12.34');
    expect(statement?.errors.map((e) => e.recordType)).toEqual(['CURDEF', 'LEDGERBAL']);
  });

  it('reports each bad transaction with its line and keeps the statement (fail_nice)', () => {
    const dateMissing = parseOfx(ofx('fail_nice/date_missing.ofx')).statements[0];
    expect(dateMissing?.transactions).toEqual([]);
    expect(dateMissing?.errors.map((e) => [e.line, e.recordType, e.code])).toEqual([
      [33, 'STMTTRN', 'missing_field'],
      [40, 'STMTTRN', 'missing_field'],
      [48, 'STMTTRN', 'invalid_date'],
    ]);
    const decimal = parseOfx(ofx('fail_nice/decimal_error.ofx')).statements[0];
    expect(decimal?.errors[0]?.message).toMatch(/DTPOSTED "201120000000".*TRNAMT "\$120"/);
    expect(decimal?.errors[0]?.line).toBe(34);
    const emptyBalance = parseOfx(ofx('fail_nice/empty_balance.ofx')).statements[0];
    expect(emptyBalance?.transactions.map((t) => t.amount.toFixed(2))).toEqual(['120.00']);
    expect(emptyBalance?.closingBalance).toBeUndefined();
    expect(emptyBalance?.errors[0]).toMatchObject({
      line: 37,
      recordType: 'LEDGERBAL',
      code: 'missing_field',
    });
  });

  it('rejects investment statements as unsupported, naming the line', () => {
    const error = rejection(() => parseOfx(ofx('fidelity.ofx')));
    expect(error.parseIssues[0]).toMatchObject({
      code: 'unsupported',
      line: 11,
      recordType: 'INVSTMTMSGSRSV1',
    });
  });

  it('rejects a refused sign-on and a server error response', () => {
    expect(rejection(() => parseOfx(ofx('signon_fail.ofx'))).message).toMatch(
      /line 11 \(SONRS\): sign-on failed: status 15500/,
    );
    expect(rejection(() => parseOfx(ofx('error_message.ofx'))).parseIssues[0]).toMatchObject({
      line: 20,
      code: 'status_error',
    });
  });

  it('rejects a truncated file, naming the element left open', () => {
    const text = ofx('checking.ofx').toString('latin1');
    const cut = text.slice(0, text.indexOf('<TRNAMT>-34.51'));
    const error = rejection(() => parseOfx(Buffer.from(cut, 'latin1')));
    expect(error.line).toBe(11);
    expect(error.message).toMatch(/<OFX> is never closed/);
  });

  it('gives the same fingerprints on a second import', () => {
    const first = parseOfx(ofx('checking.ofx')).statements[0]?.transactions.map((t) => t.fingerprint);
    const second = parseOfx(ofx('checking.ofx')).statements[0]?.transactions.map((t) => t.fingerprint);
    expect(first).toEqual(second);
    expect(new Set(first).size).toBe(3);
  });
});

describe('OFX closing-tag repair', () => {
  const sgml = (body: string) =>
    Buffer.from(`OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX>\n${body}\n</OFX>\n`);
  const statement = (transactions: string) =>
    sgml(`<BANKMSGSRSV1><STMTTRNRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>USD
<BANKACCTFROM><BANKID>1<ACCTID>42<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST>
${transactions}
</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1>`);

  it('closes leaf elements, escapes bare ampersands and keeps empty SGML elements', () => {
    const file = parseOfx(
      statement(
        '<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240105<TRNAMT>20.00<FITID>A<NAME>AT&T REFUND<MEMO></STMTTRN>',
      ),
    );
    const tx = file.statements[0]?.transactions[0];
    expect(tx?.description).toBe('AT&T REFUND');
    expect(tx?.remittance).toEqual([]);
  });

  it('separates identical transactions by ordinal in the fingerprint', () => {
    const same = '<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240105<TRNAMT>20.00<NAME>CASH</STMTTRN>';
    const txs = parseOfx(statement(`${same}\n${same}`)).statements[0]?.transactions ?? [];
    expect(txs).toHaveLength(2);
    expect(txs[0]?.fingerprint).not.toBe(txs[1]?.fingerprint);
  });

  it('rejects a closing tag that was never opened', () => {
    const error = rejection(() => parseOfx(statement('</STMTTRN>')));
    expect(error).toMatchObject({ line: 9, recordType: 'STMTTRN' });
  });
});
