// Importing a bank file: parse it (format detected or given), store each statement and its
// transactions (unique per tenant by fingerprint, so the same file twice adds nothing), report
// every parse issue by line, and queue each new credit for reconciliation. A file that cannot
// be read at all, or whose control totals, record counts or entry hash fail, is refused whole
// with a StatementParseError naming the lines; otherwise records that parsed are kept when the
// parser only reports problems with some of them. The CLI and the console upload
// both call `importBankStatement`. Before anything is stored, the file is checked against the
// shop (currency, account number, dates): a mismatch refuses the import with the reasons
// (ImportNeedsConfirmation) unless the caller confirms it explicitly (`confirm`); a dry run
// reports the mismatches and refuses nothing. The report carries the first rows for a preview.
import { createHash } from 'node:crypto';
import { InvalidInputError } from '@invoicer/core';
import {
  type BankTransactionInput,
  type Db,
  getTenant,
  reconciliationCounts,
  storeBankStatement,
  unreconciledCredits,
} from '@invoicer/db';
import type { QueueSet } from '@invoicer/platform';
import {
  allIssues,
  type BankStatement,
  type CsvMapping,
  type CsvPreset,
  describeIssue,
  type ParseIssue,
  parseStatement,
  type StatementFormat,
  StatementParseError,
} from '@invoicer/reconcile';

export interface ImportOptions {
  fileName?: string;
  format?: StatementFormat;
  /** Column mapping or preset name (`stripe_balance_transactions`, `paypal_activity`); CSV only. */
  csvMapping?: CsvMapping | CsvPreset;
  /** Parse and report, store nothing, queue nothing. */
  dryRun?: boolean;
  /** Import even though the file does not fit the shop (currency, account, dates): see `checks`. */
  confirm?: boolean;
  importedBy?: string;
}

/** The shop's currency. Tenants are ServiceTitan US shops: every ledger is in US dollars. */
export const SHOP_CURRENCY = 'USD';
/** A file dated this long before the shop's first known job is most likely the wrong file. */
export const MAX_DAYS_BEFORE_FIRST_JOB = 365;
/** Dates this far past today are not a bank statement's. */
export const MAX_DAYS_AHEAD = 31;
/** Rows kept in the report for a preview. */
export const PREVIEW_ROWS = 50;

/** Where a file does not fit the shop it is imported into. */
export interface ImportCheck {
  code: 'currency' | 'account' | 'dates';
  message: string;
}

/** One row of the preview, in file order. */
export interface PreviewRow {
  accountId: string | null;
  date: string;
  amount: string;
  currency: string;
  description: string;
  reference: string | null;
  line: number | null;
  /** Not stored before (by fingerprint). */
  isNew: boolean;
}

/** The file does not fit the shop; nothing was stored. Import again with `confirm` to override. */
export class ImportNeedsConfirmation extends InvalidInputError {
  override name = 'ImportNeedsConfirmation';
  constructor(
    readonly fileName: string | null,
    readonly checks: ImportCheck[],
  ) {
    super(
      `${fileName ?? 'The file'} does not look like this shop's; nothing was stored. Confirm to import it anyway`,
      checks.map((c) => c.message),
    );
  }
}

export interface ImportedStatement {
  accountId: string | null;
  currency: string;
  statementRef: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  transactions: number;
  credits: number;
  newTransactions: number;
  /** This exact statement was imported before. */
  alreadyImported: boolean;
}

export interface ImportReport {
  tenantId: string;
  format: StatementFormat;
  fileName: string | null;
  dryRun: boolean;
  statements: ImportedStatement[];
  /** Problems the parser reported (records it skipped, control totals), in line order. */
  issues: (ParseIssue & { text: string })[];
  transactions: number;
  newTransactions: number;
  duplicates: number;
  newCredits: number;
  /** Reconciliation jobs queued: new credits, and earlier ones that never got a decision. */
  enqueued: number;
  /** Where the file does not fit the shop (empty when it does). */
  checks: ImportCheck[];
  /** The import went ahead despite `checks` because the caller confirmed it. */
  confirmed: boolean;
  /** The first PREVIEW_ROWS transactions, and how many more the file holds. */
  rows: PreviewRow[];
  moreRows: number;
}

