// QuickBooks Online Accounting API v3 over plain fetch (Intuit's documented shapes; there is no
// official OpenAPI document). Every write carries `requestid` = our ledger key (≤ 50 chars, so a
// digest when longer): Intuit answers a repeat with the original response. Updates quote the
// entity's SyncToken. Invoices are found by DocNumber before anything is created.
import { createHash } from 'node:crypto';
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

const MINOR_VERSION = '75';

interface QboRef {
  value: string;
  name?: string;
}
interface QboInvoice {
  Id: string;
  SyncToken: string;
  DocNumber?: string;
  TxnDate?: string;
  CustomerRef?: QboRef;
  TotalAmt?: number;
  Balance?: number;
  TxnTaxDetail?: { TotalTax?: number };
  PrivateNote?: string;
  Line?: { Amount?: number; Description?: string; DetailType?: string }[];
  LinkedTxn?: { TxnId: string; TxnType: string }[];
}
interface QboPayment {
  Id: string;
  TxnDate?: string;
  TotalAmt?: number;
  PrivateNote?: string;
  Line?: { Amount?: number; LinkedTxn?: { TxnId: string; TxnType: string }[] }[];
}

interface QboJournalEntry {
  Id: string;
  DocNumber?: string;
  TxnDate?: string;
  PrivateNote?: string;
  Line?: {
    Amount?: number;
    Description?: string;
    JournalEntryLineDetail?: { PostingType?: 'Debit' | 'Credit'; AccountRef?: QboRef };
  }[];
}

function toJournal(j: QboJournalEntry): BooksJournal {
  return {
    id: j.Id,
    tag: j.DocNumber ?? '',
    date: j.TxnDate ?? null,
    status: 'POSTED',
    lines: (j.Line ?? []).map((l) => {
      const amount = new Decimal(String(l.Amount ?? 0));
      const credit = l.JournalEntryLineDetail?.PostingType === 'Credit';
      return {
        accountId: l.JournalEntryLineDetail?.AccountRef?.value ?? '',
        amount: toMoneyString(credit ? amount.negated() : amount),
        description: l.Description ?? '',
      };
    }),
  };
}

const money = (n: number | undefined) => toMoneyString(new Decimal(String(n ?? 0)));
const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const VOIDED = 'Voided';

/** Intuit's requestid is at most 50 characters. */
export function qboRequestId(key: string): string {
  return key.length <= 50 ? key : createHash('sha256').update(key).digest('hex').slice(0, 50);
}

export class QboBooks implements Books {
  readonly provider = 'qbo' as const;
  constructor(private readonly http: BooksHttp) {}

  private query<T>(text: string): Promise<{ QueryResponse?: Record<string, T[] | number | undefined> }> {
    return this.http.request('GET', '/query', { query: { query: text, minorversion: MINOR_VERSION } });
  }

  private write(entity: string, body: unknown, key: string, operation?: string) {
    return this.http.request<unknown>('POST', `/${entity}`, {
      query: {
        requestid: qboRequestId(key),
        minorversion: MINOR_VERSION,
        ...(operation ? { operation } : {}),
      },
      body,
    });
  }

