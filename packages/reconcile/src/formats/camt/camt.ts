// ISO 20022 camt.052 (report), camt.053 (statement) and camt.054 (notification), versions 1–8+.
// One transaction per <Ntry> (the booked line on the account); the remittance of every TxDtls in
// a batch entry is collected on it. Policy: a document that is not well-formed XML or not a
// camt message is rejected naming the line; an entry with a bad amount is skipped and reported,
// an entry without dates falls back to the statement date with a warning.
import { Decimal } from '@invoicer/core';
import { fromIsoDateTime } from '../../dates.ts';
import { fail } from '../../errors.ts';
import { withFingerprints } from '../../fingerprint.ts';
import type { BankStatement, DraftTransaction, ParsedFile, ParseIssue } from '../../types.ts';
import { attr, child, children, parseXml, text, type XmlDocument, type XmlNode } from '../xml.ts';
import { entryRemittance, firstParty, transactionCode } from './details.ts';

const ARRAYS = new Set([
  'Stmt',
  'Rpt',
  'Ntfctn',
  'Ntry',
  'NtryDtls',
  'TxDtls',
  'Bal',
  'Ustrd',
  'Strd',
  'RfrdDocInf',
  'AddtlRmtInf',
]);

const MESSAGES = [
  { root: /^BkToCstmrStmt(V\d+)?$/, record: 'Stmt' },
  { root: /^BkToCstmrAcctRpt(V\d+)?$/, record: 'Rpt' },
  { root: /^BkToCstmrDbtCdtNtfctn(V\d+)?$/, record: 'Ntfctn' },
] as const;

export function parseCamt(buffer: Uint8Array): ParsedFile {
  const xml = new TextDecoder('utf-8').decode(buffer).replace(/^\uFEFF/, '');
  const doc = parseXml(xml, 'camt', ARRAYS);
  const document = child(doc.root, 'Document');
  const rootName = Object.keys(document ?? {}).find((k) => MESSAGES.some((m) => m.root.test(k)));
  const message = MESSAGES.find((m) => rootName && m.root.test(rootName));
  if (!document || !rootName || !message) {
    fail('camt', { code: 'unsupported', line: 1, message: 'not a camt.052, camt.053 or camt.054 document' });
  }
  const body = child(document, rootName);
  const records = children(body, message.record);
  if (records.length === 0) {
    fail('camt', {
      code: 'missing_field',
      line: doc.lineOf(body),
      recordType: rootName,
      message: `${rootName} holds no <${message.record}>`,
    });
  }
  const messageDate = fromIsoDateTime(text(body, 'GrpHdr', 'CreDtTm') ?? '');
  return { format: 'camt', statements: records.map((r) => readRecord(doc, r, messageDate)), errors: [] };
}

function readRecord(doc: XmlDocument, record: XmlNode, messageDate: string | undefined): BankStatement {
  const errors: ParseIssue[] = [];
  const account = child(record, 'Acct');
  const accountId =
    text(account, 'Id', 'IBAN') ??
    text(account, 'Id', 'Othr', 'Id') ??
    text(account, 'Id', 'PrtryAcct', 'Id');
  const entries = children(record, 'Ntry');
  const balances = children(record, 'Bal');
  const currency =
    text(account, 'Ccy') ??
    attr(child(entries[0], 'Amt'), 'Ccy') ??
    attr(child(balances[0], 'Amt'), 'Ccy') ??
    'XXX';
  const periodStart = fromIsoDateTime(text(record, 'FrToDt', 'FrDtTm') ?? '');
  const periodEnd = fromIsoDateTime(text(record, 'FrToDt', 'ToDtTm') ?? '');
  const fallbackDate = periodEnd ?? fromIsoDateTime(text(record, 'CreDtTm') ?? '') ?? messageDate;
  const drafts: DraftTransaction[] = [];
  for (const entry of entries) {
    const draft = readEntry(doc, entry, fallbackDate, errors);
    if (draft) drafts.push(draft);
  }
  checkSummary(doc, record, entries.length, errors);
  return {
    format: 'camt',
    accountId,
    currency,
    statementId: text(record, 'Id'),
    periodStart,
    periodEnd,
    openingBalance: balanceOf(balances, ['OPBD', 'PRCD']),
    closingBalance: balanceOf(balances, ['CLBD']),
    transactions: withFingerprints(accountId, drafts),
    errors,
  };
}

