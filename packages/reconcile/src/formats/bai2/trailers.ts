// 49 (account), 98 (group) and 99 (file) trailers: a control total (the algebraic sum of every
// 03 summary/status amount and 16 detail amount below it) and a record count that includes
// the header, every 88 continuation and the trailer itself.
import type { ParseIssue } from '../../types.ts';
import type { Bai2Record } from './records.ts';

export const INTEGER = /^[+-]?\d+$/;

export type IssueFn = (record: Bai2Record, code: ParseIssue['code'], message: string) => ParseIssue;

/** Blank trailer amounts mean zero. */
export function toBigInt(value: string | undefined): bigint {
  return value && INTEGER.test(value) ? BigInt(value) : 0n;
}

export function checkTrailer(
  record: Bai2Record,
  fields: string[],
  computedTotal: bigint,
  computedRecords: number,
  what: 'account' | 'group' | 'file',
  errors: ParseIssue[],
  issue: IssueFn,
): void {
  const totalField = fields[0] ?? '';
  if (totalField !== '' && !INTEGER.test(totalField)) {
    errors.push(issue(record, 'invalid_amount', `${what} control total "${totalField}" is not an integer`));
  } else if (toBigInt(totalField) !== computedTotal) {
    const declared = toBigInt(totalField);
    errors.push(
      issue(
        record,
        'control_total',
        `${what} control total ${declared} does not equal the sum of its amounts ${computedTotal}`,
      ),
    );
  }
  const countField = what === 'account' ? fields[1] : fields[2];
  checkCount(record, countField, computedRecords, 'records', errors, issue);
}

export function checkCount(
  record: Bai2Record,
  field: string | undefined,
  actual: number,
  noun: string,
  errors: ParseIssue[],
  issue: IssueFn,
): void {
  if (field === undefined || field === '') return;
  if (Number(field) !== actual)
    errors.push(issue(record, 'record_count', `trailer says ${field} ${noun}, found ${actual}`));
}