/** Checks a file makes on itself: one failing means the file is damaged, not one record. */
const INTEGRITY_CODES = new Set<ParseIssue['code']>(['control_total', 'record_count', 'entry_hash']);

function statementDigest(format: StatementFormat, s: BankStatement): string {
  const hash = createHash('sha256');
  hash.update(
    [format, s.accountId ?? '', s.statementId ?? '', s.periodStart ?? '', s.periodEnd ?? ''].join('\u001f'),
  );
  for (const fp of s.transactions.map((t) => t.fingerprint).sort()) hash.update(fp);
  return hash.digest('hex');
}

function toInput(format: StatementFormat, t: BankStatement['transactions'][number]): BankTransactionInput {
  return {
    fingerprint: t.fingerprint,
    format,
    accountId: t.accountId ?? null,
    bookingDate: t.bookingDate,
    valueDate: t.valueDate ?? null,
    amount: t.amount.toFixed(),
    currency: t.currency,
    description: t.description,
    reference: t.reference ?? null,
    counterpartyName: t.counterpartyName ?? null,
    remittance: t.remittance,
    checkNumber: t.checkNumber ?? null,
    typeCode: t.typeCode ?? null,
    fee: t.fee ? t.fee.toFixed() : null,
    line: t.line ?? null,
    raw: t.raw ?? null,
  };
}

