// A local fake of the QuickBooks Online Accounting API v3, from Intuit's documented behaviour
// (no official OpenAPI exists): /query with a small SQL subset, invoice/payment/customer
// create, invoice sparse update guarded by SyncToken (stale → 400 code 5010) and void;
// `requestid` replay returns the original response; 500 calls/minute and 10 concurrent per
// company → 429; OAuth 2.0 with realmId on the redirect; faults after commit.
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

type Row = Record<string, unknown> & { Id: string };

export interface FakeQbo {
  url: string;
  realmId: string;
  endpoints: { authorizeUrl: string; tokenUrl: string; apiUrl: string; scope: string };
  state: BooksFakeState;
  tables: Record<
    'Invoice' | 'Payment' | 'Customer' | 'Item' | 'TaxCode' | 'Account' | 'JournalEntry',
    Map<string, Row>
  >;
  duplicates(): string[];
  /** Journal DocNumbers present more than once. */
  journalDuplicates(): string[];
  calls: CallRecord[];
  close(): Promise<void>;
}

const dec = (n: unknown) => new Decimal(String(n ?? 0));
const two = (d: Decimal) => Number(toMoneyString(d));
const fault = (status: number, code: string, message: string) => ({
  status,
  body: {
    Fault: { Error: [{ Message: message, Detail: message, code }], type: 'ValidationFault' },
    time: new Date().toISOString(),
  },
});

