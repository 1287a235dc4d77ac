// Column mappings for processor exports seen in the wild (shapes from hledger's examples).
import { type CsvMapping, csvHeader, mappingFits } from './csv.ts';

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

/**
 * PayPal → Activity → "Download" (CSV, all transactions). Dates are written without leading
 * zeros in some exports ("6/4/2016") and with them in others ("10/01/2019"); older exports pad
 * header names with a space (", Name"), which column matching trims. "Note", "Item Title" and
 * "Name" are absent from some exports.
 */
export const PAYPAL_ACTIVITY: CsvMapping = {
  date: 'Date',
  dateFormat: 'M/D/YYYY',
  amount: 'Gross',
  fee: 'Fee',
  net: 'Net',
  currency: 'Currency',
  description: ['Type', 'Name', 'Item Title'],
  reference: 'Transaction ID',
  counterparty: 'Name',
  remittance: ['Item Title', 'Note'],
  optional: ['Item Title', 'Note', 'Name'],
};

export const CSV_PRESETS = {
  stripe_balance_transactions: STRIPE_BALANCE_TRANSACTIONS,
  paypal_activity: PAYPAL_ACTIVITY,
} as const satisfies Record<string, CsvMapping>;

export type CsvPreset = keyof typeof CSV_PRESETS;

/** The preset whose columns the file's header has (for "detect from the file"), if exactly one. */
export function detectCsvPreset(buffer: Uint8Array): CsvPreset | undefined {
  const header = csvHeader(buffer);
  const fits = (Object.keys(CSV_PRESETS) as CsvPreset[]).filter((p) => mappingFits(header, CSV_PRESETS[p]));
  return fits.length === 1 ? fits[0] : undefined;
}
