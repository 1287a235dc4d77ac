// NACHA batch (8) and file (9) control records are recomputed: counts, entry hash and totals.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StatementParseError } from '../../errors.ts';
import { bankFile, bankPath, HAS_BANK_DATA } from '../../testing/shared-data.ts';
import { parseNacha } from './nacha.ts';

const ach = (name: string) => bankFile('nacha_ach', 'moov-io', name);
// Files whose own control records disagree with their contents (checked below).
const INCONSISTENT = new Set(['20110729A-invalid.ach', '20110805A.ach', 'shr-credit.ach']);
const consistent = HAS_BANK_DATA
  ? readdirSync(bankPath('nacha_ach', 'moov-io')).filter((f) => f.endsWith('.ach') && !INCONSISTENT.has(f))
  : [];

describe.skipIf(!HAS_BANK_DATA)('NACHA on moov-io files', () => {
  it('has the moov-io files', () => {
    expect(consistent).toHaveLength(21);
  });

  it.each(consistent)('%s: batch and file controls all reconcile', (name) => {
    const file = parseNacha(ach(name));
    expect(file.statements[0]?.errors).toEqual([]);
  });

  it('reads credits positive and debits negative, in cents', () => {
    const txs = parseNacha(ach('ppd-mixedDebitCredit.ach')).statements[0]?.transactions ?? [];
    expect(txs.map((t) => [t.typeCode, t.amount.toFixed(2), t.reference])).toEqual([
      ['27', '-2000000.00', '121042880000001'],
      ['22', '1000000.00', '121042880000002'],
      ['22', '1000000.00', '121042880000003'],
    ]);
    expect(txs[0]).toMatchObject({
      bookingDate: '2019-07-19',
      counterpartyName: 'Name on Account',
      accountId: '231380104/123456789',
    });
  });

  it('puts addenda 05 payment information in the remittance', () => {
    expect(parseNacha(ach('web-credit.ach')).statements[0]?.transactions[0]?.remittance).toEqual([
      'PAY-GATE payment',
    ]);
    expect(parseNacha(ach('txp-credit.ach')).statements[0]?.transactions[0]?.remittance).toEqual([
      'TXP*123456789*941*250901*941*12345*1*1000*2*500***VER',
    ]);
    const ctx = parseNacha(ach('ctx-debit.ach')).statements[0]?.transactions[0];
    expect(ctx?.remittance).toEqual(['Debit First Account', 'Debit Second Account']);
    expect(ctx?.raw?.individualName).toBe('Receiver Company');
  });

  it('reads all 48 entries of a multi-batch file and flags its wrong batch count', () => {
    const [statement] = parseNacha(ach('20110805A.ach')).statements;
    expect(statement?.transactions).toHaveLength(48);
    expect(statement?.errors).toEqual([
      {
        code: 'record_count',
        line: 93,
        recordType: 'file control',
        message: 'batch count is 5, the records add up to 4',
      },
    ]);
  });

  it('marks returns with their reason code', () => {
    const txs = parseNacha(ach('return-WEB.ach')).statements[0]?.transactions ?? [];
    expect(txs.map((t) => t.raw?.returnReason)).toEqual(['R01', 'R03']);
    expect(txs[0]?.description).toMatch(/^RETURN R01/);
  });

  it('rejects a file whose header is misaligned, naming line 1 (20110729A-invalid)', () => {
    try {
      parseNacha(ach('20110729A-invalid.ach'));
      throw new Error('expected a rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(StatementParseError);
      expect(error).toMatchObject({ line: 1, recordType: 'file header' });
    }
  });

  it('detects a tampered amount through the batch and file totals', () => {
    const text = ach('ppd-credit.ach')
      .toString('latin1')
      .replace('0100000000               Credit', '0100000001               Credit');
    const errors = parseNacha(Buffer.from(text, 'latin1')).statements[0]?.errors ?? [];
    expect(errors.map((e) => [e.line, e.recordType, e.code])).toEqual([
      [4, 'batch control', 'control_total'],
      [5, 'file control', 'control_total'],
    ]);
  });

  it('detects a changed routing number through the entry hash', () => {
    const text = ach('ppd-credit.ach')
      .toString('latin1')
      .replace('622231380104987654321', '622231390104987654321');
    const errors = parseNacha(Buffer.from(text, 'latin1')).statements[0]?.errors ?? [];
    expect(errors.map((e) => e.code)).toEqual(['entry_hash', 'entry_hash']);
  });

  it('skips an entry with a non-numeric amount, names its line and keeps the rest', () => {
    const text = ach('ppd-mixedDebitCredit.ach')
      .toString('latin1')
      .replace('0100000000               Credit Account 2', '01000O0000               Credit Account 2');
    const [statement] = parseNacha(Buffer.from(text, 'latin1')).statements;
    expect(statement?.transactions).toHaveLength(2);
    expect(statement?.errors[0]).toMatchObject({
      code: 'invalid_amount',
      line: 5,
      recordType: 'entry detail',
    });
  });
});
