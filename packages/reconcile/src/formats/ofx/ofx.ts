// OFX/QFX 1.x (SGML) and 2.x (XML) bank and credit-card statements.
// Policy: a structurally broken file (unbalanced or truncated tags, not XML after repair, a
// refused sign-on) is rejected naming the line. A transaction with a bad date or amount is
// skipped and reported with its line; the rest of the statement is kept.
import type { Decimal } from '@invoicer/core';
import { parseOfxAmount } from '../../amounts.ts';
import { fromCompactDate } from '../../dates.ts';
import { StatementParseError } from '../../errors.ts';
import { withFingerprints } from '../../fingerprint.ts';
import type { BankStatement, DraftTransaction, ParsedFile, ParseIssue } from '../../types.ts';
import { child, children, parseXml, text, type XmlDocument, type XmlNode } from '../xml.ts';
import { decodeOfx, toXml } from './sgml.ts';

const ARRAYS = new Set([
  'BANKMSGSRSV1',
  'CREDITCARDMSGSRSV1',
  'STMTTRNRS',
  'CCSTMTTRNRS',
  'STMTRS',
  'CCSTMTRS',
  'BANKTRANLIST',
  'STMTTRN',
  'INVSTMTTRNRS',
]);

const STATEMENT_KINDS = [
  { list: 'BANKMSGSRSV1', wrapper: 'STMTTRNRS', statement: 'STMTRS', account: 'BANKACCTFROM' },
  { list: 'CREDITCARDMSGSRSV1', wrapper: 'CCSTMTTRNRS', statement: 'CCSTMTRS', account: 'CCACCTFROM' },
] as const;

export function parseOfx(buffer: Uint8Array): ParsedFile {
  const { xml, warnings } = toXml(decodeOfx(buffer));
  const doc = parseXml(xml, 'ofx', ARRAYS);
  const ofx = child(doc.root, 'OFX');
  const fileErrors: ParseIssue[] = [...warnings];

  const signon = child(ofx, 'SIGNONMSGSRSV1', 'SONRS');
  const signonProblem = statusProblem(doc, signon, 'SONRS', 'sign-on');
  if (signonProblem) throw new StatementParseError('ofx', [signonProblem]);

  const statements: BankStatement[] = [];
  // Every message set, every statement response and every statement in it: a response may
  // answer several requests (one per account), and some banks put several STMTRS in one.
  for (const kind of STATEMENT_KINDS) {
    for (const list of children(ofx, kind.list)) {
      for (const wrapper of children(list, kind.wrapper)) {
        const problem = statusProblem(doc, wrapper, kind.wrapper, 'statement request');
        if (problem) fileErrors.push(problem);
        for (const rs of children(wrapper, kind.statement))
          statements.push(readStatement(doc, rs, kind.account));
      }
    }
  }
  const investment = child(ofx, 'INVSTMTMSGSRSV1');
  if (investment) {
    fileErrors.push({
      code: 'unsupported',
      line: doc.lineOf(investment),
      recordType: 'INVSTMTMSGSRSV1',
      message: 'investment statements are not supported; only bank and credit-card statements are read',
    });
  }
  if (statements.length === 0) {
    if (fileErrors.length) throw new StatementParseError('ofx', fileErrors);
    fileErrors.push({ code: 'missing_field', message: 'the file holds no bank or credit-card statement' });
  }
  return { format: 'ofx', statements, errors: fileErrors };
}

function statusProblem(
  doc: XmlDocument,
  node: XmlNode | undefined,
  recordType: string,
  what: string,
): ParseIssue | undefined {
  const code = text(node, 'STATUS', 'CODE');
  if (code === undefined || code === '0') return undefined;
  const severity = text(node, 'STATUS', 'SEVERITY') ?? 'ERROR';
  const message = text(node, 'STATUS', 'MESSAGE');
  return {
    code: 'status_error',
    line: doc.lineOf(node),
    recordType,
    message: `${what} failed: status ${code} (${severity})${message ? `: ${message}` : ''}`,
  };
}

