// Reason codes on review items. Stable strings: they are filters in the console and labels
// in metrics.
export const INVOICE_REASONS = [
  'low_confidence',
  'amount_over_threshold',
  'always_review_customer',
  'always_review_job_type',
  'validation_flag',
  'stage_failed',
  'suggest_mode',
  'post_mismatch',
  'manager_approval',
  'estimate_difference',
  'photo_evidence',
] as const;

export const PAYMENT_REASONS = [
  'short_pay',
  'over_pay',
  'no_match',
  'multi_match',
  'batch_unresolved',
  'pre_tax_payment',
  'apply_failed',
] as const;

/** Accounting sync (issue 17): differences between ServiceTitan, the books and the bank. */
export const ACCOUNTING_REASONS = [
  'books_missing_invoice',
  'books_unknown_invoice',
  'books_duplicate',
  'books_amount',
  'books_payment',
  'books_payment_wrong_invoice',
  'books_changed_after_sync',
  'books_exported_elsewhere',
  'books_journal',
  'bank_missing_deposit',
  'bank_unexplained_deposit',
  'bank_amount',
] as const;

export type InvoiceReason = (typeof INVOICE_REASONS)[number];
export type PaymentReason = (typeof PAYMENT_REASONS)[number];
export type AccountingReason = (typeof ACCOUNTING_REASONS)[number];
export type ReasonCode = InvoiceReason | PaymentReason | AccountingReason;

export const REASON_LABELS: Record<ReasonCode, string> = {
  low_confidence: 'Low confidence',
  amount_over_threshold: 'Amount over threshold',
  always_review_customer: 'Customer always reviewed',
  always_review_job_type: 'Job type always reviewed',
  validation_flag: 'Validation flag',
  stage_failed: 'Pipeline stage failed',
  suggest_mode: 'Suggest mode (always review)',
  post_mismatch: 'Posted invoice differs from draft',
  manager_approval: 'Needs manager approval',
  estimate_difference: 'Differs from the sold estimate',
  photo_evidence: 'Photo evidence to check',
  short_pay: 'Short pay',
  over_pay: 'Overpayment',
  no_match: 'No matching invoice',
  multi_match: 'Several possible invoices',
  batch_unresolved: 'Batch deposit not resolved',
  pre_tax_payment: 'Paid the pre-tax total',
  apply_failed: 'Applying the payment failed',
  books_missing_invoice: 'Invoice missing in the books',
  books_unknown_invoice: 'Books invoice not in ServiceTitan',
  books_duplicate: 'Invoice twice in the books',
  books_amount: 'Books amount differs',
  books_payment: 'Books payment differs',
  books_payment_wrong_invoice: 'Payment on the wrong invoice in the books',
  books_changed_after_sync: 'Changed in ServiceTitan and in the books',
  books_exported_elsewhere: 'Exported by another integration',
  books_journal: 'Our journal differs in the books',
  bank_missing_deposit: 'Payment not deposited in the bank',
  bank_unexplained_deposit: 'Bank deposit without a ServiceTitan payment',
  bank_amount: 'Bank deposit amount differs',
};
