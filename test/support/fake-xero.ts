// A local fake of the Xero Accounting API (shapes from the official XeroAPI/Xero-OpenAPI
// xero_accounting.yaml in ../shared/accounting/xero): invoices (ACCREC), payments, contacts,
// accounts, tax rates, manual journals; the xero-tenant-id header; Idempotency-Key on writes
// (a repeat returns the first answer); Xero's limits (60/min, 5 concurrent, 5,000/day per
// organisation → 429 + Retry-After, X-Rate-Limit-Problem); OAuth 2.0 with rotating refresh
// tokens and /connections; and faults after commit (fake-books-common.ts).
import { randomUUID } from 'node:crypto';
import { Decimal, toMoneyString } from '@invoicer/core';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import {
  answer,
  type BooksFakeState,
  bearerOk,
  type CallRecord,
  FakeLimiter,
  newState,
  registerOAuth,
} from './fake-books-common.ts';

export interface XeroLine {
  Description: string;
  Quantity: number;
  UnitAmount: number;
  LineAmount: number;
  AccountCode: string;
  TaxType: string;
  TaxAmount: number;
  ItemCode?: string;
}
export interface XeroInvoiceRecord {
  InvoiceID: string;
  Type: 'ACCREC';
  InvoiceNumber: string;
  Reference: string;
  Status: string;
  Contact: { ContactID: string; Name: string };
  Date: string;
  DueDate: string;
  LineAmountTypes: string;
  LineItems: XeroLine[];
  SubTotal: number;
  TotalTax: number;
  Total: number;
  AmountPaid: number;
  AmountDue: number;
  updated: number;
  /** When the API created it (0 for seeded ones): the search lag counts from here. */
  created: number;
}
export interface XeroPaymentRecord {
  PaymentID: string;
  InvoiceID: string;
  AccountID: string;
  Date: string;
  Amount: number;
  Reference: string;
  Status: string;
}

export interface FakeXero {
  url: string;
  /** API base, e.g. http://127.0.0.1:port/api.xro/2.0 */
  apiUrl: string;
  endpoints: {
    authorizeUrl: string;
    tokenUrl: string;
    apiUrl: string;
    connectionsUrl: string;
    scope: string;
  };
  organisationId: string;
  state: BooksFakeState;
  invoices: Map<string, XeroInvoiceRecord>;
  payments: Map<string, XeroPaymentRecord>;
  contacts: Map<string, { ContactID: string; Name: string }>;
  accounts: { AccountID: string; Code: string; Name: string; Type: string; Status: string }[];
  taxRates: { TaxType: string; Name: string; Status: string; EffectiveRate: number }[];
  journals: Map<
    string,
    {
      ManualJournalID: string;
      Narration: string;
      Date: string;
      Status: string;
      JournalLines: { LineAmount: number; AccountCode: string; Description?: string }[];
      LineAmountTypes: string;
      ShowOnCashBasisReports: boolean;
      updated: number;
    }
  >;
  /** Our journal tags ("[tag] …" narrations) present more than once among live journals. */
  journalDuplicates(): string[];
  /** Put an invoice in the books as another integration would (no API call, no limits). */
  seedInvoice(input: {
    number: string;
    contact: string;
    date: string;
    subTotal: string;
    tax: string;
    paid?: string;
  }): XeroInvoiceRecord;
  /** New invoices stay out of GET /Invoices lists for this long (Xero's search lag). */
  searchLagMs: number;
  /** Invoice numbers present more than once (live ones): must stay empty. */
  duplicates(): string[];
  calls: CallRecord[];
  close(): Promise<void>;
}

const msDate = (ymd: string) => `/Date(${Date.parse(`${ymd}T00:00:00Z`)}+0000)/`;
const dec = (n: unknown) => new Decimal(String(n ?? 0));
const two = (d: Decimal) => Number(toMoneyString(d));

