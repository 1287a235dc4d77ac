// camt files are checked against genkgo/camt's expected output (the .json beside each .xml).
// Compared, where genkgo has a value: statement count and ids, account id, entries per
// statement, opening/closing balance, and for genkgo's sample entry the signed amount and
// currency, booking and value date, EndToEndId, remittance message, unstructured blocks,
// creditor references and the counterparty (debtor on credits, creditor on debits).
// genkgo serialises repeated objects as "__RECURSIVITY__" or null; those are skipped.
import { readdirSync, readFileSync } from 'node:fs';
import { Decimal } from '@invoicer/core';
import { describe, expect, it } from 'vitest';
import { minorUnits } from '../../currency.ts';
import { StatementParseError } from '../../errors.ts';
import { BANK_DATA_DIR, bankFile, bankPath, HAS_BANK_DATA } from '../../testing/shared-data.ts';
import type { BankStatement } from '../../types.ts';
import { parseCamt } from './camt.ts';

const dir = bankPath('camt', 'genkgo');
const pairs = HAS_BANK_DATA
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.xml') && readdirSync(dir).includes(f.replace(/\.xml$/, '.json')))
      .sort()
  : [];

/** Walk genkgo's JSON without trusting its shape. */
function pick(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    current =
      current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
  }
  return current;
}
const text = (value: unknown, ...path: string[]) => {
  const found = pick(value, ...path);
  return typeof found === 'string' && found !== '__RECURSIVITY__' ? found : undefined;
};
const list = (value: unknown, ...path: string[]) => {
  const found = pick(value, ...path);
  return Array.isArray(found) ? (found as unknown[]) : [];
};

function money(json: unknown): string {
  const currency = text(json, 'getCurrency', 'getCode') ?? '';
  return new Decimal(text(json, 'getAmount') ?? 'NaN').dividedBy(10 ** minorUnits(currency)).toFixed();
}

const day = (json: unknown, key: string) => text(json, key, '0')?.slice(0, 10);

function expectBalances(statement: BankStatement, record: unknown) {
  const balances = list(record, 'getBalances');
  const opening = balances.find((b) => text(b, 'getType') === 'opening');
  const closing = balances.find((b) => text(b, 'getType') === 'closing');
  if (opening) expect(statement.openingBalance?.toFixed()).toBe(money(pick(opening, 'getAmount')));
  if (closing) expect(statement.closingBalance?.toFixed()).toBe(money(pick(closing, 'getAmount')));
}

function remittanceTexts(detail: unknown): string[] {
  const info = pick(detail, 'getRemittanceInformation');
  return [
    text(info, 'getMessage'),
    ...list(info, 'getUnstructuredBlocks').map((b) => text(b, 'getMessage')),
    ...list(info, 'getStructuredBlocks').map((b) => text(b, 'getCreditorReferenceInformation', 'getRef')),
    text(info, 'getCreditorReferenceInformation', 'getRef'),
  ].filter((t): t is string => t !== undefined);
}