  private async toInvoice(x: QboInvoice): Promise<BooksInvoice> {
    const total = new Decimal(String(x.TotalAmt ?? 0));
    const tax = new Decimal(String(x.TxnTaxDetail?.TotalTax ?? 0));
    const balance = new Decimal(String(x.Balance ?? 0));
    const paymentIds = (x.LinkedTxn ?? []).filter((l) => l.TxnType === 'Payment').map((l) => l.TxnId);
    const payments: BooksPayment[] = [];
    if (paymentIds.length) {
      const found = await this.query<QboPayment>(
        `select * from Payment where Id in (${paymentIds.map(quote).join(', ')})`,
      );
      for (const p of (found.QueryResponse?.Payment as QboPayment[] | undefined) ?? []) {
        const applied = (p.Line ?? [])
          .filter((l) => (l.LinkedTxn ?? []).some((t) => t.TxnType === 'Invoice' && t.TxnId === x.Id))
          .reduce((s, l) => s.plus(String(l.Amount ?? 0)), new Decimal(0));
        payments.push({
          id: p.Id,
          invoiceId: x.Id,
          amount: toMoneyString(applied),
          date: p.TxnDate ?? null,
          reference: p.PrivateNote ?? null,
          status: 'AUTHORISED',
        });
      }
    }
    return {
      id: x.Id,
      number: x.DocNumber ?? '',
      status: x.PrivateNote?.startsWith(VOIDED)
        ? 'VOIDED'
        : balance.isZero() && !total.isZero()
          ? 'Paid'
          : 'Open',
      contactId: x.CustomerRef?.value ?? null,
      subTotal: toMoneyString(total.minus(tax)),
      totalTax: toMoneyString(tax),
      total: toMoneyString(total),
      amountDue: toMoneyString(balance),
      amountPaid: toMoneyString(total.minus(balance)),
      date: x.TxnDate ?? null,
      version: x.SyncToken,
      lines: (x.Line ?? [])
        .filter((l) => l.DetailType === 'SalesItemLineDetail')
        .map((l) => ({ description: l.Description ?? '', lineAmount: money(l.Amount), taxAmount: '0.00' })),
      payments,
    };
  }

  async findInvoiceByNumber(number: string): Promise<BooksInvoice | null> {
    const found = await this.query<QboInvoice>(`select * from Invoice where DocNumber = ${quote(number)}`);
    const live = ((found.QueryResponse?.Invoice as QboInvoice[] | undefined) ?? []).filter(
      (i) => i.DocNumber === number && !i.PrivateNote?.startsWith(VOIDED),
    );
    return live[0] ? this.toInvoice(live[0]) : null;
  }

  async getInvoice(id: string): Promise<BooksInvoice | null> {
    const found = await this.http.request<{ Invoice?: QboInvoice }>('GET', `/invoice/${id}`, {
      query: { minorversion: MINOR_VERSION },
    });
    return found?.Invoice ? this.toInvoice(found.Invoice) : null;
  }

  async listInvoices(query: { page: number; modifiedSince?: Date | null }): Promise<BooksInvoice[]> {
    const where = query.modifiedSince
      ? ` where MetaData.LastUpdatedTime > '${query.modifiedSince.toISOString()}'`
      : '';
    const found = await this.query<QboInvoice>(
      `select * from Invoice${where} startposition ${(query.page - 1) * 100 + 1} maxresults 100`,
    );
    return Promise.all(
      ((found.QueryResponse?.Invoice as QboInvoice[] | undefined) ?? []).map((i) => this.toInvoice(i)),
    );
  }

  private body(draft: BooksInvoiceDraft) {
    return {
      DocNumber: draft.number,
      TxnDate: draft.date,
      DueDate: draft.dueDate,
      CustomerRef: { value: draft.contactId },
      PrivateNote: draft.reference,
      // Line items quote an item (its income account) and TAX/NON; the tax amount is ServiceTitan's
      // and given explicitly, which Automated Sales Tax honours.
      Line: draft.lines.map((l) => ({
        DetailType: 'SalesItemLineDetail',
        Amount: Number(l.lineAmount),
        Description: l.description,
        SalesItemLineDetail: {
          ItemRef: { value: l.accountCode },
          Qty: Number(l.quantity),
          UnitPrice: Number(l.unitAmount),
          TaxCodeRef: { value: l.taxType },
        },
      })),
      TxnTaxDetail: { TotalTax: Number(draft.totalTax) },
    };
  }

  async createInvoice(draft: BooksInvoiceDraft, key: string): Promise<void> {
    await this.write('invoice', this.body(draft), key);
  }

  async updateInvoice(existing: BooksInvoice, draft: BooksInvoiceDraft, key: string): Promise<void> {
    await this.write(
      'invoice',
      { ...this.body(draft), Id: existing.id, SyncToken: existing.version, sparse: false },
      key,
    );
  }

  async voidInvoice(existing: BooksInvoice, key: string): Promise<void> {
    await this.write('invoice', { Id: existing.id, SyncToken: existing.version }, key, 'void');
  }

