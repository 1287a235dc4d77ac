// Hostile XML in a bank file (issue 13): deep nesting, an element flood and entity expansion
// are refused as unreadable files naming the line (a StatementParseError, which the console
// answers 400), quickly and without a stack overflow, in camt and in OFX (2.x XML and 1.x SGML).
import { parseStatement, StatementParseError } from '@invoicer/reconcile';
import { describe, expect, it } from 'vitest';

const CAMT_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n<BkToCstmrStmt>\n<Stmt>\n';
const CAMT_TAIL = '\n</Stmt>\n</BkToCstmrStmt>\n</Document>\n';
const OFX2_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" VERSION="211"?>\n<OFX>\n';
const OFX1_HEAD = 'OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nENCODING:USASCII\n\n<OFX>\n';

/** Parse, expecting a refusal; returns it with how long it took. */
function refusal(text: string, format?: 'camt' | 'ofx') {
  const started = performance.now();
  let error: unknown;
  try {
    parseStatement(Buffer.from(text), { format });
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - started;
  if (!(error instanceof StatementParseError))
    throw new Error(
      `expected a StatementParseError, got ${error === undefined ? 'no error' : String(error)}`,
    );
  return { error, ms };
}

const nested = (depth: number, tag = 'a') => `${`<${tag}>`.repeat(depth)}x${`</${tag}>`.repeat(depth)}`;

describe('deeply nested XML', () => {
  it('refuses a camt.053 nested 100,000 deep naming the line and the depth', () => {
    const { error, ms } = refusal(`${CAMT_HEAD}${nested(100_000)}${CAMT_TAIL}`);
    expect(error.format).toBe('camt');
    expect(error.line).toBe(5);
    expect(error.message).toMatch(/nested more than \d+ elements deep/);
    expect(ms).toBeLessThan(3_000);
  });

  it('refuses OFX 2.x nested 100,000 deep', () => {
    const { error } = refusal(`${OFX2_HEAD}${nested(100_000, 'STMTTRN')}\n</OFX>\n`);
    expect(error.format).toBe('ofx');
    expect(error.line).toBe(4);
    expect(error.message).toMatch(/nested more than \d+ elements deep/);
  });

  it('refuses OFX 1.x (SGML) aggregates nested 100,000 deep', () => {
    const body = `${'<BANKACCTFROM>\n'.repeat(100_000)}${'</BANKACCTFROM>\n'.repeat(100_000)}`;
    const { error } = refusal(`${OFX1_HEAD}${body}</OFX>\n`);
    expect(error.format).toBe('ofx');
    // <OFX> on line 6, then one aggregate per line: the one past the limit names its line.
    expect(error.line).toBeGreaterThan(6);
    expect(error.line).toBeLessThan(200);
    expect(error.message).toMatch(/nested more than \d+ elements deep/);
  });

  it('still reads a real statement at its ordinary depth', () => {
    const entry = (n: number) =>
      `<Ntry><Amt Ccy="USD">${n}.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>` +
      '<BookgDt><Dt>2026-10-01</Dt></BookgDt><BkTxCd/><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>ACME</Nm>' +
      '<PstlAdr><AdrLine>1 Main St</AdrLine></PstlAdr></Dbtr></RltdPties><RmtInf><Strd><RfrdDocInf>' +
      '<Tp><CdOrPrtry><Cd>CINV</Cd></CdOrPrtry></Tp><Nb>INV-1</Nb></RfrdDocInf></Strd></RmtInf>' +
      '</TxDtls></NtryDtls></Ntry>';
    const text =
      `${CAMT_HEAD}<Id>S1</Id><Acct><Id><Othr><Id>123456</Id></Othr></Id><Ccy>USD</Ccy></Acct>` +
      `${entry(10)}\n${entry(20)}${CAMT_TAIL}`;
    const file = parseStatement(Buffer.from(text));
    expect(file.statements[0]?.transactions.map((t) => t.amount.toFixed(2))).toEqual(['10.00', '20.00']);
  });
});

describe('an element flood', () => {
  it('refuses a camt file of more elements than any statement has, naming the line', () => {
    const { error, ms } = refusal(`${CAMT_HEAD}${'<a/>\n'.repeat(1_100_000)}${CAMT_TAIL}`);
    expect(error.message).toMatch(/more than [\d,]+ elements/);
    expect(error.line).toBeGreaterThan(1_000_000);
    expect(ms).toBeLessThan(5_000);
  });
});

describe('entity expansion (billion laughs)', () => {
  const laughs =
    '<?xml version="1.0"?>\n<!DOCTYPE Document [\n <!ENTITY lol "lol">\n' +
    Array.from(
      { length: 9 },
      (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">\n`,
    ).join('') +
    ']>\n';

  it('refuses a camt file declaring entities, naming the declaration line', () => {
    const text = `${laughs}<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>&lol9;</Id></Stmt></BkToCstmrStmt></Document>\n`;
    const { error, ms } = refusal(text, 'camt');
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/entity declarations are not accepted/);
    expect(ms).toBeLessThan(1_000);
  });

  it('refuses an OFX 2.x file declaring entities', () => {
    const text = `${laughs}<?OFX OFXHEADER="200" VERSION="211"?>\n<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE></STATUS><DTSERVER>20261001</DTSERVER><LANGUAGE>ENG&lol9;</LANGUAGE></SONRS></SIGNONMSGSRSV1></OFX>\n`;
    const { error } = refusal(text, 'ofx');
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/entity declarations are not accepted/);
  });

  it('never expands an undeclared entity reference', () => {
    // No DTD: &lol9; is unknown and stays as it is, a few characters, not a billion.
    const text = `${OFX1_HEAD}<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20261001<LANGUAGE>ENG&lol9;</SONRS></SIGNONMSGSRSV1>\n</OFX>\n`;
    const started = performance.now();
    const file = parseStatement(Buffer.from(text), { format: 'ofx' });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(file.statements).toEqual([]);
    expect(file.errors.map((e) => e.message)).toEqual(['the file holds no bank or credit-card statement']);
  });
});
