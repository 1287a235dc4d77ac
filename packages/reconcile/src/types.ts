// The normalised bank-statement model every parser produces. Amounts are exact decimals in
// the account's currency; credits (money in) are positive, debits negative.
import type { Decimal } from '@invoicer/core';

export type StatementFormat = 'ofx' | 'camt' | 'bai2' | 'nacha' | 'csv';

export type ParseIssueCode =
  | 'malformed_record'
  | 'invalid_amount'
  | 'invalid_date'
  | 'missing_field'
  | 'unknown_record'
  | 'out_of_order'
  | 'control_total'
  | 'record_count'
  | 'entry_hash'
  | 'unsupported'
  | 'status_error'
  /** Warnings: the file was repaired while reading (nothing was lost, but it is not well formed). */
  | 'unclosed_element'
  | 'short_record';

/** One problem found in a file. `line` is 1-based in the original file. */
export interface ParseIssue {
  code: ParseIssueCode;
  message: string;
  line?: number;
  /** The record or element the problem is in: "16", "49", "STMTTRN", "Ntry", "entry detail". */
  recordType?: string;
  /**
   * 'warning': the parser repaired the file at this line (an unclosed OFX aggregate, a
   * right-trimmed fixed-width record) and lost nothing. Strict parsing does not reject on these.
   */
  severity?: 'warning';
}

export interface BankTransaction {
  /** sha256 over account, booking date, amount, reference and ordinal: stable across re-imports. */
  fingerprint: string;
  /** Set when entries of one statement belong to different accounts (NACHA files). */
  accountId?: string;
  bookingDate: string;
  valueDate?: string;
  amount: Decimal;
  currency: string;
  description: string;
  /** Bank reference, FITID, EndToEndId, ACH trace number. */
  reference?: string;
  counterpartyName?: string;
  /** Free-text and structured remittance: where invoice numbers show up. */
  remittance: string[];
  checkNumber?: string;
  /** The format's own type code: OFX TRNTYPE, BAI2 type code, camt BkTxCd, ACH transaction code. */
  typeCode?: string;
  /** Processor fee (gross − net) for processor exports; `amount` is then the gross. */
  fee?: Decimal;
  /** Line the transaction starts on, for tracing a decision back to the file. */
  line?: number;
  raw?: Record<string, string>;
}

export interface BankStatement {
  format: StatementFormat;
  accountId?: string;
  currency: string;
  statementId?: string;
  periodStart?: string;
  periodEnd?: string;
  openingBalance?: Decimal;
  closingBalance?: Decimal;
  transactions: BankTransaction[];
  /** Problems that belong to this statement: skipped records, control-total mismatches. */
  errors: ParseIssue[];
}

/** What one file holds: a file may carry several accounts (OFX, BAI2) or statements (camt). */
export interface ParsedFile {
  format: StatementFormat;
  statements: BankStatement[];
  /** Problems that belong to no single statement (file trailer totals, unsupported sections). */
  errors: ParseIssue[];
}

/** A transaction before its fingerprint is computed (fingerprints need the whole statement). */
export type DraftTransaction = Omit<BankTransaction, 'fingerprint'>;