function readStatement(doc: XmlDocument, rs: XmlNode, accountElement: string): BankStatement {
  const errors: ParseIssue[] = [];
  const accountId = text(rs, accountElement, 'ACCTID');
  const curdef = text(rs, 'CURDEF')?.toUpperCase();
  const lists = children(rs, 'BANKTRANLIST');
  const drafts: DraftTransaction[] = [];
  for (const list of lists) {
    for (const trn of children(list, 'STMTTRN')) {
      const draft = readTransaction(doc, trn, curdef, errors);
      if (draft) drafts.push(draft);
    }
  }
  const txCurrencies = new Set(drafts.map((d) => d.currency).filter((c) => c !== 'XXX'));
  let currency = curdef;
  if (!currency) {
    currency = txCurrencies.size === 1 ? [...txCurrencies][0] : 'XXX';
    errors.push({
      code: 'missing_field',
      line: doc.lineOf(rs),
      recordType: 'CURDEF',
      message: `statement currency (CURDEF) is empty; using ${currency}`,
    });
    for (const d of drafts) if (d.currency === 'XXX') d.currency = currency ?? 'XXX';
  }
  // Several lists (a bank splitting a period): the statement spans them all.
  const starts = lists.map((l) => optionalDate(text(l, 'DTSTART'))).filter((d) => d !== undefined);
  const ends = lists.map((l) => optionalDate(text(l, 'DTEND'))).filter((d) => d !== undefined);
  const periodStart = starts.sort()[0];
  const periodEnd = ends.sort().at(-1);
  const closingBalance = balance(doc, rs, 'LEDGERBAL', errors);
  balance(doc, rs, 'AVAILBAL', errors); // only validated: the available balance is not modelled
  return {
    format: 'ofx',
    accountId,
    currency: currency ?? 'XXX',
    periodStart,
    periodEnd,
    closingBalance,
    transactions: withFingerprints(accountId, drafts),
    errors,
  };
}

function balance(doc: XmlDocument, rs: XmlNode, element: string, errors: ParseIssue[]): Decimal | undefined {
  const node = child(rs, element);
  if (!node) return undefined;
  const raw = text(node, 'BALAMT');
  const amount = raw === undefined ? undefined : parseOfxAmount(raw);
  if (!amount) {
    errors.push({
      code: raw === undefined ? 'missing_field' : 'invalid_amount',
      line: doc.lineOf(node),
      recordType: element,
      message: raw === undefined ? `${element} has no BALAMT` : `${element} BALAMT "${raw}" is not an amount`,
    });
  }
  return amount;
}

function readTransaction(
  doc: XmlDocument,
  trn: XmlNode,
  curdef: string | undefined,
  errors: ParseIssue[],
): DraftTransaction | undefined {
  const line = doc.lineOf(trn);
  const posted = text(trn, 'DTPOSTED');
  const bookingDate = posted === undefined ? undefined : fromCompactDate(posted);
  const amountText = text(trn, 'TRNAMT');
  const amount = amountText === undefined ? undefined : parseOfxAmount(amountText);
  const problems: [ParseIssue['code'], string][] = [];
  if (posted === undefined) problems.push(['missing_field', 'DTPOSTED is missing']);
  else if (!bookingDate) problems.push(['invalid_date', `DTPOSTED "${posted}" is not a valid date`]);
  if (amountText === undefined) problems.push(['missing_field', 'TRNAMT is missing']);
  else if (!amount) problems.push(['invalid_amount', `TRNAMT "${amountText}" is not an amount`]);
  const fitid = text(trn, 'FITID');
  if (problems.length || !bookingDate || !amount) {
    const what = fitid ? ` FITID ${fitid}` : '';
    errors.push({
      code: problems[0]?.[0] ?? 'malformed_record',
      line,
      recordType: 'STMTTRN',
      message: `transaction${what} skipped: ${problems.map((p) => p[1]).join('; ')}`,
    });
    return undefined;
  }
  const name = text(trn, 'PAYEE', 'NAME') ?? text(trn, 'NAME');
  const memo = text(trn, 'MEMO');
  const type = text(trn, 'TRNTYPE')?.toUpperCase();
  const checkNumber = text(trn, 'CHECKNUM');
  return {
    bookingDate,
    valueDate: optionalDate(text(trn, 'DTAVAIL') ?? text(trn, 'VALUEDATE')),
    amount,
    currency: text(trn, 'CURRENCY', 'CURSYM')?.toUpperCase() ?? curdef ?? 'XXX',
    description: name ?? memo ?? type ?? 'OFX transaction',
    reference: fitid ?? text(trn, 'REFNUM'),
    counterpartyName: name,
    remittance: memo && memo !== name ? [memo] : [],
    checkNumber: checkNumber && !/^0+$/.test(checkNumber) ? checkNumber : undefined,
    typeCode: type,
    line,
    raw: leafTexts(trn),
  };
}

function optionalDate(value: string | undefined): string | undefined {
  return value === undefined ? undefined : fromCompactDate(value);
}

function leafTexts(node: XmlNode): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'string' && value.trim() !== '') raw[key] = value.trim();
  }
  return raw;
}