export async function importBankStatement(
  db: Db,
  queues: QueueSet | null,
  tenantId: string,
  buffer: Uint8Array,
  options: ImportOptions = {},
): Promise<ImportReport> {
  if (!(await getTenant(db, tenantId))) throw new InvalidInputError(`unknown tenant ${tenantId}`);
  const file = parseStatement(buffer, {
    format: options.format,
    fileName: options.fileName,
    csvMapping: options.csvMapping,
  });
  const all = file.statements.flatMap((s) => s.transactions);
  const fingerprints = all.map((t) => t.fingerprint);
  const known = new Set(
    (
      await db.bankTransaction.findMany({
        where: { tenantId, fingerprint: { in: fingerprints } },
        select: { fingerprint: true },
      })
    ).map((r) => r.fingerprint),
  );
  const existingDigests = new Set(
    (
      await db.bankStatement.findMany({
        where: { tenantId, digest: { in: file.statements.map((s) => statementDigest(file.format, s)) } },
        select: { digest: true },
      })
    ).map((r) => r.digest),
  );
  const parsedIssues = allIssues(file);
  // A file whose own control totals, record counts or entry hash disagree with its records is
  // damaged somewhere we cannot see: nothing in it is trusted, stored or queued.
  const integrity = parsedIssues.filter((issue) => INTEGRITY_CODES.has(issue.code));
  if (integrity.length)
    throw new StatementParseError(file.format, [
      ...integrity,
      ...parsedIssues.filter((issue) => !INTEGRITY_CODES.has(issue.code)),
    ]);
  const issues = parsedIssues.map((issue) => ({ ...issue, text: describeIssue(issue) }));
  const checks = await checkAgainstShop(db, tenantId, file.statements);
  if (checks.length && !options.dryRun && !options.confirm)
    throw new ImportNeedsConfirmation(options.fileName ?? null, checks);

  let inserted = new Set<string>();
  if (!options.dryRun) {
    inserted = await db.$transaction(
      async (tx) => {
        const added = new Set<string>();
        for (const s of file.statements) {
          const result = await storeBankStatement(
            tx,
            {
              tenantId,
              digest: statementDigest(file.format, s),
              format: file.format,
              fileName: options.fileName ?? null,
              accountId: s.accountId ?? null,
              currency: s.currency,
              statementRef: s.statementId ?? null,
              periodStart: s.periodStart ?? null,
              periodEnd: s.periodEnd ?? null,
              openingBalance: s.openingBalance?.toFixed() ?? null,
              closingBalance: s.closingBalance?.toFixed() ?? null,
              issues: [...file.errors, ...s.errors],
              transactionCount: s.transactions.length,
              importedBy: options.importedBy ?? 'system',
            },
            s.transactions.map((t) => toInput(file.format, t)),
          );
          for (const fp of result.inserted) added.add(fp);
        }
        return added;
      },
      { timeout: 120_000 },
    );
  } else {
    inserted = new Set(fingerprints.filter((fp) => !known.has(fp)));
  }

  const credits = new Set(all.filter((t) => t.amount.greaterThan(0)).map((t) => t.fingerprint));
  const newCredits = [...inserted].filter((fp) => credits.has(fp));
  let enqueued = 0;
  if (!options.dryRun && queues) {
    // New credits, plus credits of this file stored before that never got a decision (their
    // job was lost): re-importing a file is a safe way to resume it.
    const pending = await unreconciledCredits(db, tenantId, [...credits]);
    const resumeVersion = `r${Date.now()}`;
    for (const fp of pending) {
      await queues.enqueue('payment.reconcile', {
        tenantId,
        subject: 'bank_line',
        subjectId: fp,
        version: inserted.has(fp) ? '1' : resumeVersion,
      });
      enqueued += 1;
    }
  }
  return {
    tenantId,
    format: file.format,
    fileName: options.fileName ?? null,
    dryRun: options.dryRun ?? false,
    statements: file.statements.map((s) => ({
      accountId: s.accountId ?? null,
      currency: s.currency,
      statementRef: s.statementId ?? null,
      periodStart: s.periodStart ?? null,
      periodEnd: s.periodEnd ?? null,
      transactions: s.transactions.length,
      credits: s.transactions.filter((t) => t.amount.greaterThan(0)).length,
      newTransactions: s.transactions.filter((t) => inserted.has(t.fingerprint)).length,
      alreadyImported: existingDigests.has(statementDigest(file.format, s)),
    })),
    issues,
    transactions: all.length,
    newTransactions: inserted.size,
    duplicates: all.length - inserted.size,
    newCredits: newCredits.length,
    enqueued,
    checks,
    confirmed: checks.length > 0 && !options.dryRun && (options.confirm ?? false),
    rows: file.statements
      .flatMap((s) => s.transactions.map((t) => ({ s, t })))
      .slice(0, PREVIEW_ROWS)
      .map(({ s, t }) => ({
        accountId: t.accountId ?? s.accountId ?? null,
        date: t.bookingDate,
        amount: t.amount.toFixed(2),
        currency: t.currency,
        description: t.description,
        reference: t.reference ?? null,
        line: t.line ?? null,
        isNew: inserted.has(t.fingerprint),
      })),
    moreRows: Math.max(0, all.length - PREVIEW_ROWS),
  };
}

