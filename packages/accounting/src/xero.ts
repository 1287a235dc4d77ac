// Xero Accounting API over plain fetch (shapes from XeroAPI/Xero-OpenAPI xero_accounting.yaml).
// Every write carries an Idempotency-Key derived from our ledger key; invoices are found by
// InvoiceNumber before anything is created.
import { Decimal, toMoneyString } from '@invoicer/core';
import type { MappingKind } from './documents.ts';
import type { BooksHttp } from './http.ts';
import type {
  Books,
  BooksInvoice,
  BooksInvoiceDraft,
  BooksJournal,
  BooksJournalDraft,
  BooksPayment,
  BooksPaymentDraft,
  BooksRef,
} from './types.ts';

interface XeroPayment {
  PaymentID: string;
  Invoice?: { InvoiceID?: string };
  Date?: string;
  Amount?: number;
  Reference?: string;
  Status?: string;
}

interface XeroInvoice {
  InvoiceID: string;
  InvoiceNumber?: string;
  Type?: string;
  Status?: string;
  Contact?: { ContactID?: string; Name?: string };
  Date?: string;
  DateString?: string;
  SubTotal?: number;
  TotalTax?: number;
  Total?: number;
  AmountDue?: number;
  AmountPaid?: number;
  UpdatedDateUTC?: string;
  LineItems?: { Description?: string; LineAmount?: number; TaxAmount?: number }[];
  Payments?: XeroPayment[];
}

interface XeroManualJournal {
  ManualJournalID: string;
  Narration?: string;
  Date?: string;
  Status?: string;
  JournalLines?: { LineAmount?: number; AccountCode?: string; Description?: string }[];
}

/** Our narration starts with "[tag] ", so a tag is found by its prefix (with the bracket). */
const tagged = (tag: string) => `[${tag}]`;

function toJournal(j: XeroManualJournal): BooksJournal {
  return {
    id: j.ManualJournalID,
    tag: /^\[([^\]]+)\]/.exec(j.Narration ?? '')?.[1] ?? '',
    date: xeroDate(j.Date),
    status: j.Status ?? 'UNKNOWN',
    lines: (j.JournalLines ?? []).map((l) => ({
      accountId: l.AccountCode ?? '',
      amount: money(l.LineAmount),
      description: l.Description ?? '',
    })),
  };
}

const LIVE = new Set(['DRAFT', 'SUBMITTED', 'AUTHORISED', 'PAID']);

/** Xero JSON numbers to exact two-place strings (they are decimal in Xero; converted once here). */
const money = (n: number | undefined): string => toMoneyString(new Decimal(String(n ?? 0)));
const num = (s: string): number => Number(s);

