// NACHA ACH files: 1 file header, 5 batch header, 6 entry detail, 7 addenda, 8 batch control,
// 9 file control, then "9999…" block padding. Every entry becomes a transaction, seen from the
// receiving account: credit transaction codes (x1–x4) positive, debit codes (x5–x9) negative.
// Policy: a file that does not start with a 1 record is rejected naming line 1. A bad entry is
// skipped and reported; batch and file control mismatches (counts, entry hash, debit/credit
// totals) are reported with the control record's line and the entries are kept.
import { fromYymmdd } from '../../dates.ts';
import { fail } from '../../errors.ts';
import { withFingerprints } from '../../fingerprint.ts';
import type { DraftTransaction, ParsedFile, ParseIssue } from '../../types.ts';
import { type BatchTotals, checkBatchControl, checkFileControl, emptyTotals } from './controls.ts';
import { type OpenEntry, readAddenda, readEntry, remittanceFrom } from './entries.ts';
import { FILE_HEADER, get } from './layout.ts';

interface NachaLine {
  text: string;
  line: number;
  /** The record's length as found in the file (before padding). */
  length?: number;
}

interface Batch {
  header: string;
  totals: BatchTotals;
  line: number;
}

const RECORD_LENGTH = 94;

/** Short records listed one by one; past this many, one issue counts the rest. */
const SHORT_RECORD_WARNINGS = 20;

function toLines(text: string): NachaLine[] {
  const physical = text.split(/\r\n|\n|\r/);
  // Some systems send the file as one unbroken string of 94-character records.
  if (
    physical.length <= 2 &&
    (physical[0]?.length ?? 0) > RECORD_LENGTH &&
    (physical[0]?.length ?? 0) % RECORD_LENGTH === 0
  ) {
    const only = physical[0] ?? '';
    return Array.from({ length: only.length / RECORD_LENGTH }, (_, i) => ({
      text: only.slice(i * RECORD_LENGTH, (i + 1) * RECORD_LENGTH),
      line: 1,
    }));
  }
  return physical
    .map((text, i) => ({
      text: text.trimEnd().padEnd(RECORD_LENGTH, ' '),
      line: i + 1,
      length: text.length,
    }))
    .filter((l) => l.text.trim() !== '');
}

/** Records shorter than 94 characters (trailing blanks trimmed by some system): padded, warned. */
function shortRecordWarnings(lines: NachaLine[]): ParseIssue[] {
  const short = lines.filter((l) => l.length !== undefined && l.length < RECORD_LENGTH);
  const warnings: ParseIssue[] = short.slice(0, SHORT_RECORD_WARNINGS).map((l) => ({
    code: 'short_record',
    severity: 'warning',
    line: l.line,
    recordType: l.text[0],
    message: `record is ${l.length} characters, not ${RECORD_LENGTH} (trailing blanks trimmed?); padded with blanks`,
  }));
  const rest = short.length - warnings.length;
  if (rest > 0)
    warnings.push({
      code: 'short_record',
      severity: 'warning',
      line: short[SHORT_RECORD_WARNINGS]?.line,
      message: `${rest} more record(s) shorter than ${RECORD_LENGTH} characters from this line on; padded with blanks`,
    });
  return warnings;
}

