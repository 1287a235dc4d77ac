// Column mappings for processor exports seen in the wild (shapes from hledger's examples).
import type { CsvMapping } from './csv.ts';

/** Stripe Dashboard → Balance → "Balance transactions" export (itemised, UTC). */
export const STRIPE_BALANCE_TRANSACTIONS: CsvMapping = {
  date: 'created_utc',
  valueDate: 'available_on_utc',
  dateFormat: 'YYYY-MM-DD',
  amount: 'gross',
  fee: 'fee',
  net: 'net',
  currency: 'currency',
  description: ['reporting_category', 'description'],
  reference: 'balance_transaction_id',
};

/** PayPal → Activity → "Download" (CSV, all transactions). */
export const PAYPAL_ACTIVITY: CsvMapping = {
  date: 'Date',
  dateFormat: 'MM/DD/YYYY',
  amount: 'Gross',
  fee: 'Fee',
  net: 'Net',
  currency: 'Currency',
  description: ['Type', 'Name', 'Item Title'],
  reference: 'Transaction ID',
  counterparty: 'Name',
  remittance: ['Item Title', 'Note'],
};

export const CSV_PRESETS = {
  stripe_balance_transactions: STRIPE_BALANCE_TRANSACTIONS,
  paypal_activity: PAYPAL_ACTIVITY,
} as const satisfies Record<string, CsvMapping>;

export type CsvPreset = keyof typeof CSV_PRESETS;
