// CSV exports (banks, Stripe, PayPal) read through a column mapping. Policy: a file that is
// not valid CSV (unbalanced quotes) or lacks a mapped column is rejected naming the line; a
// row with a bad date or amount is skipped and reported with its line.
import { type Decimal, ZERO } from '@invoicer/core';
import { CsvError, parse } from 'csv-parse/sync';
import { type DecimalSeparator, parseAmount } from '../../amounts.ts';
import { fromPattern } from '../../dates.ts';
import { fail } from '../../errors.ts';
import { withFingerprints } from '../../fingerprint.ts';
import type { DraftTransaction, ParsedFile, ParseIssue } from '../../types.ts';

/** Column names are matched case-insensitively against the header row. */
export interface CsvMapping {
  date: string;
  /** Signed amount column; or use `debit` and `credit` columns instead. */
  amount?: string;
  debit?: string;
  credit?: string;
  description: string | string[];
  reference?: string;
  counterparty?: string;
  remittance?: string[];
  valueDate?: string;
  /** Column holding an ISO currency code; otherwise `defaultCurrency` (USD). */
  currency?: string;
  defaultCurrency?: string;
  /** Processor exports: fee and net columns. `amount` stays the gross; fee = gross − net. */
  fee?: string;
  net?: string;
  /** "YYYY-MM-DD", "MM/DD/YYYY", "DD.MM.YYYY"… A time after the date is ignored. */
  dateFormat: string;
  delimiter?: string;
  decimal?: DecimalSeparator;
  accountId?: string;
  /** For sources where a positive amount is money out (Plaid): flip the sign. */
  negate?: boolean;
  /**
   * Mapped columns a file may lack (real exports drop columns by account type and year: a
   * PayPal activity export may have no "Note" or "Item Title"); an absent one reads as empty.
   */
  optional?: string[];
}

interface Row {
  record: string[];
  info: { lines: number };
}

/** The header row's column names (trimmed), or [] when the file has no readable first line. */
export function csvHeader(buffer: Uint8Array, delimiter = ','): string[] {
  const text = new TextDecoder('utf-8').decode(buffer.subarray(0, 64 * 1024)).replace(/^\uFEFF/, '');
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  try {
    const [row] = parse(first, { delimiter, relax_quotes: true, relax_column_count: true }) as string[][];
    return (row ?? []).map((h) => h.trim());
  } catch {
    return [];
  }
}

/** Every header name the mapping reads. */
function mappedColumns(mapping: CsvMapping): string[] {
  return [
    mapping.date,
    mapping.amount,
    mapping.debit,
    mapping.credit,
    ...[mapping.description].flat(),
    mapping.reference,
    mapping.counterparty,
    ...(mapping.remittance ?? []),
    mapping.valueDate,
    mapping.currency,
    mapping.fee,
    mapping.net,
  ].filter((n): n is string => n !== undefined);
}

/** Whether every column the mapping needs (all but its optional ones) is in the header. */
export function mappingFits(header: string[], mapping: CsvMapping): boolean {
  const names = new Set(header.map((h) => h.trim().toLowerCase()));
  const optional = new Set((mapping.optional ?? []).map((n) => n.trim().toLowerCase()));
  const needed = mappedColumns(mapping);
  return needed.every((n) => names.has(n.trim().toLowerCase()) || optional.has(n.trim().toLowerCase()));
}

