// BAI2 cash-management files: 01 file, 02 group, 03 account, 16 detail, 88 continuation,
// 49/98/99 trailers. Amounts are integers in minor units of the account currency.
// Policy: a file that does not start with an 01 header is rejected naming line 1. A bad record
// is skipped and reported; control-total or record-count mismatches in 49/98/99 are reported on
// the statement (49) or the file (98/99) with the trailer's line. Transactions are kept so a
// reviewer sees them, but callers must not trust a statement whose errors are not empty.
import { fromMinorUnits } from '../../currency.ts';
import { fromYymmdd } from '../../dates.ts';
import { fail } from '../../errors.ts';
import { withFingerprints } from '../../fingerprint.ts';
import type { BankStatement, DraftTransaction, ParsedFile, ParseIssue } from '../../types.ts';
import { readDetail, readSummaries } from './detail.ts';
import { type Bai2Record, fieldsOf, recordCount, splitRecords } from './records.ts';
import { checkCount, checkTrailer, INTEGER, type IssueFn, toBigInt } from './trailers.ts';
import { counterpartyFrom, directionOf } from './type-codes.ts';

interface Account {
  statement: BankStatement;
  drafts: DraftTransaction[];
  total: bigint;
  records: number;
  line: number;
}

interface Group {
  asOfDate?: string;
  currency?: string;
  total: bigint;
  records: number;
  accounts: number;
  line: number;
}

export function parseBai2(buffer: Uint8Array): ParsedFile {
  const records = splitRecords(new TextDecoder('latin1').decode(buffer));
  const first = records[0];
  if (first?.code !== '01') {
    fail('bai2', {
      code: 'unknown_record',
      line: first?.line ?? 1,
      recordType: first?.code,
      message: `a BAI2 file must start with an 01 file header, found "${(first?.code === '??' ? first.body : (first?.code ?? '')).slice(0, 20)}"`,
    });
  }
  const header = fieldsOf(first);
  const fileDate = fromYymmdd(header[2] ?? '');
  const fileErrors: ParseIssue[] = [];
  const statements: BankStatement[] = [];
  let fileTotal = 0n;
  let fileRecords = 0;
  let groups = 0;
  let group: Group | undefined;
  let account: Account | undefined;
  let trailerSeen = false;

  const issue = (record: Bai2Record, code: ParseIssue['code'], message: string): ParseIssue => ({
    code,
    line: record.line,
    recordType: record.code,
    message,
  });
  const closeAccount = () => {
    if (!account) return;
    account.statement.transactions = withFingerprints(account.statement.accountId, account.drafts);
    statements.push(account.statement);
    account = undefined;
  };

  for (const record of records) {
    const count = recordCount(record);
    fileRecords += count;
    if (group) group.records += count;
    if (account) account.records += count;
    const fields = fieldsOf(record);
    switch (record.code) {
      case '01':
        if (record !== first) fileErrors.push(issue(record, 'out_of_order', 'a second 01 file header'));
        break;
      case '02': {
        closeAccount();
        groups++;
        const asOf = fields[3] ?? '';
        group = {
          asOfDate: fromYymmdd(asOf),
          currency: fields[5] || undefined,
          total: 0n,
          records: count,
          accounts: 0,
          line: record.line,
        };
        if (!group.asOfDate)
          fileErrors.push(issue(record, 'invalid_date', `group as-of date "${asOf}" is not a YYMMDD date`));
        break;
      }
      case '03': {
        closeAccount();
        if (!group) {
          fileErrors.push(issue(record, 'out_of_order', '03 account header outside a 02 group'));
          break;
        }
        group.accounts++;
        account = openAccount(record, fields, group, count, fileErrors, issue);
        break;
      }
      case '16': {
        if (!account || !group) {
          fileErrors.push(issue(record, 'out_of_order', '16 detail outside an 03 account'));
          break;
        }
        const draft = readTransaction(record, account, group.asOfDate ?? fileDate, issue);
        if (draft) account.drafts.push(draft);
        break;
      }
      case '49': {
        if (!account) {
          fileErrors.push(issue(record, 'out_of_order', '49 account trailer without an 03 account'));
          break;
        }
        checkTrailer(
          record,
          fields,
          account.total,
          account.records,
          'account',
          account.statement.errors,
          issue,
        );
        if (group) group.total += toBigInt(fields[0]);
        closeAccount();
        break;
      }
      case '98': {
        closeAccount();
        if (!group) {
          fileErrors.push(issue(record, 'out_of_order', '98 group trailer without a 02 group'));
          break;
        }
        checkTrailer(record, fields, group.total, group.records, 'group', fileErrors, issue);
        checkCount(record, fields[1], group.accounts, 'accounts', fileErrors, issue);
        fileTotal += toBigInt(fields[0]);
        group = undefined;
        break;
      }
      case '99':
        closeAccount();
        trailerSeen = true;
        checkTrailer(record, fields, fileTotal, fileRecords, 'file', fileErrors, issue);
        checkCount(record, fields[1], groups, 'groups', fileErrors, issue);
        break;
      case '??':
        fileErrors.push(
          issue(record, 'malformed_record', `record has no "NN," type code: "${record.body.slice(0, 40)}"`),
        );
        break;
      default:
        fileErrors.push(issue(record, 'unknown_record', `unknown record type ${record.code}`));
    }
  }
  if (account)
    account.statement.errors.push({
      code: 'missing_field',
      line: account.line,
      recordType: '03',
      message: 'account has no 49 trailer',
    });
  closeAccount();
  if (!trailerSeen)
    fileErrors.push({ code: 'missing_field', message: 'file has no 99 trailer (truncated?)' });
  return { format: 'bai2', statements, errors: fileErrors };
}

