// Entry point: detect (or take) the format, parse, and in strict mode turn any reported issue
// into a rejection.
import { detectFormat } from './detect.ts';
import { fail, StatementParseError } from './errors.ts';
import { parseBai2 } from './formats/bai2/bai2.ts';
import { parseCamt } from './formats/camt/camt.ts';
import { type CsvMapping, parseCsv } from './formats/csv/csv.ts';
import { CSV_PRESETS, type CsvPreset, detectCsvPreset } from './formats/csv/presets.ts';
import { parseNacha } from './formats/nacha/nacha.ts';
import { parseOfx } from './formats/ofx/ofx.ts';
import type { ParsedFile, ParseIssue, StatementFormat } from './types.ts';

export interface ParseOptions {
  format?: StatementFormat;
  fileName?: string;
  /** Column mapping or preset name; required for CSV. */
  csvMapping?: CsvMapping | CsvPreset;
  /** Reject the whole file on any issue (control-total mismatch, skipped record…); warnings excepted. */
  strict?: boolean;
}

export function parseStatement(buffer: Uint8Array, options: ParseOptions = {}): ParsedFile {
  const format = options.format ?? detectFormat(buffer, options.fileName);
  if (!format)
    fail(undefined, {
      code: 'unsupported',
      line: 1,
      message: 'not a recognised OFX, camt, BAI2, NACHA or CSV file',
    });
  // No bank format carries a NUL byte: one means a damaged or binary file, refused by its line
  // (a parser meeting it would fail somewhere less clear, or read garbage).
  const nul = buffer.indexOf(0);
  if (nul >= 0)
    fail(format, {
      code: 'malformed_record',
      line: lineAt(buffer, nul),
      message: 'contains a NUL byte: the file is damaged or not a text bank file',
    });
  const result = parseAs(format, buffer, options);
  if (options.strict) {
    const issues = allIssues(result).filter((issue) => issue.severity !== 'warning');
    if (issues.length) throw new StatementParseError(format, issues);
  }
  return result;
}

/** The 1-based line of a byte offset. */
function lineAt(buffer: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (buffer[i] === 10) line += 1;
  return line;
}

function parseAs(format: StatementFormat, buffer: Uint8Array, options: ParseOptions): ParsedFile {
  switch (format) {
    case 'ofx':
      return parseOfx(buffer);
    case 'camt':
      return parseCamt(buffer);
    case 'bai2':
      return parseBai2(buffer);
    case 'nacha':
      return parseNacha(buffer);
    case 'csv': {
      // No mapping given: a processor export whose header fits exactly one preset is read with it.
      const chosen = options.csvMapping ?? detectCsvPreset(buffer);
      const mapping = typeof chosen === 'string' ? CSV_PRESETS[chosen] : chosen;
      if (!mapping)
        fail('csv', {
          code: 'missing_field',
          line: 1,
          recordType: 'header',
          message: `CSV needs a column mapping (csvMapping): the header fits none of the presets (${Object.keys(CSV_PRESETS).join(', ')})`,
        });
      return parseCsv(buffer, mapping);
    }
  }
}

/** File-level and statement-level issues in file order. */
export function allIssues(file: ParsedFile): ParseIssue[] {
  return [...file.errors, ...file.statements.flatMap((s) => s.errors)].sort(
    (a, b) => (a.line ?? Infinity) - (b.line ?? Infinity),
  );
}
