// @invoicer/reconcile: bank statement parsing (OFX, camt, BAI2, NACHA, CSV) and payment-to-
// invoice matching. Pure functions: no database, network or file system.
export { detectFormat, estimateTransactions } from './detect.ts';
export { describeIssue, StatementParseError } from './errors.ts';
export { parseBai2 } from './formats/bai2/bai2.ts';
export { parseCamt } from './formats/camt/camt.ts';
export { type CsvMapping, csvHeader, mappingFits, parseCsv } from './formats/csv/csv.ts';
export {
  CSV_PRESETS,
  type CsvPreset,
  detectCsvPreset,
  PAYPAL_ACTIVITY,
  STRIPE_BALANCE_TRANSACTIONS,
} from './formats/csv/presets.ts';
export { parseNacha } from './formats/nacha/nacha.ts';
export { parseOfx } from './formats/ofx/ofx.ts';
export { type AllocationResult, type AllocationTarget, allocate } from './match/allocate.ts';
export { type BatchOptions, type BatchResult, DEFAULT_BATCH_OPTIONS, findBatch } from './match/batch.ts';
export { nameSimilarity } from './match/customers.ts';
export { PRIOR, scoreInvoice, tolerance as shortPayTolerance, WEIGHTS } from './match/evidence.ts';
export { type PendingDraft, type PendingLine, type PendingMatch, pendingMatch } from './match/pending.ts';
export { AMBIGUITY_LOGIT, type ReconcileInput, reconcilePayment } from './match/reconcile.ts';
export { findReferences, type ReferenceHit } from './match/references.ts';
export { firstMatchingRule } from './match/rules.ts';
export { type StPaymentInput, subjectFromBankTransaction, subjectFromStPayment } from './match/subjects.ts';
export type * from './match/types.ts';
export { allIssues, type ParseOptions, parseStatement } from './parse.ts';
export type * from './types.ts';
