// Provider-neutral shapes for the books (Xero, QuickBooks Online). Amounts are decimal strings
// with two places (converted at each provider's boundary); ids are the provider's.
import type { MappingKind } from './documents.ts';

export const PROVIDERS = ['xero', 'qbo'] as const;
export type Provider = (typeof PROVIDERS)[number];

/**
 * off: nothing; observe: read the books and report differences, never write; invoices: post
 * cleared invoices and their payments; journal: post daily summarised journals per business unit.
 */
export const MODES = ['off', 'observe', 'invoices', 'journal'] as const;
export type Mode = (typeof MODES)[number];

export interface BooksLineDraft {
  description: string;
  quantity: string;
  unitAmount: string;
  lineAmount: string;
  accountCode: string;
  itemCode: string | null;
  taxType: string;
  taxAmount: string;
}

export interface BooksInvoiceDraft {
  number: string;
  reference: string;
  /** YYYY-MM-DD */
  date: string;
  dueDate: string;
  contactId: string;
  lines: BooksLineDraft[];
  subTotal: string;
  totalTax: string;
  total: string;
}

export interface BooksInvoice {
  id: string;
  number: string;
  status: string;
  contactId: string | null;
  subTotal: string;
  totalTax: string;
  total: string;
  amountDue: string;
  amountPaid: string;
  date: string | null;
  /** What an update must quote: QBO SyncToken, Xero UpdatedDateUTC. */
  version: string | null;
  lines: { description: string; lineAmount: string; taxAmount: string }[];
  payments: BooksPayment[];
}

export interface BooksPaymentDraft {
  invoiceId: string;
  accountId: string;
  date: string;
  amount: string;
  /** Carries our ServiceTitan payment id, so a read-back can find it. */
  reference: string;
  contactId: string | null;
}

export interface BooksPayment {
  id: string;
  invoiceId: string;
  amount: string;
  date: string | null;
  reference: string | null;
  status: string;
}

/** A summarised journal: lines signed (debit positive, credit negative), two places. */
export interface BooksJournalDraft {
  /** Ours, unique per (day, business unit, revision): Xero narration prefix, QuickBooks DocNumber. */
  tag: string;
  /** YYYY-MM-DD */
  date: string;
  narration: string;
  lines: { accountId: string; amount: string; description: string }[];
}

export interface BooksJournal {
  id: string;
  tag: string;
  date: string | null;
  status: string;
  lines: { accountId: string; amount: string; description: string }[];
}

export interface BooksRef {
  id: string;
  code: string | null;
  name: string;
}

/** What the sync needs from a provider; each write carries the ledger's idempotency key. */
export interface Books {
  readonly provider: Provider;
  findInvoiceByNumber(number: string): Promise<BooksInvoice | null>;
  getInvoice(id: string): Promise<BooksInvoice | null>;
  listInvoices(query: { page: number; modifiedSince?: Date | null }): Promise<BooksInvoice[]>;
  createInvoice(draft: BooksInvoiceDraft, idempotencyKey: string): Promise<void>;
  updateInvoice(existing: BooksInvoice, draft: BooksInvoiceDraft, idempotencyKey: string): Promise<void>;
  voidInvoice(existing: BooksInvoice, idempotencyKey: string): Promise<void>;
  createPayment(draft: BooksPaymentDraft, idempotencyKey: string): Promise<void>;
  /** Our journal of this tag (live ones only), with its lines. */
  findJournal(tag: string): Promise<BooksJournal | null>;
  getJournal(id: string): Promise<BooksJournal | null>;
  createJournal(draft: BooksJournalDraft, idempotencyKey: string): Promise<void>;
  findContacts(name: string): Promise<BooksRef[]>;
  createContact(name: string, idempotencyKey: string): Promise<void>;
  /**
   * What a mapping of this kind may point at, with `id` being what documents quote: Xero revenue
   * account codes, bank account ids, tax types; QuickBooks items, deposit accounts, tax codes;
   * ledger: any account of the chart (Xero code, QuickBooks account id) for journal lines.
   */
  mappingCandidates(kind: Exclude<MappingKind, 'customer'>): Promise<BooksRef[]>;
}
