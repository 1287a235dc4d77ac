// A file that cannot be read at all. Extends core's InvalidInputError so workers treat it as
// unrecoverable (retrying an unreadable file never helps).
import { InvalidInputError } from '@invoicer/core';
import type { ParseIssue, StatementFormat } from './types.ts';

export function describeIssue(issue: ParseIssue): string {
  const where = [
    issue.line !== undefined ? `line ${issue.line}` : undefined,
    issue.recordType ? `(${issue.recordType})` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  return where ? `${where}: ${issue.message}` : issue.message;
}

export class StatementParseError extends InvalidInputError {
  override name = 'StatementParseError';
  readonly line: number | undefined;
  readonly recordType: string | undefined;

  constructor(
    readonly format: StatementFormat | undefined,
    readonly parseIssues: ParseIssue[],
  ) {
    super(`Cannot read ${format ?? 'statement'} file`, parseIssues.map(describeIssue));
    this.line = parseIssues[0]?.line;
    this.recordType = parseIssues[0]?.recordType;
  }
}

/** Throw a single-issue parse error. */
export function fail(format: StatementFormat | undefined, issue: ParseIssue): never {
  throw new StatementParseError(format, [issue]);
}