function openAccount(
  record: Bai2Record,
  fields: string[],
  group: Group,
  count: number,
  fileErrors: ParseIssue[],
  issue: IssueFn,
): Account {
  const [accountId, currencyField, ...rest] = fields;
  const currency = (currencyField || group.currency || 'USD').toUpperCase();
  const statement: BankStatement = {
    format: 'bai2',
    accountId: accountId || undefined,
    currency,
    periodStart: group.asOfDate,
    periodEnd: group.asOfDate,
    transactions: [],
    errors: [],
  };
  let total = 0n;
  const balances = new Map<string, bigint>();
  for (const item of readSummaries(rest)) {
    if (item.amount === '') continue;
    if (!INTEGER.test(item.amount)) {
      statement.errors.push(
        issue(record, 'invalid_amount', `summary ${item.typeCode} amount "${item.amount}" is not an integer`),
      );
      continue;
    }
    total += BigInt(item.amount);
    balances.set(item.typeCode, BigInt(item.amount));
  }
  const opening = balances.get('010') ?? balances.get('040');
  const closing = balances.get('015') ?? balances.get('045');
  if (opening !== undefined) statement.openingBalance = fromMinorUnits(opening, currency);
  if (closing !== undefined) statement.closingBalance = fromMinorUnits(closing, currency);
  if (!accountId) fileErrors.push(issue(record, 'missing_field', '03 record has no account number'));
  return { statement, drafts: [], total, records: count, line: record.line };
}

function readTransaction(
  record: Bai2Record,
  account: Account,
  bookingDate: string | undefined,
  issue: IssueFn,
): DraftTransaction | undefined {
  const detail = readDetail(record);
  const errors = account.statement.errors;
  if (!INTEGER.test(detail.amount)) {
    errors.push(
      issue(record, 'invalid_amount', `detail skipped: amount "${detail.amount}" is not an integer`),
    );
    return undefined;
  }
  // The amount counts toward the 49 total whatever else is wrong with the record.
  account.total += BigInt(detail.amount);
  const direction = directionOf(detail.typeCode);
  if (!direction) {
    errors.push(
      issue(
        record,
        'malformed_record',
        `detail skipped: type code "${detail.typeCode}" is not a credit or debit detail code`,
      ),
    );
    return undefined;
  }
  if (!bookingDate) {
    errors.push(
      issue(record, 'invalid_date', 'detail skipped: neither the group nor the file has a valid date'),
    );
    return undefined;
  }
  const currency = account.statement.currency;
  const magnitude = fromMinorUnits(BigInt(detail.amount), currency);
  const checkNumber = ['474', '475'].includes(detail.typeCode)
    ? detail.customerReference || detail.bankReference
    : undefined;
  const raw: Record<string, string> = { fundsType: detail.fundsType };
  if (detail.bankReference) raw.bankReference = detail.bankReference;
  if (detail.customerReference) raw.customerReference = detail.customerReference;
  return {
    bookingDate,
    valueDate: detail.valueDate ? fromYymmdd(detail.valueDate) : undefined,
    amount: direction === 'credit' ? magnitude : magnitude.negated(),
    currency,
    description: detail.text || detail.continuationTexts[0] || `BAI2 type ${detail.typeCode}`,
    reference: detail.bankReference || detail.customerReference || undefined,
    counterpartyName: counterpartyFrom(detail.continuationTexts, direction),
    remittance: detail.continuationTexts,
    checkNumber: checkNumber || undefined,
    typeCode: detail.typeCode,
    line: record.line,
    raw,
  };
}