/** "/Date(1539993600000+0000)/" or an ISO string → YYYY-MM-DD. */
export function xeroDate(value: string | undefined): string | null {
  if (!value) return null;
  const ms = /\/Date\((-?\d+)/.exec(value)?.[1];
  const date = ms ? new Date(Number(ms)) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString().slice(0, 10);
}

function toInvoice(x: XeroInvoice): BooksInvoice {
  return {
    id: x.InvoiceID,
    number: x.InvoiceNumber ?? '',
    status: x.Status ?? 'UNKNOWN',
    contactId: x.Contact?.ContactID ?? null,
    subTotal: money(x.SubTotal),
    totalTax: money(x.TotalTax),
    total: money(x.Total),
    amountDue: money(x.AmountDue),
    amountPaid: money(x.AmountPaid),
    date: xeroDate(x.DateString ?? x.Date),
    version: x.UpdatedDateUTC ?? null,
    lines: (x.LineItems ?? []).map((l) => ({
      description: l.Description ?? '',
      lineAmount: money(l.LineAmount),
      taxAmount: money(l.TaxAmount),
    })),
    payments: (x.Payments ?? []).map((p) => toPayment(p, x.InvoiceID)),
  };
}

function toPayment(p: XeroPayment, invoiceId: string): BooksPayment {
  return {
    id: p.PaymentID,
    invoiceId: p.Invoice?.InvoiceID ?? invoiceId,
    amount: money(p.Amount),
    date: xeroDate(p.Date),
    reference: p.Reference ?? null,
    status: p.Status ?? 'AUTHORISED',
  };
}

function invoiceBody(draft: BooksInvoiceDraft) {
  return {
    Type: 'ACCREC',
    Contact: { ContactID: draft.contactId },
    Date: draft.date,
    DueDate: draft.dueDate,
    LineAmountTypes: 'Exclusive',
    InvoiceNumber: draft.number,
    Reference: draft.reference,
    Status: 'AUTHORISED',
    LineItems: draft.lines.map((l) => ({
      Description: l.description,
      Quantity: num(l.quantity),
      UnitAmount: num(l.unitAmount),
      LineAmount: num(l.lineAmount),
      AccountCode: l.accountCode,
      ...(l.itemCode ? { ItemCode: l.itemCode } : {}),
      TaxType: l.taxType,
      TaxAmount: num(l.taxAmount),
    })),
  };
}

export class XeroBooks implements Books {
  readonly provider = 'xero' as const;
  constructor(private readonly http: BooksHttp) {}

  private write(method: 'PUT' | 'POST', path: string, body: unknown, key: string) {
    return this.http.request<unknown>(method, path, {
      query: { summarizeErrors: 'true', unitdp: '4' },
      body,
      headers: { 'Idempotency-Key': key.slice(0, 128) },
    });
  }

  async findInvoiceByNumber(number: string): Promise<BooksInvoice | null> {
    const found = await this.http.request<{ Invoices?: XeroInvoice[] }>('GET', '/Invoices', {
      query: { InvoiceNumbers: number, summaryOnly: 'false' },
    });
    const live = (found?.Invoices ?? []).filter(
      (i) => i.Type === 'ACCREC' && i.InvoiceNumber === number && LIVE.has(i.Status ?? ''),
    );
    // The list omits payments: read the invoice itself for them.
    return live[0] ? this.getInvoice(live[0].InvoiceID) : null;
  }

  async getInvoice(id: string): Promise<BooksInvoice | null> {
    const found = await this.http.request<{ Invoices?: XeroInvoice[] }>('GET', `/Invoices/${id}`);
    const invoice = found?.Invoices?.[0];
    return invoice ? toInvoice(invoice) : null;
  }

  async listInvoices(query: { page: number; modifiedSince?: Date | null }): Promise<BooksInvoice[]> {
    const found = await this.http.request<{ Invoices?: XeroInvoice[] }>('GET', '/Invoices', {
      query: { page: String(query.page), pageSize: '100', where: 'Type=="ACCREC"' },
      headers: query.modifiedSince ? { 'If-Modified-Since': query.modifiedSince.toUTCString() } : {},
    });
    return (found?.Invoices ?? []).map(toInvoice);
  }

  async createInvoice(draft: BooksInvoiceDraft, key: string): Promise<void> {
    await this.write('PUT', '/Invoices', { Invoices: [invoiceBody(draft)] }, key);
  }

  async updateInvoice(existing: BooksInvoice, draft: BooksInvoiceDraft, key: string): Promise<void> {
    await this.write(
      'POST',
      `/Invoices/${existing.id}`,
      { Invoices: [{ ...invoiceBody(draft), InvoiceID: existing.id }] },
      key,
    );
  }

  async voidInvoice(existing: BooksInvoice, key: string): Promise<void> {
    await this.write(
      'POST',
      `/Invoices/${existing.id}`,
      { Invoices: [{ InvoiceID: existing.id, Status: 'VOIDED' }] },
      key,
    );
  }

  async createPayment(draft: BooksPaymentDraft, key: string): Promise<void> {
    const payment = {
      Invoice: { InvoiceID: draft.invoiceId },
      Account: { AccountID: draft.accountId },
      Date: draft.date,
      Amount: num(draft.amount),
      Reference: draft.reference,
    };
    await this.write('PUT', '/Payments', { Payments: [payment] }, key);
  }

  async findJournal(tag: string): Promise<BooksJournal | null> {
    const found = await this.http.request<{ ManualJournals?: XeroManualJournal[] }>(
      'GET',
      '/ManualJournals',
      {
        query: { where: `Narration.StartsWith("${tagged(tag).replace(/"/g, '\\"')}")` },
      },
    );
    const live = (found?.ManualJournals ?? []).filter(
      (j) => j.Narration?.startsWith(tagged(tag)) && (j.Status === 'POSTED' || j.Status === 'DRAFT'),
    );
    // The list may omit lines: read the journal itself.
    return live[0] ? this.getJournal(live[0].ManualJournalID) : null;
  }

  async getJournal(id: string): Promise<BooksJournal | null> {
    const found = await this.http.request<{ ManualJournals?: XeroManualJournal[] }>(
      'GET',
      `/ManualJournals/${id}`,
    );
    const journal = found?.ManualJournals?.[0];
    return journal ? toJournal(journal) : null;
  }

  async createJournal(draft: BooksJournalDraft, key: string): Promise<void> {
    const journal = {
      Narration: `${tagged(draft.tag)} ${draft.narration}`.slice(0, 4000),
      Date: draft.date,
      Status: 'POSTED',
      LineAmountTypes: 'NoTax',
      // An accrual summary (receivables): on cash-basis reports it would show revenue unpaid.
      ShowOnCashBasisReports: false,
      JournalLines: draft.lines.map((l) => ({
        LineAmount: num(l.amount),
        AccountCode: l.accountId,
        Description: l.description,
      })),
    };
    await this.write('PUT', '/ManualJournals', { ManualJournals: [journal] }, key);
  }

  async findContacts(name: string): Promise<BooksRef[]> {
    const found = await this.http.request<{ Contacts?: { ContactID: string; Name?: string }[] }>(
      'GET',
      '/Contacts',
      { query: { where: `Name=="${name.replace(/"/g, '\\"')}"` } },
    );
    return (found?.Contacts ?? []).map((c) => ({ id: c.ContactID, code: null, name: c.Name ?? '' }));
  }

  async createContact(name: string, key: string): Promise<void> {
    await this.write('PUT', '/Contacts', { Contacts: [{ Name: name }] }, key);
  }

  async mappingCandidates(kind: Exclude<MappingKind, 'customer'>): Promise<BooksRef[]> {
    if (kind === 'tax') {
      const found = await this.http.request<{
        TaxRates?: { TaxType?: string; Name?: string; Status?: string }[];
      }>('GET', '/TaxRates');
      return (found?.TaxRates ?? [])
        .filter((t) => t.TaxType && t.Status !== 'DELETED')
        .map((t) => ({ id: t.TaxType!, code: t.TaxType!, name: t.Name ?? t.TaxType! }));
    }
    const found = await this.http.request<{
      Accounts?: {
        AccountID: string;
        Code?: string;
        Name?: string;
        Status?: string;
        Type?: string;
        Class?: string;
      }[];
    }>('GET', '/Accounts');
    const live = (found?.Accounts ?? []).filter((a) => a.Status !== 'ARCHIVED');
    // Journal lines may quote any coded account of the chart.
    if (kind === 'ledger')
      return live.filter((a) => a.Code).map((a) => ({ id: a.Code!, code: a.Code!, name: a.Name ?? '' }));
    // Lines quote a revenue account's code; payments a bank account's id.
    return kind === 'account'
      ? live
          .filter(
            (a) =>
              a.Code && (a.Class === 'REVENUE' || ['REVENUE', 'SALES', 'OTHERINCOME'].includes(a.Type ?? '')),
          )
          .map((a) => ({ id: a.Code!, code: a.Code!, name: a.Name ?? '' }))
      : live
          .filter((a) => a.Type === 'BANK')
          .map((a) => ({ id: a.AccountID, code: a.Code ?? null, name: a.Name ?? '' }));
  }
}
