// Recognise a statement file from its first bytes, with the file name as a tie-breaker.
import type { StatementFormat } from './types.ts';

export function detectFormat(buffer: Uint8Array, fileName?: string): StatementFormat | undefined {
  const head = Buffer.from(buffer.subarray(0, 4096))
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '');
  const start = head.trimStart();
  const extension = fileName?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  if (/^OFXHEADER:/i.test(start) || /<\?OFX\b/i.test(head) || /<OFX>/i.test(head)) return 'ofx';
  if (
    /urn:iso:std:iso:20022:tech:xsd:camt\.05[234]/.test(head) ||
    /<(\w+:)?BkToCstmr(Stmt|AcctRpt|DbtCdtNtfctn)/.test(head)
  )
    return 'camt';
  if (/^01,[^,\r\n]*,[^,\r\n]*,\d{6},/.test(start)) return 'bai2';
  const firstLine = start.split(/\r?\n/, 1)[0] ?? '';
  // A NACHA file header: record type 1, priority 01, routing numbers, YYMMDD, and the fixed
  // record size 094, blocking factor 10 and format code 1 at positions 35–40. Files whose records
  // were right-trimmed (trailing blanks removed) are shorter than 94 characters; the parser pads.
  if (
    /^101[ \dA-Za-z]{20}\d{6}/.test(firstLine) &&
    (/^.{34}094\d\d1/.test(firstLine) || firstLine.trimEnd().length >= 80 || extension === 'ach')
  )
    return 'nacha';
  if (extension === 'ofx' || extension === 'qfx' || extension === 'qbo') return 'ofx';
  if (extension === 'bai' || extension === 'bai2') return 'bai2';
  if (extension === 'ach') return 'nacha';
  if (extension === 'csv' || extension === 'tsv') return 'csv';
  if (extension === 'xml') return 'camt';
  // A header-like first line with separators is most likely CSV.
  if (/^[^\n<]*[,;\t][^\n]*\r?\n/.test(start) && !start.startsWith('<')) return 'csv';
  return undefined;
}

/**
 * An upper estimate of the transactions in a file, from a scan for its record markers (a CSV
 * row, a BAI2 16 record, an ACH entry, an OFX <STMTTRN>, a camt <Ntry>): lets a caller refuse a
 * file too large for it before paying for a full parse.
 */
export function estimateTransactions(buffer: Uint8Array, format: StatementFormat): number {
  const text = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength).toString('latin1');
  const count = (pattern: RegExp) => {
    let n = 0;
    pattern.lastIndex = 0;
    while (pattern.exec(text)) n += 1;
    return n;
  };
  switch (format) {
    case 'csv':
      return Math.max(0, count(/\n(?=[^\r\n])/g));
    case 'bai2':
      return count(/(?:^|\n)\s*16,/g);
    case 'nacha':
      return count(/(?:^|\n)6/g);
    case 'ofx':
      return count(/<STMTTRN>/gi);
    case 'camt':
      return count(/<(?:[\w.-]+:)?Ntry[\s>]/g);
  }
}