export function parseCsv(buffer: Uint8Array, mapping: CsvMapping): ParsedFile {
  const text = new TextDecoder('utf-8').decode(buffer);
  let rows: Row[];
  try {
    rows = parse(text, {
      delimiter: mapping.delimiter ?? ',',
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as Row[];
  } catch (error) {
    const line = error instanceof CsvError ? (error as CsvError & { lines?: number }).lines : undefined;
    fail('csv', { code: 'malformed_record', line, message: `not valid CSV: ${(error as Error).message}` });
  }
  const [header, ...body] = rows;
  if (!header) fail('csv', { code: 'missing_field', line: 1, message: 'the file is empty' });
  const column = columnIndex(header.record, mapping);
  const errors: ParseIssue[] = [];
  const drafts: DraftTransaction[] = [];
  for (const row of body) {
    const draft = readRow(row, header.record, column, mapping, errors);
    if (draft) drafts.push(draft);
  }
  const currency = drafts[0]?.currency ?? (mapping.defaultCurrency ?? 'USD').toUpperCase();
  return {
    format: 'csv',
    statements: [
      {
        format: 'csv',
        accountId: mapping.accountId,
        currency,
        transactions: withFingerprints(mapping.accountId, drafts),
        errors,
      },
    ],
    errors: [],
  };
}

type ColumnIndex = (name: string | undefined) => number | undefined;

function columnIndex(header: string[], mapping: CsvMapping): ColumnIndex {
  const names = header.map((h) => h.trim().toLowerCase());
  const find = (name: string | undefined) =>
    name === undefined ? undefined : names.indexOf(name.trim().toLowerCase());
  const wanted = mappedColumns(mapping);
  const optional = new Set((mapping.optional ?? []).map((n) => n.trim().toLowerCase()));
  const missing = wanted.filter((n) => find(n) === -1 && !optional.has(n.trim().toLowerCase()));
  if (missing.length) {
    fail('csv', {
      code: 'missing_field',
      line: 1,
      recordType: 'header',
      message: `missing column(s) ${missing.map((m) => `"${m}"`).join(', ')}; the header has ${header.map((h) => `"${h}"`).join(', ')}`,
    });
  }
  if (mapping.amount === undefined && mapping.debit === undefined && mapping.credit === undefined) {
    fail('csv', {
      code: 'missing_field',
      message: 'the mapping needs an amount column or debit/credit columns',
    });
  }
  return (name) => {
    const i = find(name);
    return i === undefined || i < 0 ? undefined : i;
  };
}

function readRow(
  row: Row,
  header: string[],
  column: ColumnIndex,
  mapping: CsvMapping,
  errors: ParseIssue[],
): DraftTransaction | undefined {
  const line = row.info.lines;
  const cell = (name: string | undefined) => {
    const i = column(name);
    return i === undefined ? '' : (row.record[i] ?? '').trim();
  };
  const decimal = mapping.decimal ?? '.';
  const problems: [ParseIssue['code'], string][] = [];
  const dateText = cell(mapping.date);
  const bookingDate = fromPattern(dateText, mapping.dateFormat);
  if (!bookingDate)
    problems.push(['invalid_date', `${mapping.date} "${dateText}" does not match ${mapping.dateFormat}`]);
  const amount = rowAmount(cell, mapping, decimal, problems);
  const gross = amount && mapping.negate ? amount.negated() : amount;
  const fee = gross ? rowFee(cell, mapping, gross, decimal, problems) : undefined;
  if (problems.length || !bookingDate || !gross) {
    errors.push({
      code: problems[0]?.[0] ?? 'malformed_record',
      line,
      recordType: 'row',
      message: `row skipped: ${problems.map((p) => p[1]).join('; ')}`,
    });
    return undefined;
  }
  const description = [mapping.description].flat().map(cell).filter(Boolean).join(' ');
  const raw: Record<string, string> = {};
  header.forEach((h, i) => {
    const v = (row.record[i] ?? '').trim();
    if (v) raw[h.trim()] = v;
  });
  const valueDateText = cell(mapping.valueDate);
  return {
    bookingDate,
    valueDate: valueDateText ? fromPattern(valueDateText, mapping.dateFormat) : undefined,
    amount: gross,
    currency: (cell(mapping.currency) || mapping.defaultCurrency || 'USD').toUpperCase(),
    description: description || 'CSV row',
    reference: cell(mapping.reference) || undefined,
    counterpartyName: cell(mapping.counterparty) || undefined,
    remittance: (mapping.remittance ?? []).map(cell).filter(Boolean),
    fee,
    line,
    raw,
  };
}

function rowAmount(
  cell: (n: string | undefined) => string,
  mapping: CsvMapping,
  decimal: DecimalSeparator,
  problems: [ParseIssue['code'], string][],
): Decimal | undefined {
  const read = (name: string | undefined): Decimal | undefined | null => {
    const text = cell(name);
    if (name === undefined || text === '') return null;
    const value = parseAmount(text, decimal);
    if (!value) problems.push(['invalid_amount', `${name} "${text}" is not an amount`]);
    return value;
  };
  if (mapping.amount !== undefined) {
    const value = read(mapping.amount);
    if (value === null) problems.push(['missing_field', `${mapping.amount} is empty`]);
    return value ?? undefined;
  }
  const debit = read(mapping.debit);
  const credit = read(mapping.credit);
  if (debit === undefined || credit === undefined) return undefined;
  if (debit === null && credit === null) {
    problems.push(['missing_field', 'both debit and credit are empty']);
    return undefined;
  }
  // Banks disagree on whether the debit column carries a minus sign: use magnitudes.
  return (credit?.abs() ?? ZERO).minus(debit?.abs() ?? ZERO);
}

function rowFee(
  cell: (n: string | undefined) => string,
  mapping: CsvMapping,
  gross: Decimal,
  decimal: DecimalSeparator,
  problems: [ParseIssue['code'], string][],
): Decimal | undefined {
  const netText = cell(mapping.net);
  const feeText = cell(mapping.fee);
  const net = netText ? parseAmount(netText, decimal) : undefined;
  const feeColumn = feeText ? parseAmount(feeText, decimal) : undefined;
  if (netText && !net) problems.push(['invalid_amount', `${mapping.net} "${netText}" is not an amount`]);
  if (feeText && !feeColumn)
    problems.push(['invalid_amount', `${mapping.fee} "${feeText}" is not an amount`]);
  if (net) {
    const fee = gross.minus(mapping.negate ? net.negated() : net);
    // Stripe writes fees positive, PayPal negative: only the magnitude can be checked.
    if (feeColumn && !feeColumn.abs().equals(fee.abs())) {
      problems.push([
        'control_total',
        `gross ${gross} − net ${net} = ${fee}, but ${mapping.fee} says ${feeColumn}`,
      ]);
    }
    return fee;
  }
  return feeColumn?.abs();
}