  async createPayment(draft: BooksPaymentDraft, key: string): Promise<void> {
    if (!draft.contactId) throw new Error('a QuickBooks payment needs the invoice customer');
    await this.write(
      'payment',
      {
        CustomerRef: { value: draft.contactId },
        TotalAmt: Number(draft.amount),
        TxnDate: draft.date,
        PrivateNote: draft.reference,
        DepositToAccountRef: { value: draft.accountId },
        Line: [{ Amount: Number(draft.amount), LinkedTxn: [{ TxnId: draft.invoiceId, TxnType: 'Invoice' }] }],
      },
      key,
    );
  }

  async findJournal(tag: string): Promise<BooksJournal | null> {
    const found = await this.query<QboJournalEntry>(
      `select * from JournalEntry where DocNumber = ${quote(tag)}`,
    );
    const row = ((found.QueryResponse?.JournalEntry as QboJournalEntry[] | undefined) ?? []).find(
      (j) => j.DocNumber === tag,
    );
    return row ? toJournal(row) : null;
  }

  async getJournal(id: string): Promise<BooksJournal | null> {
    const found = await this.http.request<{ JournalEntry?: QboJournalEntry }>('GET', `/journalentry/${id}`, {
      query: { minorversion: MINOR_VERSION },
    });
    return found?.JournalEntry ? toJournal(found.JournalEntry) : null;
  }

  async createJournal(draft: BooksJournalDraft, key: string): Promise<void> {
    await this.write(
      'journalentry',
      {
        DocNumber: draft.tag,
        TxnDate: draft.date,
        PrivateNote: draft.narration.slice(0, 4000),
        // QuickBooks amounts are positive; the side is the posting type.
        Line: draft.lines.map((l) => {
          const amount = new Decimal(l.amount);
          return {
            DetailType: 'JournalEntryLineDetail',
            Amount: Number(toMoneyString(amount.abs())),
            Description: l.description,
            JournalEntryLineDetail: {
              PostingType: amount.isNegative() ? 'Credit' : 'Debit',
              AccountRef: { value: l.accountId },
            },
          };
        }),
      },
      key,
    );
  }

  async findContacts(name: string): Promise<BooksRef[]> {
    const found = await this.query<{ Id: string; DisplayName?: string }>(
      `select * from Customer where DisplayName = ${quote(name)}`,
    );
    return ((found.QueryResponse?.Customer as { Id: string; DisplayName?: string }[] | undefined) ?? []).map(
      (c) => ({
        id: c.Id,
        code: null,
        name: c.DisplayName ?? '',
      }),
    );
  }

  async createContact(name: string, key: string): Promise<void> {
    await this.write('customer', { DisplayName: name }, key);
  }

  async mappingCandidates(kind: Exclude<MappingKind, 'customer'>): Promise<BooksRef[]> {
    if (kind === 'account') {
      const found = await this.query<{ Id: string; Name?: string; Active?: boolean }>(
        "select * from Item where Type in ('Service', 'NonInventory', 'Inventory')",
      );
      return (
        (found.QueryResponse?.Item as { Id: string; Name?: string; Active?: boolean }[] | undefined) ?? []
      )
        .filter((i) => i.Active !== false)
        .map((i) => ({ id: i.Id, code: null, name: i.Name ?? '' }));
    }
    if (kind === 'tax') {
      const found = await this.query<{ Id: string; Name?: string; Active?: boolean }>(
        'select * from TaxCode',
      );
      return (
        (found.QueryResponse?.TaxCode as { Id: string; Name?: string; Active?: boolean }[] | undefined) ?? []
      )
        .filter((t) => t.Active !== false)
        .map((t) => ({ id: t.Id, code: t.Id, name: t.Name ?? t.Id }));
    }
    // Journal lines may quote any account; payments a bank or current-asset one.
    const found = await this.query<{ Id: string; Name?: string; AccountType?: string; AcctNum?: string }>(
      kind === 'ledger'
        ? 'select * from Account maxresults 1000'
        : "select * from Account where AccountType in ('Bank', 'Other Current Asset')",
    );
    return (
      (found.QueryResponse?.Account as { Id: string; Name?: string; AcctNum?: string }[] | undefined) ?? []
    ).map((a) => ({ id: a.Id, code: a.AcctNum ?? null, name: a.Name ?? '' }));
  }
}
