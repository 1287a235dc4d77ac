// Batch (8) and file (9) control checks: entry/addenda counts, entry hash (sum of the 8-digit
// receiving DFI numbers, rightmost ten digits), total debits and credits in cents, and for the
// file also batch and block counts.
import type { ParseIssue } from '../../types.ts';
import { BATCH_CONTROL, FILE_CONTROL, get, type Span } from './layout.ts';

export interface BatchTotals {
  entryAddendaCount: number;
  entryHash: bigint;
  totalDebit: bigint;
  totalCredit: bigint;
}

export function emptyTotals(): BatchTotals {
  return { entryAddendaCount: 0, entryHash: 0n, totalDebit: 0n, totalCredit: 0n };
}

const HASH_MODULUS = 10_000_000_000n;

function compare(
  record: string,
  span: Span,
  actual: bigint,
  what: string,
  recordType: string,
  line: number,
): ParseIssue | undefined {
  const text = get(record, span).trim();
  const declared = /^\d+$/.test(text) ? BigInt(text) : undefined;
  if (declared === actual) return undefined;
  return {
    code: what === 'entry hash' ? 'entry_hash' : what.includes('count') ? 'record_count' : 'control_total',
    line,
    recordType,
    message: `${what} is ${declared === undefined ? `"${text}"` : declared}, the records add up to ${actual}`,
  };
}

export function checkBatchControl(record: string, totals: BatchTotals, line: number): ParseIssue[] {
  const t = 'batch control';
  return [
    compare(
      record,
      BATCH_CONTROL.entryAddendaCount,
      BigInt(totals.entryAddendaCount),
      'entry/addenda count',
      t,
      line,
    ),
    compare(record, BATCH_CONTROL.entryHash, totals.entryHash % HASH_MODULUS, 'entry hash', t, line),
    compare(record, BATCH_CONTROL.totalDebit, totals.totalDebit, 'total debit amount', t, line),
    compare(record, BATCH_CONTROL.totalCredit, totals.totalCredit, 'total credit amount', t, line),
  ].filter((i): i is ParseIssue => i !== undefined);
}

export function checkFileControl(
  record: string,
  totals: BatchTotals,
  batches: number,
  records: number,
  line: number,
): ParseIssue[] {
  const t = 'file control';
  return [
    compare(record, FILE_CONTROL.batchCount, BigInt(batches), 'batch count', t, line),
    compare(record, FILE_CONTROL.blockCount, BigInt(Math.ceil(records / 10)), 'block count', t, line),
    compare(
      record,
      FILE_CONTROL.entryAddendaCount,
      BigInt(totals.entryAddendaCount),
      'entry/addenda count',
      t,
      line,
    ),
    compare(record, FILE_CONTROL.entryHash, totals.entryHash % HASH_MODULUS, 'entry hash', t, line),
    compare(record, FILE_CONTROL.totalDebit, totals.totalDebit, 'total debit amount', t, line),
    compare(record, FILE_CONTROL.totalCredit, totals.totalCredit, 'total credit amount', t, line),
  ].filter((i): i is ParseIssue => i !== undefined);
}