function signedAmount(node: XmlNode | undefined, indicator: string | undefined): Decimal | undefined {
  const value = text(node, 'Amt');
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value)) return undefined;
  if (indicator !== 'CRDT' && indicator !== 'DBIT') return undefined;
  const amount = new Decimal(value);
  return indicator === 'DBIT' ? amount.negated() : amount;
}

function balanceOf(balances: XmlNode[], codes: string[]): Decimal | undefined {
  for (const code of codes) {
    const bal = balances.find((b) => text(b, 'Tp', 'CdOrPrtry', 'Cd') === code);
    if (bal) return signedAmount(bal, text(bal, 'CdtDbtInd'));
  }
  return undefined;
}

function dateOf(node: XmlNode | undefined): string | undefined {
  return fromIsoDateTime(text(node, 'Dt') ?? text(node, 'DtTm') ?? '');
}

function readEntry(
  doc: XmlDocument,
  entry: XmlNode,
  fallbackDate: string | undefined,
  errors: ParseIssue[],
): DraftTransaction | undefined {
  const line = doc.lineOf(entry);
  const indicator = text(entry, 'CdtDbtInd');
  const amount = signedAmount(entry, indicator);
  const currency = attr(child(entry, 'Amt'), 'Ccy');
  if (!amount || !currency) {
    const why = !currency
      ? 'Amt has no Ccy'
      : `Amt "${text(entry, 'Amt') ?? ''}" with CdtDbtInd "${indicator ?? ''}" is not a signed amount`;
    errors.push({ code: 'invalid_amount', line, recordType: 'Ntry', message: `entry skipped: ${why}` });
    return undefined;
  }
  const valueDate = dateOf(child(entry, 'ValDt'));
  let bookingDate = dateOf(child(entry, 'BookgDt')) ?? valueDate;
  if (!bookingDate) {
    if (!fallbackDate) {
      errors.push({
        code: 'invalid_date',
        line,
        recordType: 'Ntry',
        message: 'entry skipped: no booking, value or statement date',
      });
      return undefined;
    }
    bookingDate = fallbackDate;
    errors.push({
      code: 'missing_field',
      line,
      recordType: 'Ntry',
      message: `entry has no BookgDt or ValDt; booked on the statement date ${fallbackDate}`,
    });
  }
  const details = children(entry, 'NtryDtls').flatMap((d) => children(d, 'TxDtls'));
  const endToEndIds = details
    .map((d) => text(d, 'Refs', 'EndToEndId'))
    .filter((id): id is string => !!id && id !== 'NOTPROVIDED');
  const acctSvcrRef = text(entry, 'AcctSvcrRef');
  const credit = indicator === 'CRDT';
  const counterpartyName = firstParty(details, credit ? ['Dbtr', 'UltmtDbtr'] : ['Cdtr', 'UltmtCdtr']);
  const typeCode = transactionCode(child(entry, 'BkTxCd'));
  const additional = text(entry, 'AddtlNtryInf') ?? details.map((d) => text(d, 'AddtlTxInf')).find(Boolean);
  const status = text(entry, 'Sts') ?? text(entry, 'Sts', 'Cd') ?? text(entry, 'Sts', 'Prtry');
  const raw: Record<string, string> = {};
  if (status) raw.status = status;
  if (acctSvcrRef) raw.acctSvcrRef = acctSvcrRef;
  if (endToEndIds.length) raw.endToEndIds = endToEndIds.join(' ');
  if (text(entry, 'RvslInd') === 'true') raw.reversal = 'true';
  return {
    bookingDate,
    valueDate,
    amount,
    currency,
    description: additional ?? counterpartyName ?? typeCode ?? 'camt entry',
    reference:
      endToEndIds[0] ??
      acctSvcrRef ??
      text(entry, 'NtryRef') ??
      details.map((d) => text(d, 'Refs', 'TxId')).find(Boolean),
    counterpartyName,
    remittance: entryRemittance(details),
    checkNumber: details.map((d) => text(d, 'Refs', 'ChqNb')).find(Boolean),
    typeCode,
    line,
    raw,
  };
}

/** TxsSummry is optional; when present its entry count and sums are checked. */
function checkSummary(doc: XmlDocument, record: XmlNode, entryCount: number, errors: ParseIssue[]): void {
  const summary = child(record, 'TxsSummry');
  const declared = text(summary, 'TtlNtries', 'NbOfNtries');
  if (declared !== undefined && Number(declared) !== entryCount) {
    errors.push({
      code: 'record_count',
      line: doc.lineOf(summary),
      recordType: 'TxsSummry',
      message: `TtlNtries/NbOfNtries says ${declared} entries, the statement has ${entryCount}`,
    });
  }
}
