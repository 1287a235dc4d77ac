// What the console's request thread and its bank-import thread say to each other. Errors cross
// the thread boundary as plain data and are rebuilt as the classes the routes answer by
// (unreadable file 400, does not fit the shop 409, too many transactions 413).
import { InvalidInputError } from '@invoicer/core';
import {
  type ImportCheck,
  ImportNeedsConfirmation,
  type ImportOptions,
  type ImportReport,
} from '@invoicer/pipeline';
import { type ParseIssue, type StatementFormat, StatementParseError } from '@invoicer/reconcile';

/** The most transactions one console upload may hold; the CLI has no limit. */
export const MAX_UPLOAD_TRANSACTIONS = 50_000;

export interface ImportRequest {
  id: number;
  tenantId: string;
  /** The file's bytes, transferred (not copied) to the import thread. */
  data: ArrayBuffer;
  options: ImportOptions;
}

export type ImportFailure =
  | { kind: 'parse'; format: StatementFormat | undefined; issues: ParseIssue[] }
  | { kind: 'confirm'; fileName: string | null; checks: ImportCheck[] }
  | { kind: 'too_large'; message: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'other'; message: string };

export type ImportReply = { id: number; report: ImportReport } | { id: number; failure: ImportFailure };

/** The file holds more than the console imports in one upload (answered 413). */
export class UploadTooLargeError extends InvalidInputError {
  override name = 'UploadTooLargeError';
}

export function tooManyTransactions(estimate: number, fileName: string | undefined): string {
  return (
    `${fileName ?? 'The file'} holds about ${estimate.toLocaleString('en-US')} transactions; the console imports at most ` +
    `${MAX_UPLOAD_TRANSACTIONS.toLocaleString('en-US')} per file. Split it by date, or import it with \`npm run reconcile:import\`.`
  );
}

export function toFailure(error: unknown): ImportFailure {
  if (error instanceof StatementParseError)
    return { kind: 'parse', format: error.format, issues: error.parseIssues };
  if (error instanceof ImportNeedsConfirmation)
    return { kind: 'confirm', fileName: error.fileName, checks: error.checks };
  if (error instanceof UploadTooLargeError) return { kind: 'too_large', message: error.message };
  if (error instanceof InvalidInputError) return { kind: 'invalid', message: error.message };
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

export function fromFailure(failure: ImportFailure): Error {
  switch (failure.kind) {
    case 'parse':
      return new StatementParseError(failure.format, failure.issues);
    case 'confirm':
      return new ImportNeedsConfirmation(failure.fileName, failure.checks);
    case 'too_large':
      return new UploadTooLargeError(failure.message);
    case 'invalid':
      return new InvalidInputError(failure.message);
    case 'other':
      return new Error(failure.message);
  }
}