export function parseNacha(buffer: Uint8Array): ParsedFile {
  const lines = toLines(new TextDecoder('latin1').decode(buffer));
  const first = lines[0];
  if (first?.text[0] !== '1') {
    fail('nacha', {
      code: 'unknown_record',
      line: first?.line ?? 1,
      recordType: first?.text[0],
      message: 'a NACHA file must start with a 1 (file header) record',
    });
  }
  const fileDate = checkFileHeader(first);
  const statementErrors: ParseIssue[] = [];
  const drafts: DraftTransaction[] = [];
  const file = emptyTotals();
  let batches = 0;
  let records = 0;
  let batch: Batch | undefined;
  let entry: OpenEntry | undefined;
  let fileControlSeen = false;

  const issue = (
    l: NachaLine,
    recordType: string,
    code: ParseIssue['code'],
    message: string,
  ): ParseIssue => ({ code, line: l.line, recordType, message });
  const closeEntry = () => {
    if (entry?.draft) entry.draft.remittance.push(...remittanceFrom(entry.addenda05));
    entry = undefined;
  };

  for (const l of lines) {
    const type = l.text[0];
    if (fileControlSeen && /^9+$/.test(l.text)) continue; // block padding
    records++;
    if (l.text.length > RECORD_LENGTH)
      statementErrors.push(
        issue(l, `record ${type}`, 'malformed_record', `record is ${l.text.length} characters, not 94`),
      );
    if (type === '1') {
      if (l !== first) statementErrors.push(issue(l, 'file header', 'out_of_order', 'a second file header'));
    } else if (type === '5') {
      closeEntry();
      if (batch)
        statementErrors.push(
          issue(l, 'batch header', 'out_of_order', 'batch header before the previous batch control'),
        );
      batch = { header: l.text, totals: emptyTotals(), line: l.line };
      batches++;
    } else if (type === '6' || type === '7') {
      if (!batch) {
        statementErrors.push(
          issue(l, type === '6' ? 'entry detail' : 'addenda', 'out_of_order', 'record outside a batch'),
        );
        continue;
      }
      batch.totals.entryAddendaCount++;
      if (type === '6') {
        closeEntry();
        const read = readEntry(l.text, l.line, batch.header, fileDate);
        // Controls count what the file holds, whether or not the entry could be read.
        if (read.rdfi !== undefined) batch.totals.entryHash += read.rdfi;
        if (read.cents !== undefined && read.credit) batch.totals.totalCredit += read.cents;
        if (read.cents !== undefined && !read.credit) batch.totals.totalDebit += read.cents;
        if (read.problem)
          statementErrors.push(issue(l, 'entry detail', read.problem.code, read.problem.message));
        entry = { draft: read.draft, addenda05: [] };
        if (read.draft) drafts.push(read.draft);
      } else if (!entry) {
        statementErrors.push(issue(l, 'addenda', 'out_of_order', 'addenda without an entry detail'));
      } else {
        readAddenda(l.text, entry);
      }
    } else if (type === '8') {
      closeEntry();
      if (!batch) {
        statementErrors.push(
          issue(l, 'batch control', 'out_of_order', 'batch control without a batch header'),
        );
        continue;
      }
      statementErrors.push(...checkBatchControl(l.text, batch.totals, l.line));
      file.entryAddendaCount += batch.totals.entryAddendaCount;
      file.entryHash += batch.totals.entryHash;
      file.totalDebit += batch.totals.totalDebit;
      file.totalCredit += batch.totals.totalCredit;
      batch = undefined;
    } else if (type === '9') {
      closeEntry();
      fileControlSeen = true;
      statementErrors.push(...checkFileControl(l.text, file, batches, records, l.line));
    } else {
      statementErrors.push(issue(l, `record ${type}`, 'unknown_record', `unknown record type "${type}"`));
    }
  }
  closeEntry();
  if (batch)
    statementErrors.push({
      code: 'missing_field',
      line: batch.line,
      recordType: 'batch header',
      message: 'batch has no batch control (8) record',
    });
  if (!fileControlSeen)
    statementErrors.push({
      code: 'missing_field',
      message: 'file has no file control (9) record (truncated?)',
    });

  const accounts = new Set(drafts.map((d) => d.accountId));
  const origin = get(first.text, FILE_HEADER.origin).trim();
  return {
    format: 'nacha',
    statements: [
      {
        format: 'nacha',
        accountId: accounts.size === 1 ? [...accounts][0] : undefined,
        currency: drafts[0]?.currency ?? 'USD',
        statementId: `${origin}-${get(first.text, FILE_HEADER.creationDate)}-${get(first.text, FILE_HEADER.fileIdModifier)}`,
        transactions: withFingerprints(undefined, drafts),
        errors: statementErrors,
      },
    ],
    errors: shortRecordWarnings(lines),
  };
}

/** The header fixes the layout; when its constant fields are off, every position is suspect. */
function checkFileHeader(first: NachaLine): string {
  const record = first.text;
  const problems: string[] = [];
  if (get(record, FILE_HEADER.recordSize) !== '094')
    problems.push(`record size field is "${get(record, FILE_HEADER.recordSize)}", expected "094"`);
  if (get(record, FILE_HEADER.formatCode) !== '1')
    problems.push(`format code is "${get(record, FILE_HEADER.formatCode)}", expected "1"`);
  const date = fromYymmdd(get(record, FILE_HEADER.creationDate));
  if (!date) problems.push(`creation date "${get(record, FILE_HEADER.creationDate)}" is not YYMMDD`);
  if (problems.length || !date) {
    fail('nacha', {
      code: 'malformed_record',
      line: first.line,
      recordType: 'file header',
      message: `${problems.join('; ')} (fields misaligned?)`,
    });
  }
  return date;
}