function lastDigits(account: string): string {
  return account.length > 4 ? `…${account.slice(-4)}` : account;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Does the file fit the shop? Its currency must be the shop's; its accounts must be ones this
 * shop imported before (when it imported any); its dates must not lie years before the shop's
 * first known job, nor in the future.
 */
export async function checkAgainstShop(
  db: Db,
  tenantId: string,
  statements: BankStatement[],
): Promise<ImportCheck[]> {
  const checks: ImportCheck[] = [];
  const currencies = new Set<string>();
  for (const s of statements) {
    if (s.transactions.length === 0) currencies.add(s.currency);
    for (const t of s.transactions) currencies.add(t.currency);
  }
  const foreign = [...currencies].filter((c) => c !== SHOP_CURRENCY && c !== 'XXX').sort();
  if (foreign.length)
    checks.push({
      code: 'currency',
      message: `the file is in ${foreign.join(', ')}, but this shop's books are in ${SHOP_CURRENCY}`,
    });

  const accounts = [...new Set(statements.map((s) => s.accountId).filter((a): a is string => !!a))];
  if (accounts.length) {
    const known = (
      await db.bankStatement.findMany({
        where: { tenantId, accountId: { not: null } },
        select: { accountId: true },
        distinct: ['accountId'],
      })
    )
      .map((r) => r.accountId)
      .filter((a): a is string => !!a);
    const unknown = accounts.filter((a) => !known.includes(a));
    if (known.length && unknown.length)
      checks.push({
        code: 'account',
        message: `account ${unknown.map(lastDigits).join(', ')} was never imported for this shop (its bank files are for account ${known.map(lastDigits).join(', ')})`,
      });
  }

  const dates = statements.flatMap((s) => s.transactions.map((t) => t.bookingDate)).sort();
  const first = dates[0];
  const last = dates.at(-1);
  if (first && last) {
    const [history, runs] = await Promise.all([
      db.historyJob.findFirst({
        where: { tenantId },
        orderBy: { completedOn: 'asc' },
        select: { completedOn: true },
      }),
      db.pipelineRun.findFirst({
        where: { tenantId, jobCompletedOn: { not: null } },
        orderBy: { jobCompletedOn: 'asc' },
        select: { jobCompletedOn: true },
      }),
    ]);
    const firstJob = [history?.completedOn, runs?.jobCompletedOn]
      .filter((d): d is Date => d instanceof Date)
      .map((d) => d.toISOString().slice(0, 10))
      .sort()[0];
    if (firstJob && first < addDays(firstJob, -MAX_DAYS_BEFORE_FIRST_JOB))
      checks.push({
        code: 'dates',
        message: `the file's transactions start on ${first}, more than ${Math.round(MAX_DAYS_BEFORE_FIRST_JOB / 365)} year(s) before this shop's first job (${firstJob})`,
      });
    const today = new Date().toISOString().slice(0, 10);
    if (last > addDays(today, MAX_DAYS_AHEAD))
      checks.push({ code: 'dates', message: `the file has transactions dated ${last}, in the future` });
  }
  return checks;
}

/** The report as lines for a terminal or a flash message. */
export function describeImport(report: ImportReport): string[] {
  const out: string[] = [];
  const verb = report.dryRun ? 'would add' : 'added';
  out.push(
    `${report.fileName ?? 'file'}: ${report.format}, ${report.statements.length} statement(s), tenant ${report.tenantId}`,
  );
  for (const s of report.statements) {
    const period = s.periodStart || s.periodEnd ? ` ${s.periodStart ?? '?'} to ${s.periodEnd ?? '?'}` : '';
    const before = s.alreadyImported ? ' (this statement was imported before)' : '';
    out.push(
      `  account ${s.accountId ?? '(none)'} ${s.currency}${period}: ${s.transactions} transaction(s), ${s.credits} credit(s), ${verb} ${s.newTransactions}${before}`,
    );
  }
  if (report.transactions > 0 && report.newTransactions === 0)
    out.push(`nothing new: all ${report.transactions} transaction(s) were imported before`);
  else
    out.push(
      `${verb} ${report.newTransactions} transaction(s) (${report.newCredits} credit(s)); ${report.duplicates} already known`,
    );
  if (!report.dryRun) out.push(`queued ${report.enqueued} credit(s) for reconciliation`);
  if (report.checks.length) {
    out.push(
      report.dryRun
        ? `${report.checks.length} mismatch(es) with the shop: importing needs an explicit confirmation:`
        : `imported despite ${report.checks.length} mismatch(es) with the shop (confirmed):`,
    );
    for (const check of report.checks) out.push(`  ${check.message}`);
  }
  if (report.issues.length) {
    out.push(`${report.issues.length} issue(s) reported by the parser (the records that parsed were kept):`);
    for (const issue of report.issues) out.push(`  ${issue.text}`);
  }
  return out;
}

export interface ReconciliationSummary {
  /** Records per subject kind ('bank_line', 'st_payment') and status. */
  counts: Record<string, Record<string, number>>;
  /** Bank credits imported but not decided yet (queued or in flight). */
  pendingBankLines: number;
}

/** Where a tenant's reconciliation stands (for the demo summary and the console). */
export async function reconciliationSummary(db: Db, tenantId: string): Promise<ReconciliationSummary> {
  const [counts, pending] = await Promise.all([
    reconciliationCounts(db, tenantId),
    unreconciledCredits(db, tenantId),
  ]);
  return { counts, pendingBankLines: pending.length };
}