export async function startFakeXero(
  options: { limits?: Partial<BooksFakeState['limits']> } = {},
): Promise<FakeXero> {
  const state = newState({
    windowMs: 60_000,
    perMinute: 60,
    perDay: 5000,
    concurrent: 5,
    retryAfterS: 1,
    ...options.limits,
  });
  const app = Fastify({ logger: false });
  const organisationId = randomUUID();
  const limiter = new FakeLimiter(state);
  const idempotency = new Map<string, { status: number; body: unknown }>();
  const invoices = new Map<string, XeroInvoiceRecord>();
  const payments = new Map<string, XeroPaymentRecord>();
  const contacts = new Map<string, { ContactID: string; Name: string }>();
  const journals: FakeXero['journals'] = new Map();
  const accounts = [
    { AccountID: randomUUID(), Code: '200', Name: 'Sales', Type: 'REVENUE', Status: 'ACTIVE' },
    { AccountID: randomUUID(), Code: '210', Name: 'Service Revenue', Type: 'REVENUE', Status: 'ACTIVE' },
    { AccountID: randomUUID(), Code: '220', Name: 'Material Sales', Type: 'REVENUE', Status: 'ACTIVE' },
    { AccountID: randomUUID(), Code: '090', Name: 'Checking Account', Type: 'BANK', Status: 'ACTIVE' },
    { AccountID: randomUUID(), Code: '091', Name: 'Card Clearing', Type: 'BANK', Status: 'ACTIVE' },
    { AccountID: randomUUID(), Code: '610', Name: 'Accounts Receivable', Type: 'CURRENT', Status: 'ACTIVE' },
    { AccountID: randomUUID(), Code: '615', Name: 'Undeposited Funds', Type: 'CURRENT', Status: 'ACTIVE' },
    { AccountID: randomUUID(), Code: '820', Name: 'Sales Tax Payable', Type: 'CURRLIAB', Status: 'ACTIVE' },
    { AccountID: randomUUID(), Code: '835', Name: 'Customer Deposits', Type: 'CURRLIAB', Status: 'ACTIVE' },
  ];
  const taxRates = [
    { TaxType: 'OUTPUT', Name: 'Sales Tax on Income', Status: 'ACTIVE', EffectiveRate: 6.25 },
    { TaxType: 'NONE', Name: 'Tax Exempt', Status: 'ACTIVE', EffectiveRate: 0 },
  ];

  registerOAuth(app, state, { authorize: '/identity/connect/authorize', token: '/identity/connect/token' });
  app.get('/connections', async (request, reply) => {
    if (!bearerOk(state, request)) return reply.code(401).send({ Title: 'Unauthorized' });
    return [
      {
        id: randomUUID(),
        tenantId: organisationId,
        tenantType: 'ORGANISATION',
        tenantName: 'Fake Plumbing Co',
      },
    ];
  });

  const view = (i: XeroInvoiceRecord, full: boolean) => ({
    Type: i.Type,
    InvoiceID: i.InvoiceID,
    InvoiceNumber: i.InvoiceNumber,
    Reference: i.Reference,
    Contact: i.Contact,
    Date: msDate(i.Date),
    DateString: `${i.Date}T00:00:00`,
    DueDate: msDate(i.DueDate),
    DueDateString: `${i.DueDate}T00:00:00`,
    Status: i.Status,
    LineAmountTypes: i.LineAmountTypes,
    LineItems: full ? i.LineItems.map((l) => ({ ...l, LineItemID: randomUUID() })) : [],
    SubTotal: i.SubTotal,
    TotalTax: i.TotalTax,
    Total: i.Total,
    AmountDue: i.AmountDue,
    AmountPaid: i.AmountPaid,
    AmountCredited: 0,
    CurrencyCode: 'USD',
    UpdatedDateUTC: `/Date(${i.updated}+0000)/`,
    Payments: full
      ? [...payments.values()]
          .filter((p) => p.InvoiceID === i.InvoiceID)
          .map((p) => ({
            PaymentID: p.PaymentID,
            Date: msDate(p.Date),
            Amount: p.Amount,
            Reference: p.Reference,
            Status: p.Status,
          }))
      : [],
    HasAttachments: false,
    IsDiscounted: false,
  });
  const ok = (extra: Record<string, unknown>) => ({
    Id: randomUUID(),
    Status: 'OK',
    ProviderName: 'st-invoicer',
    DateTimeUTC: `/Date(${Date.now()})/`,
    ...extra,
  });
  const invalid = (message: string) => ({
    status: 400,
    body: {
      ErrorNumber: 10,
      Type: 'ValidationException',
      Message: 'A validation exception occurred',
      Elements: [{ ValidationErrors: [{ Message: message }] }],
    },
  });

  function upsertInvoice(
    body: Record<string, unknown>,
    existing: XeroInvoiceRecord | null,
  ): { status: number; body: unknown } {
    if (existing && body.Status === 'VOIDED') {
      if (existing.AmountPaid > 0)
        return invalid('Invoice not of valid status for modification: it has payments');
      existing.Status = 'VOIDED';
      existing.updated = Date.now();
      return { status: 200, body: ok({ Invoices: [view(existing, true)] }) };
    }
    if (existing && existing.Status !== 'DRAFT' && existing.Status !== 'SUBMITTED' && existing.AmountPaid > 0)
      return invalid('This document cannot be edited as it has a payment or credit note allocated to it.');
    const contactId = (body.Contact as { ContactID?: string } | undefined)?.ContactID;
    const contact = contactId ? contacts.get(contactId) : undefined;
    if (!contact) return invalid('A Contact must be specified with this type of transaction');
    const lines = (body.LineItems as XeroLine[] | undefined) ?? [];
    if (!lines.length) return invalid('Invoices must have at least one line item');
    for (const l of lines) {
      if (!accounts.some((a) => a.Code === l.AccountCode))
        return invalid(`Account code '${l.AccountCode}' is not a valid code`);
      if (!taxRates.some((t) => t.TaxType === l.TaxType))
        return invalid(`The TaxType code '${l.TaxType}' does not exist`);
      const product = dec(l.Quantity).times(dec(l.UnitAmount)).toDecimalPlaces(2);
      if (!product.equals(dec(l.LineAmount)))
        return invalid('The line total does not match Quantity x UnitAmount');
    }
    const subTotal = lines.reduce((s, l) => s.plus(dec(l.LineAmount)), new Decimal(0));
    const tax = lines.reduce((s, l) => s.plus(dec(l.TaxAmount)), new Decimal(0));
    const record: XeroInvoiceRecord = {
      InvoiceID: existing?.InvoiceID ?? randomUUID(),
      Type: 'ACCREC',
      InvoiceNumber: String(body.InvoiceNumber ?? existing?.InvoiceNumber ?? `INV-${invoices.size + 1}`),
      Reference: String(body.Reference ?? ''),
      Status: String(body.Status ?? 'DRAFT'),
      Contact: contact,
      Date: String(body.Date),
      DueDate: String(body.DueDate ?? body.Date),
      LineAmountTypes: String(body.LineAmountTypes ?? 'Exclusive'),
      LineItems: lines,
      SubTotal: two(subTotal),
      TotalTax: two(tax),
      Total: two(subTotal.plus(tax)),
      AmountPaid: existing?.AmountPaid ?? 0,
      AmountDue: two(subTotal.plus(tax).minus(dec(existing?.AmountPaid ?? 0))),
      updated: Date.now(),
      created: existing?.created ?? Date.now(),
    };
    invoices.set(record.InvoiceID, record);
    return { status: 200, body: ok({ Invoices: [view(record, true)] }) };
  }

  const api = '/api.xro/2.0';
  const handle =
    (write: boolean, run: (request: FastifyRequest) => { status: number; body: unknown }) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const path = (request.routeOptions.url ?? request.url).replace(api, '');
      const record: CallRecord = {
        at: Date.now(),
        method: request.method,
        path: request.url.split('?')[0]!.replace(api, ''),
        query: request.query as Record<string, string>,
        headers: {
          'xero-tenant-id': String(request.headers['xero-tenant-id'] ?? ''),
          'idempotency-key': String(request.headers['idempotency-key'] ?? ''),
        },
        body: request.body,
        status: 0,
        response: null,
      };
      state.calls.push(record);
      if (!bearerOk(state, request)) {
        record.status = 401;
        return reply
          .code(401)
          .send({ Type: null, Title: 'Unauthorized', Status: 401, Detail: 'AuthenticationUnsuccessful' });
      }
      if (request.headers['xero-tenant-id'] !== organisationId) {
        record.status = 403;
        return reply.code(403).send({ Title: 'Forbidden', Detail: 'AuthorizationUnsuccessful' });
      }
      const problem = limiter.enter();
      if (problem) {
        state.stats.throttled += 1;
        record.status = 429;
        return reply
          .code(429)
          .header('Retry-After', String(state.limits.retryAfterS))
          .header('X-Rate-Limit-Problem', problem)
          .send('Rate limit exceeded');
      }
      try {
        // Some latency, so concurrency is real.
        await new Promise((r) => setTimeout(r, state.latencyMs));
        const key = write ? String(request.headers['idempotency-key'] ?? '') : '';
        const replayed = key ? idempotency.get(key) : undefined;
        if (replayed) state.stats.idempotentReplays += 1;
        const result = replayed ?? run(request);
        if (key && !replayed && result.status < 500) idempotency.set(key, result);
        record.status = result.status;
        record.response = result.body;
        return await answer(state, reply, request.method, path, result.status, result.body, write);
      } finally {
        limiter.leave();
      }
    };

  app.get(
    `${api}/Invoices`,
    handle(false, (request) => {
      const q = request.query as Record<string, string>;
      let rows = [...invoices.values()].filter((i) => i.created + fake.searchLagMs <= Date.now());
      if (q.InvoiceNumbers) {
        const numbers = new Set(q.InvoiceNumbers.split(',').map((s) => s.trim()));
        rows = rows.filter((i) => numbers.has(i.InvoiceNumber));
      }
      if (q.Statuses) {
        const statuses = new Set(q.Statuses.split(','));
        rows = rows.filter((i) => statuses.has(i.Status));
      }
      const since = request.headers['if-modified-since'];
      if (since) rows = rows.filter((i) => i.updated > Date.parse(String(since)));
      const page = Number(q.page ?? 0);
      const size = Math.min(1000, Number(q.pageSize ?? 100));
      if (page > 0) rows = rows.slice((page - 1) * size, page * size);
      return { status: 200, body: ok({ Invoices: rows.map((i) => view(i, false)) }) };
    }),
  );
  app.get(
    `${api}/Invoices/:id`,
    handle(false, (request) => {
      const i = invoices.get((request.params as { id: string }).id);
      if (!i) return { status: 404, body: { Title: 'Resource Not Found', Status: 404 } };
      return { status: 200, body: ok({ Invoices: [view(i, true)] }) };
    }),
  );
  app.put(
    `${api}/Invoices`,
    handle(true, (request) => {
      const body = (request.body as { Invoices?: Record<string, unknown>[] })?.Invoices?.[0];
      if (!body) return invalid('No invoice in the request');
      if (body.Type !== 'ACCREC') return invalid('Type must be ACCREC for this fake');
      return upsertInvoice(body, null);
    }),
  );
  app.post(
    `${api}/Invoices/:id`,
    handle(true, (request) => {
      const existing = invoices.get((request.params as { id: string }).id);
      if (!existing) return { status: 404, body: { Title: 'Resource Not Found', Status: 404 } };
      const body = (request.body as { Invoices?: Record<string, unknown>[] })?.Invoices?.[0] ?? {};
      return upsertInvoice(
        { ...body, InvoiceNumber: body.InvoiceNumber ?? existing.InvoiceNumber },
        existing,
      );
    }),
  );
  app.put(
    `${api}/Payments`,
    handle(true, (request) => {
      const body = (request.body as { Payments?: Record<string, unknown>[] })?.Payments?.[0];
      const invoice = invoices.get(
        String((body?.Invoice as { InvoiceID?: string } | undefined)?.InvoiceID ?? ''),
      );
      if (!body || !invoice) return invalid('Invoice could not be found');
      if (invoice.Status !== 'AUTHORISED')
        return invalid('Payment can only be made against Authorised documents');
      const account = accounts.find(
        (a) => a.AccountID === (body.Account as { AccountID?: string })?.AccountID,
      );
      if (account?.Type !== 'BANK') return invalid('Account must be a bank account or enabled for payments');
      const amount = dec(body.Amount);
      if (amount.lte(0) || amount.gt(dec(invoice.AmountDue)))
        return invalid('Payment amount exceeds the amount outstanding on this document');
      const payment: XeroPaymentRecord = {
        PaymentID: randomUUID(),
        InvoiceID: invoice.InvoiceID,
        AccountID: account.AccountID,
        Date: String(body.Date),
        Amount: two(amount),
        Reference: String(body.Reference ?? ''),
        Status: 'AUTHORISED',
      };
      payments.set(payment.PaymentID, payment);
      invoice.AmountPaid = two(dec(invoice.AmountPaid).plus(amount));
      invoice.AmountDue = two(dec(invoice.Total).minus(dec(invoice.AmountPaid)));
      if (invoice.AmountDue === 0) invoice.Status = 'PAID';
      invoice.updated = Date.now();
      return {
        status: 200,
        body: ok({
          Payments: [
            {
              ...payment,
              Date: msDate(payment.Date),
              Invoice: { InvoiceID: invoice.InvoiceID, InvoiceNumber: invoice.InvoiceNumber },
              Account: { AccountID: account.AccountID, Code: account.Code },
              PaymentType: 'ACCRECPAYMENT',
            },
          ],
        }),
      };
    }),
  );
  app.get(
    `${api}/Contacts`,
    handle(false, (request) => {
      const where = (request.query as Record<string, string>).where ?? '';
      const name = /^Name=="(.*)"$/.exec(where)?.[1]?.replace(/\\"/g, '"');
      const rows = [...contacts.values()].filter(
        (c) => name === undefined || c.Name.toLowerCase() === name.toLowerCase(),
      );
      return { status: 200, body: ok({ Contacts: rows.map((c) => ({ ...c, ContactStatus: 'ACTIVE' })) }) };
    }),
  );
  app.put(
    `${api}/Contacts`,
    handle(true, (request) => {
      const body = (request.body as { Contacts?: { Name?: string }[] })?.Contacts?.[0];
      if (!body?.Name) return invalid('The contact name must be specified');
      if ([...contacts.values()].some((c) => c.Name.toLowerCase() === body.Name!.toLowerCase()))
        return invalid(
          'The contact name is already assigned to another contact. The contact name must be unique across all active contacts.',
        );
      const contact = { ContactID: randomUUID(), Name: body.Name };
      contacts.set(contact.ContactID, contact);
      return { status: 200, body: ok({ Contacts: [{ ...contact, ContactStatus: 'ACTIVE' }] }) };
    }),
  );
  app.get(
    `${api}/Accounts`,
    handle(false, () => ({ status: 200, body: ok({ Accounts: accounts }) })),
  );
  app.get(
    `${api}/TaxRates`,
    handle(false, () => ({ status: 200, body: ok({ TaxRates: taxRates }) })),
  );
  const journalView = (j: FakeXero['journals'] extends Map<string, infer J> ? J : never) => ({
    ManualJournalID: j.ManualJournalID,
    Narration: j.Narration,
    Date: msDate(j.Date),
    Status: j.Status,
    LineAmountTypes: j.LineAmountTypes,
    ShowOnCashBasisReports: j.ShowOnCashBasisReports,
    HasAttachments: false,
    UpdatedDateUTC: `/Date(${j.updated}+0000)/`,
    JournalLines: j.JournalLines.map((l) => ({
      ...l,
      JournalLineID: randomUUID(),
      TaxType: 'NONE',
      TaxAmount: 0,
    })),
  });
  app.get(
    `${api}/ManualJournals`,
    handle(false, (request) => {
      const where = (request.query as Record<string, string>).where ?? '';
      const prefix = /^Narration\.StartsWith\("(.*)"\)$/.exec(where)?.[1]?.replace(/\\"/g, '"');
      if (where && prefix === undefined) return invalid(`The where clause is not understood: ${where}`);
      const rows = [...journals.values()].filter(
        (j) => prefix === undefined || j.Narration.startsWith(prefix),
      );
      return { status: 200, body: ok({ ManualJournals: rows.map(journalView) }) };
    }),
  );
  app.get(
    `${api}/ManualJournals/:id`,
    handle(false, (request) => {
      const j = journals.get((request.params as { id: string }).id);
      if (!j) return { status: 404, body: { Title: 'Resource Not Found', Status: 404 } };
      return { status: 200, body: ok({ ManualJournals: [journalView(j)] }) };
    }),
  );
  app.put(
    `${api}/ManualJournals`,
    handle(true, (request) => {
      const body = (request.body as { ManualJournals?: Record<string, unknown>[] })?.ManualJournals?.[0];
      const lines =
        (body?.JournalLines as
          | { LineAmount: number; AccountCode: string; Description?: string }[]
          | undefined) ?? [];
      if (!body?.Narration) return invalid('Narration must be specified');
      if (lines.length < 2) return invalid('Journals must have at least two lines');
      const net = lines.reduce((s, l) => s.plus(dec(l.LineAmount)), new Decimal(0));
      if (!net.isZero()) return invalid('The total debits must equal the total credits');
      for (const l of lines) {
        if (!accounts.some((a) => a.Code === l.AccountCode))
          return invalid(`Account code '${l.AccountCode}' is not a valid code`);
        if (dec(l.LineAmount).isZero()) return invalid('Journal lines must have a non-zero amount');
        if (!dec(l.LineAmount).equals(dec(l.LineAmount).toDecimalPlaces(2)))
          return invalid('Line amounts have at most two decimal places');
      }
      const status = String(body.Status ?? 'DRAFT');
      if (!['DRAFT', 'POSTED'].includes(status)) return invalid(`A journal cannot be created ${status}`);
      const journal = {
        ManualJournalID: randomUUID(),
        Narration: String(body.Narration),
        Date: String(body.Date),
        Status: status,
        JournalLines: lines.map((l) => ({
          LineAmount: l.LineAmount,
          AccountCode: l.AccountCode,
          ...(l.Description ? { Description: l.Description } : {}),
        })),
        LineAmountTypes: String(body.LineAmountTypes ?? 'NoTax'),
        ShowOnCashBasisReports: body.ShowOnCashBasisReports !== false,
        updated: Date.now(),
      };
      journals.set(journal.ManualJournalID, journal);
      return { status: 200, body: ok({ ManualJournals: [journalView(journal)] }) };
    }),
  );

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const fake: FakeXero = {
    url,
    apiUrl: `${url}${api}`,
    endpoints: {
      authorizeUrl: `${url}/identity/connect/authorize`,
      tokenUrl: `${url}/identity/connect/token`,
      apiUrl: `${url}${api}`,
      connectionsUrl: `${url}/connections`,
      scope: 'offline_access accounting.transactions accounting.contacts accounting.settings',
    },
    organisationId,
    state,
    invoices,
    payments,
    contacts,
    accounts,
    taxRates,
    journals,
    calls: state.calls,
    searchLagMs: 0,
    seedInvoice(input) {
      let contact = [...contacts.values()].find((c) => c.Name === input.contact);
      if (!contact) {
        contact = { ContactID: randomUUID(), Name: input.contact };
        contacts.set(contact.ContactID, contact);
      }
      const sub = dec(input.subTotal);
      const tax = dec(input.tax);
      const paid = dec(input.paid ?? 0);
      const record: XeroInvoiceRecord = {
        InvoiceID: randomUUID(),
        Type: 'ACCREC',
        InvoiceNumber: input.number,
        Reference: '',
        Status: paid.equals(sub.plus(tax)) ? 'PAID' : 'AUTHORISED',
        Contact: contact,
        Date: input.date,
        DueDate: input.date,
        LineAmountTypes: 'Exclusive',
        LineItems: [
          {
            Description: 'Exported',
            Quantity: 1,
            UnitAmount: two(sub),
            LineAmount: two(sub),
            AccountCode: '200',
            TaxType: 'OUTPUT',
            TaxAmount: two(tax),
          },
        ],
        SubTotal: two(sub),
        TotalTax: two(tax),
        Total: two(sub.plus(tax)),
        AmountPaid: two(paid),
        AmountDue: two(sub.plus(tax).minus(paid)),
        updated: Date.now(),
        created: 0,
      };
      invoices.set(record.InvoiceID, record);
      return record;
    },
    duplicates() {
      const seen = new Map<string, number>();
      for (const i of invoices.values())
        if (i.Status !== 'VOIDED' && i.Status !== 'DELETED')
          seen.set(i.InvoiceNumber, (seen.get(i.InvoiceNumber) ?? 0) + 1);
      return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
    },
    journalDuplicates() {
      const seen = new Map<string, number>();
      for (const j of journals.values()) {
        const tag = /^\[([^\]]+)\]/.exec(j.Narration)?.[1];
        if (tag && j.Status !== 'VOIDED' && j.Status !== 'DELETED') seen.set(tag, (seen.get(tag) ?? 0) + 1);
      }
      return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
    },
    async close() {
      await app.close();
    },
  };
  return fake;
}