/** `select * from Entity [where Field op value] [startposition n] [maxresults m]` */
export function runQuery(tables: FakeQbo['tables'], text: string): Record<string, unknown> {
  const m = /^select \* from (\w+)(?: where (.+?))?(?: startposition (\d+))?(?: maxresults (\d+))?$/i.exec(
    text.trim(),
  );
  if (!m) throw new Error(`unsupported query: ${text}`);
  const entity = m[1] as keyof FakeQbo['tables'];
  let rows = [...(tables[entity]?.values() ?? [])];
  if (m[2]) {
    const w = /^([\w.]+) (=|in|>) (.+)$/i.exec(m[2]);
    if (!w) throw new Error(`unsupported where: ${m[2]}`);
    const values = [...w[3]!.matchAll(/'((?:\\'|[^'])*)'/g)].map((v) => v[1]!.replace(/\\'/g, "'"));
    const field = (r: Row) =>
      w[1]!.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], r);
    rows = rows.filter((r) =>
      w[2] === '>' ? String(field(r)) > values[0]! : values.includes(String(field(r))),
    );
  }
  const start = Number(m[3] ?? 1);
  const max = Number(m[4] ?? 100);
  rows = rows.slice(start - 1, start - 1 + max);
  return {
    QueryResponse: { [entity]: rows, startPosition: start, maxResults: rows.length },
    time: new Date().toISOString(),
  };
}

const READABLE: Record<string, 'Invoice' | 'JournalEntry'> = {
  invoice: 'Invoice',
  journalentry: 'JournalEntry',
};

export async function startFakeQbo(
  options: { limits?: Partial<BooksFakeState['limits']> } = {},
): Promise<FakeQbo> {
  const state = newState({
    windowMs: 60_000,
    perMinute: 500,
    perDay: 1_000_000,
    concurrent: 10,
    retryAfterS: 1,
    ...options.limits,
  });
  const realmId = String(9_130_000_000_000_000 + Math.floor(Math.random() * 1e9));
  const app = Fastify({ logger: false });
  const limiter = new FakeLimiter(state);
  const replays = new Map<string, { status: number; body: unknown }>();
  const tables: FakeQbo['tables'] = {
    Invoice: new Map(),
    Payment: new Map(),
    Customer: new Map(),
    Item: new Map(),
    TaxCode: new Map(),
    Account: new Map(),
    JournalEntry: new Map(),
  };
  let nextId = 100;
  const id = () => String(++nextId);
  for (const [Name, Type] of [
    ['Services', 'Service'],
    ['Materials', 'NonInventory'],
    ['Equipment', 'Inventory'],
  ] as const)
    tables.Item.set(id(), { Id: String(nextId), Name, Type, Active: true });
  tables.TaxCode.set('TAX', { Id: 'TAX', Name: 'TAX', Active: true });
  tables.TaxCode.set('NON', { Id: 'NON', Name: 'NON', Active: true });
  for (const [Name, AccountType] of [
    ['Checking', 'Bank'],
    ['Undeposited Funds', 'Other Current Asset'],
    ['Sales of Product Income', 'Income'],
    ['Services Income', 'Income'],
    ['Accounts Receivable (A/R)', 'Accounts Receivable'],
    ['Sales Tax Payable', 'Other Current Liability'],
    ['Customer Deposits', 'Other Current Liability'],
  ] as const)
    tables.Account.set(id(), { Id: String(nextId), Name, AccountType });

  registerOAuth(app, state, { authorize: '/connect/oauth2', token: '/oauth2/v1/tokens/bearer' }, () => ({
    realmId,
  }));

  function saveInvoice(
    body: Record<string, unknown>,
    existing: Row | null,
  ): { status: number; body: unknown } {
    const customer = tables.Customer.get(String((body.CustomerRef as { value?: string } | undefined)?.value));
    if (!customer) return fault(400, '2500', 'Invalid Reference Id: CustomerRef');
    const lines =
      (body.Line as
        | {
            Amount: number;
            SalesItemLineDetail?: {
              ItemRef?: { value?: string };
              Qty?: number;
              UnitPrice?: number;
              TaxCodeRef?: { value?: string };
            };
          }[]
        | undefined) ?? [];
    for (const l of lines) {
      const d = l.SalesItemLineDetail;
      if (!d?.ItemRef?.value || !tables.Item.has(d.ItemRef.value))
        return fault(400, '2500', 'Invalid Reference Id: ItemRef');
      if (!tables.TaxCode.has(d.TaxCodeRef?.value ?? ''))
        return fault(400, '2500', 'Invalid Reference Id: TaxCodeRef');
      if (!dec(d.Qty).times(dec(d.UnitPrice)).toDecimalPlaces(2).equals(dec(l.Amount)))
        return fault(400, '6070', 'Amount is not equal to UnitPrice * Qty');
    }
    const sub = lines.reduce((s, l) => s.plus(dec(l.Amount)), new Decimal(0));
    const tax = dec((body.TxnTaxDetail as { TotalTax?: number } | undefined)?.TotalTax);
    const paid = existing ? dec(existing.TotalAmt).minus(dec(existing.Balance)) : new Decimal(0);
    const row: Row = {
      ...(existing ?? {}),
      ...body,
      Id: existing?.Id ?? id(),
      SyncToken: existing ? String(Number(existing.SyncToken) + 1) : '0',
      TotalAmt: two(sub.plus(tax)),
      Balance: two(sub.plus(tax).minus(paid)),
      TxnTaxDetail: { TotalTax: two(tax) },
      LinkedTxn: existing?.LinkedTxn ?? [],
      MetaData: { LastUpdatedTime: new Date().toISOString() },
    };
    tables.Invoice.set(row.Id, row);
    return { status: 200, body: { Invoice: row, time: new Date().toISOString() } };
  }

  const routes: Record<string, (request: FastifyRequest) => { status: number; body: unknown }> = {
    'POST invoice': (request) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const op = (request.query as Record<string, string>).operation;
      if (!body.Id) return saveInvoice(body, null);
      const existing = tables.Invoice.get(String(body.Id));
      if (!existing) return fault(400, '610', 'Object Not Found');
      if (String(body.SyncToken) !== existing.SyncToken)
        return fault(
          400,
          '5010',
          `Stale Object Error : You and another user were working on the same thing.`,
        );
      if (op === 'void') {
        Object.assign(existing, {
          PrivateNote: `Voided${existing.PrivateNote ? ` ${existing.PrivateNote}` : ''}`,
          TotalAmt: 0,
          Balance: 0,
          SyncToken: String(Number(existing.SyncToken) + 1),
        });
        return { status: 200, body: { Invoice: existing, time: new Date().toISOString() } };
      }
      return saveInvoice(body, existing);
    },
    'POST payment': (request) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (!tables.Customer.has(String((body.CustomerRef as { value?: string } | undefined)?.value)))
        return fault(400, '2500', 'Invalid Reference Id: CustomerRef');
      const lines =
        (body.Line as { Amount: number; LinkedTxn: { TxnId: string; TxnType: string }[] }[] | undefined) ??
        [];
      for (const l of lines)
        for (const t of l.LinkedTxn) {
          const invoice = tables.Invoice.get(t.TxnId);
          if (!invoice) return fault(400, '2500', 'Invalid Reference Id: LinkedTxn');
          if (dec(l.Amount).gt(dec(invoice.Balance)))
            return fault(400, '6140', 'The payment amount exceeds the balance');
        }
      const payment: Row = { ...body, Id: id(), SyncToken: '0' };
      tables.Payment.set(payment.Id, payment);
      for (const l of lines)
        for (const t of l.LinkedTxn) {
          const invoice = tables.Invoice.get(t.TxnId)!;
          invoice.Balance = two(dec(invoice.Balance).minus(dec(l.Amount)));
          invoice.LinkedTxn = [
            ...(invoice.LinkedTxn as unknown[]),
            { TxnId: payment.Id, TxnType: 'Payment' },
          ];
          invoice.SyncToken = String(Number(invoice.SyncToken) + 1);
        }
      return { status: 200, body: { Payment: payment, time: new Date().toISOString() } };
    },
    'POST journalentry': (request) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const lines =
        (body.Line as
          | {
              Amount?: number;
              DetailType?: string;
              JournalEntryLineDetail?: { PostingType?: string; AccountRef?: { value?: string } };
            }[]
          | undefined) ?? [];
      if (lines.length < 2) return fault(400, '2020', 'Required param missing: Line (two or more)');
      let net = new Decimal(0);
      for (const l of lines) {
        const d = l.JournalEntryLineDetail;
        if (l.DetailType !== 'JournalEntryLineDetail' || !d)
          return fault(400, '2020', 'Required param missing: JournalEntryLineDetail');
        if (!tables.Account.has(d.AccountRef?.value ?? ''))
          return fault(400, '2500', 'Invalid Reference Id: AccountRef');
        if (d.PostingType !== 'Debit' && d.PostingType !== 'Credit')
          return fault(400, '2020', 'Required param missing: PostingType');
        if (dec(l.Amount).lte(0)) return fault(400, '6000', 'Line amounts must be positive');
        net = d.PostingType === 'Debit' ? net.plus(dec(l.Amount)) : net.minus(dec(l.Amount));
      }
      if (!net.isZero())
        return fault(400, '6000', 'Journal Entry Must Balance: debits and credits are not equal');
      if (String(body.DocNumber ?? '').length > 21)
        return fault(
          400,
          '6000',
          'String length is either shorter or longer than supported by specification',
        );
      const entry: Row = {
        ...body,
        Id: id(),
        SyncToken: '0',
        TotalAmt: two(
          lines
            .filter((l) => l.JournalEntryLineDetail?.PostingType === 'Debit')
            .reduce((s, l) => s.plus(dec(l.Amount)), new Decimal(0)),
        ),
        MetaData: { LastUpdatedTime: new Date().toISOString() },
      };
      tables.JournalEntry.set(entry.Id, entry);
      return { status: 200, body: { JournalEntry: entry, time: new Date().toISOString() } };
    },
    'POST customer': (request) => {
      const name = String((request.body as { DisplayName?: string })?.DisplayName ?? '');
      if (!name) return fault(400, '2020', 'Required param missing: DisplayName');
      if ([...tables.Customer.values()].some((c) => c.DisplayName === name))
        return fault(400, '6240', 'Duplicate Name Exists Error');
      const customer: Row = { Id: id(), DisplayName: name, SyncToken: '0', Active: true };
      tables.Customer.set(customer.Id, customer);
      return { status: 200, body: { Customer: customer, time: new Date().toISOString() } };
    },
  };

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = request.params as { realm: string; entity: string; id?: string };
    const q = request.query as Record<string, string>;
    const record: CallRecord = {
      at: Date.now(),
      method: request.method,
      path: `/${params.entity}${params.id ? `/${params.id}` : ''}`,
      query: q,
      headers: {},
      body: request.body,
      status: 0,
      response: null,
    };
    state.calls.push(record);
    if (!bearerOk(state, request))
      return reply.code(401).send({ fault: { error: [{ message: 'AuthenticationFailed', code: '3200' }] } });
    if (params.realm !== realmId)
      return reply.code(403).send(fault(403, '3100', 'ApplicationAuthorizationFailed').body);
    const problem = limiter.enter();
    if (problem) {
      state.stats.throttled += 1;
      record.status = 429;
      return reply
        .code(429)
        .header('Retry-After', String(state.limits.retryAfterS))
        .send(fault(429, '003001', 'ThrottleExceeded').body);
    }
    try {
      await new Promise((r) => setTimeout(r, state.latencyMs));
      const write = request.method === 'POST';
      let result: { status: number; body: unknown };
      if (request.method === 'GET' && params.entity === 'query') {
        try {
          result = { status: 200, body: runQuery(tables, q.query ?? '') };
        } catch (error) {
          result = fault(400, '4000', (error as Error).message);
        }
      } else if (request.method === 'GET' && params.id && READABLE[params.entity]) {
        const entity = READABLE[params.entity]!;
        const row = tables[entity].get(params.id);
        result = row
          ? { status: 200, body: { [entity]: row, time: new Date().toISOString() } }
          : fault(400, '610', 'Object Not Found');
      } else {
        const route = routes[`${request.method} ${params.entity}`];
        if (!route) return reply.code(404).send();
        const key = q.requestid ? `${params.entity}:${q.requestid}` : '';
        const replayed = key ? replays.get(key) : undefined;
        if (replayed) state.stats.idempotentReplays += 1;
        result = replayed ?? route(request);
        if (key && !replayed && result.status < 500) replays.set(key, result);
      }
      record.status = result.status;
      record.response = result.body;
      return await answer(state, reply, request.method, record.path, result.status, result.body, write);
    } finally {
      limiter.leave();
    }
  };
  app.get('/v3/company/:realm/:entity', handle);
  app.get('/v3/company/:realm/:entity/:id', handle);
  app.post('/v3/company/:realm/:entity', handle);

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    realmId,
    endpoints: {
      authorizeUrl: `${url}/connect/oauth2`,
      tokenUrl: `${url}/oauth2/v1/tokens/bearer`,
      apiUrl: url,
      scope: 'com.intuit.quickbooks.accounting',
    },
    state,
    tables,
    calls: state.calls,
    duplicates() {
      const seen = new Map<string, number>();
      for (const i of tables.Invoice.values())
        if (!String(i.PrivateNote ?? '').startsWith('Voided'))
          seen.set(String(i.DocNumber), (seen.get(String(i.DocNumber)) ?? 0) + 1);
      return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
    },
    journalDuplicates() {
      const seen = new Map<string, number>();
      for (const j of tables.JournalEntry.values())
        seen.set(String(j.DocNumber), (seen.get(String(j.DocNumber)) ?? 0) + 1);
      return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
    },
    async close() {
      await app.close();
    },
  };
}
