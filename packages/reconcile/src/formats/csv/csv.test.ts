import { describe, expect, it } from 'vitest';
import { StatementParseError } from '../../errors.ts';
import { bankFile, HAS_BANK_DATA } from '../../testing/shared-data.ts';
import { parseCsv } from './csv.ts';
import { PAYPAL_ACTIVITY, STRIPE_BALANCE_TRANSACTIONS } from './presets.ts';

describe.skipIf(!HAS_BANK_DATA)('CSV presets on hledger samples', () => {
  it('reads a Stripe balance-transactions export (gross, fee, net)', () => {
    const [statement] = parseCsv(
      bankFile('csv_exports', 'hledger', 'stripe.csv'),
      STRIPE_BALANCE_TRANSACTIONS,
    ).statements;
    expect(statement?.errors).toEqual([]);
    expect(
      statement?.transactions.map((t) => [
        t.bookingDate,
        t.valueDate,
        t.amount.toFixed(2),
        t.fee?.toFixed(2),
        t.currency,
        t.reference,
      ]),
    ).toEqual([
      ['2020-01-23', '2020-01-27', '12.00', '0.00', 'USD', 'txn_14G11HjubSIHf9IKrvJdwN'],
      ['2020-01-23', '2020-01-27', '-0.77', '0.00', 'USD', 'txn_14G11HjHgubIH9ZvbPgYO7'],
    ]);
    expect(statement?.transactions[1]?.description).toBe('refund REFUND FOR PAYMENT');
  });

  it('reads a PayPal activity export, fee = gross − net', () => {
    const [statement] = parseCsv(
      bankFile('csv_exports', 'hledger', 'paypal-custom.csv'),
      PAYPAL_ACTIVITY,
    ).statements;
    expect(statement?.errors).toEqual([]);
    const txs = statement?.transactions ?? [];
    expect(txs).toHaveLength(7);
    expect(txs.at(-1)).toMatchObject({
      bookingDate: '2019-10-22',
      counterpartyName: 'Noble Benefactor',
      reference: '68LL1662YP3134303',
      line: 8,
    });
    expect(txs.at(-1)?.amount.toFixed(2)).toBe('10.00');
    expect(txs.at(-1)?.fee?.toFixed(2)).toBe('0.59');
    expect(txs[1]?.raw?.['Reference Txn ID']).toBe('06P57143A2806728E');
  });
});

describe('CSV with a custom mapping', () => {
  const bank = (rows: string[]) => Buffer.from(['Buchungstag;Text;Soll;Haben;Referenz', ...rows].join('\n'));
  const mapping = {
    date: 'Buchungstag',
    dateFormat: 'DD.MM.YYYY',
    description: 'Text',
    debit: 'Soll',
    credit: 'Haben',
    reference: 'Referenz',
    delimiter: ';',
    decimal: ',' as const,
    defaultCurrency: 'eur',
  };

  it('reads debit/credit columns with a decimal comma', () => {
    const [statement] = parseCsv(
      bank(['05.01.2024;Zahlung RE 10234;;1.234,50;A1', '06.01.2024;Gebühr;-12,00;;A2']),
      mapping,
    ).statements;
    expect(statement?.transactions.map((t) => [t.bookingDate, t.amount.toFixed(2), t.currency])).toEqual([
      ['2024-01-05', '1234.50', 'EUR'],
      ['2024-01-06', '-12.00', 'EUR'],
    ]);
  });

  it('skips a bad row with its line and keeps the others', () => {
    const [statement] = parseCsv(
      bank([
        '05.01.2024;ok;;10,00;A1',
        '32.01.2024;bad date;;5,00;A2',
        '07.01.2024;bad amount;;zehn;A3',
        '08.01.2024;ok;;1,00;A4',
      ]),
      mapping,
    ).statements;
    expect(statement?.transactions.map((t) => t.reference)).toEqual(['A1', 'A4']);
    expect(statement?.errors.map((e) => [e.line, e.code])).toEqual([
      [3, 'invalid_date'],
      [4, 'invalid_amount'],
    ]);
  });

  it('rejects a file missing a mapped column, naming the header line', () => {
    expect(() => parseCsv(bank([]), { ...mapping, reference: 'Verwendungszweck' })).toThrow(
      StatementParseError,
    );
    expect(() => parseCsv(bank([]), { ...mapping, reference: 'Verwendungszweck' })).toThrow(
      /line 1 \(header\): missing column\(s\) "Verwendungszweck"/,
    );
  });

  it('rejects broken quoting with the line', () => {
    const broken = Buffer.from('date,amount,text\n2024-01-05,1.00,"ok"\n2024-01-06,2.00,"open\n');
    expect(() =>
      parseCsv(broken, { date: 'date', dateFormat: 'YYYY-MM-DD', amount: 'amount', description: 'text' }),
    ).toThrow(/line \d+: not valid CSV/);
  });
});