describe.skipIf(!HAS_BANK_DATA)('camt against genkgo expected output', () => {
  it('has the genkgo fixtures', () => {
    expect(pairs.length).toBe(25);
  });

  it.each(pairs)('%s', (file) => {
    const expected: unknown = JSON.parse(readFileSync(`${dir}/${file.replace(/\.xml$/, '.json')}`, 'utf8'));
    const parsed = parseCamt(readFileSync(`${dir}/${file}`));
    expect(parsed.statements).toHaveLength(list(expected, 'getRecords').length);
    for (const entry of list(expected, 'getEntries')) {
      const record = pick(entry, 'getRecord');
      const statement = parsed.statements.find((s) => s.statementId === text(record, 'getId'));
      if (!statement) throw new Error(`no statement ${text(record, 'getId')}`);
      expect(statement.accountId).toBe(text(record, 'getAccount', 'getIdentification'));
      expect(statement.transactions).toHaveLength(list(record, 'getEntries').length);
      expectBalances(statement, record);

      const amount = money(pick(entry, 'getAmount'));
      const tx = statement.transactions.find((t) => t.amount.toFixed() === amount);
      if (!tx) throw new Error(`no transaction of ${amount}`);
      expect(tx.currency).toBe(text(entry, 'getAmount', 'getCurrency', 'getCode'));
      if (day(entry, 'getBookingDate')) expect(tx.bookingDate).toBe(day(entry, 'getBookingDate'));
      if (day(entry, 'getValueDate')) expect(tx.valueDate).toBe(day(entry, 'getValueDate'));

      const details = list(entry, 'getTransactionDetails').map((d) =>
        d === '__RECURSIVITY__' ? pick(entry, 'getTransactionDetail') : d,
      );
      const endToEnd = details.map((d) => text(d, 'getReference', 'getEndToEndId')).find(Boolean);
      if (endToEnd) expect(tx.reference).toBe(endToEnd);
      for (const detail of details) {
        for (const remittance of remittanceTexts(detail)) expect(tx.remittance).toContain(remittance);
      }
      const credit = text(entry, 'getCreditDebitIndicator') === 'CRDT';
      const roles = credit ? ['Debtor', 'UltimateDebtor'] : ['Creditor', 'UltimateCreditor'];
      const parties = list(details[0], 'getRelatedParties').map((p) => pick(p, 'getRelatedPartyType'));
      const counterparty = roles
        .map((role) => parties.find((p) => text(p, '__CLASS__')?.endsWith(`\\${role}`)))
        .map((p) => text(p, 'getName'))
        .find(Boolean);
      if (counterparty) expect(tx.counterpartyName).toBe(counterparty);
    }
  });

  it('parses both statements of a multi-statement file with their balances', () => {
    const file = parseCamt(bankFile('camt', 'genkgo', 'camt053.v2.multi.statement.xml'));
    expect(
      file.statements.map((s) => [s.statementId, s.openingBalance?.toFixed(2), s.closingBalance?.toFixed(2)]),
    ).toEqual([
      ['253EURNL26VAYB8060476890', '18.15', '27.00'],
      ['254EURNL26VAYB8060476890', '27.00', '20.00'],
    ]);
    expect(file.statements[1]?.transactions[0]?.remittance).toEqual(['Transaction Description 2']);
  });

  it('collects the remittance of every TxDtls of a batch entry (camt.054 v8)', () => {
    const tx = parseCamt(bankFile('camt', 'genkgo', 'camt054.v8.xml')).statements[0]?.transactions[0];
    expect(tx?.remittance).toContain('Ref number V3 block 2');
    expect(tx?.remittance).toContain('Unstructured Remittance Information V1');
    expect(tx?.typeCode).toBe('PMNT/ICDT/DMCT');
  });

  it('keeps an entry with no dates, booked on the statement date, with a warning', () => {
    const statement = parseCamt(bankFile('camt', 'genkgo', 'camt054.v8-with-UETR.xml')).statements[0];
    expect(statement?.transactions[0]?.bookingDate).toBe('2007-10-18');
    expect(statement?.errors[0]).toMatchObject({ code: 'missing_field', recordType: 'Ntry', line: 16 });
  });

  it('rejects a statement message without statements, naming the line', () => {
    expect(() => parseCamt(bankFile('camt', 'genkgo', 'camt053.v2.wrong.xml'))).toThrow(
      /line 3 \(BkToCstmrStmt\)/,
    );
  });

  it('keeps the shared folder where tests expect it', () => {
    expect(BANK_DATA_DIR).toMatch(/shared\/data\/bank_statements$/);
  });
});

describe('camt error handling', () => {
  const doc = (entries: string) =>
    Buffer.from(`<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
<BkToCstmrStmt><GrpHdr><MsgId>1</MsgId><CreDtTm>2024-01-31T00:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>DE00</IBAN></Id><Ccy>EUR</Ccy></Acct>
${entries}
</Stmt></BkToCstmrStmt></Document>`);
  const entry = (amount: string) =>
    `<Ntry><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-01-30</Dt></BookgDt></Ntry>`;

  it('skips an entry with a bad amount, names its line and keeps the others', () => {
    const [statement] = parseCamt(doc(`${entry('10.00')}\n${entry('1O.00')}\n${entry('5.5')}`)).statements;
    expect(statement?.transactions.map((t) => t.amount.toFixed(2))).toEqual(['10.00', '5.50']);
    expect(statement?.errors).toEqual([
      expect.objectContaining({ code: 'invalid_amount', line: 6, recordType: 'Ntry' }),
    ]);
  });

  it('rejects XML that is not well-formed with the line of the problem', () => {
    const broken = Buffer.from(doc(entry('1.00')).toString().replace('</Stmt>', ''));
    try {
      parseCamt(broken);
      throw new Error('expected a rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(StatementParseError);
      expect((error as StatementParseError).line).toBe(6);
    }
  });
});
