// The typed ServiceTitan client: list paging (page/pageSize/hasMore), export feeds
// (from/continueFrom/hasMore), `ids` batching (≤ 50 per call) and one method per resource we
// use. Every write is validated by a strict request schema before it is sent.
import type { z } from 'zod';
import {
  Appointment,
  AppointmentAssignment,
  BusinessUnit,
  Customer,
  DiscountAndFee,
  exportEnvelope,
  GrossPayItem,
  Invoice,
  InvoiceCustomFieldsRequest,
  InvoiceItemUpdateRequest,
  InvoiceUpdateRequest,
  Job,
  JobAttachment,
  JobNote,
  JobTimesheet,
  JobType,
  Location,
  listEnvelope,
  Membership,
  Payment,
  PaymentCreateRequest,
  PaymentCreateResponse,
  PaymentType,
  PricebookCategory,
  PricebookEquipment,
  PricebookMaterial,
  PricebookService,
  TaxZone,
  Technician,
} from '../schemas/index.ts';
import { StFeedStuckError } from './errors.ts';
import { type HttpOptions, type QueryValue, StHttp } from './http.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { ClientCredentialsToken } from './token.ts';

export interface StClientConfig {
  tenantId: number;
  apiBaseUrl: string;
  /** Full token URL, e.g. https://auth-integration.servicetitan.io/connect/token */
  authUrl: string;
  clientId: string;
  clientSecret: string;
  appKey: string;
  rateLimiter?: RateLimiter;
  timeoutMs?: number;
  maxRetries?: number;
  maxInlineRetryAfterMs?: number;
  baseBackoffMs?: number;
  onCall?: HttpOptions['onCall'];
  fetch?: typeof fetch;
}

export const ST_HOSTS = {
  production: {
    apiBaseUrl: 'https://api.servicetitan.io',
    authUrl: 'https://auth.servicetitan.io/connect/token',
  },
  integration: {
    apiBaseUrl: 'https://api-integration.servicetitan.io',
    authUrl: 'https://auth-integration.servicetitan.io/connect/token',
  },
} as const;

export const MAX_IDS_PER_CALL = 50;

export interface ExportOptions {
  /** Ask for the last minutes' changes too (ServiceTitan otherwise lags ~15 min); may repeat records. */
  includeRecentChanges?: boolean;
  /** Empty `hasMore: true` pages in a row after which a feed counts as stuck (default 50). */
  maxEmptyPages?: number;
}

export interface ExportPage<T> {
  data: T[];
  continueFrom: string;
  hasMore: boolean;
}

export class StClient {
  readonly http: StHttp;
  readonly tokens: ClientCredentialsToken;

  constructor(readonly config: StClientConfig) {
    this.tokens = new ClientCredentialsToken(config.authUrl, config.clientId, config.clientSecret, {
      fetch: config.fetch,
    });
    this.http = new StHttp({ ...config, tokens: this.tokens });
  }

  get tenantId(): number {
    return this.config.tenantId;
  }

  /** Iterate every record of a paginated list endpoint. */
  async *list<S extends z.ZodType>(
    module: string,
    path: string,
    item: S,
    query: Record<string, QueryValue> = {},
    pageSize = 200,
  ): AsyncGenerator<z.infer<S>> {
    const envelope = listEnvelope(item);
    for (let page = 1; ; page++) {
      const result = await this.http.request('GET', module, path, {
        query: { ...query, page, pageSize },
        schema: envelope,
      });
      for (const record of result.data) yield record as z.infer<S>;
      if (!result.hasMore || result.data.length === 0) return;
    }
  }

  async listAll<S extends z.ZodType>(
    module: string,
    path: string,
    item: S,
    query: Record<string, QueryValue> = {},
    pageSize = 200,
  ): Promise<z.infer<S>[]> {
    const out: z.infer<S>[] = [];
    for await (const record of this.list(module, path, item, query, pageSize)) out.push(record);
    return out;
  }

  /** Fetch by ids in batches of at most 50 per call. */
  async byIds<S extends z.ZodType>(
    module: string,
    path: string,
    item: S,
    ids: number[],
  ): Promise<z.infer<S>[]> {
    const unique = [...new Set(ids)];
    const out: z.infer<S>[] = [];
    for (let i = 0; i < unique.length; i += MAX_IDS_PER_CALL) {
      const batch = unique.slice(i, i + MAX_IDS_PER_CALL);
      out.push(...(await this.listAll(module, path, item, { ids: batch }, MAX_IDS_PER_CALL)));
    }
    return out;
  }

  /**
   * Read one page of an export feed. `from` is a previous continueFrom token, a date such as
   * "2024-01-01", or empty for the beginning. Persist `continueFrom` to resume later.
   * `includeRecentChanges` asks for changes of the last minutes too (they may then come twice).
   */
  async exportPage<S extends z.ZodType>(
    module: string,
    resource: string,
    item: S,
    from?: string | null,
    options: Pick<ExportOptions, 'includeRecentChanges'> = {},
  ): Promise<ExportPage<z.infer<S>>> {
    const result = await this.http.request('GET', module, `/export/${resource}`, {
      query: {
        from: from ?? undefined,
        includeRecentChanges: options.includeRecentChanges ? true : undefined,
      },
      schema: exportEnvelope(item),
    });
    return { data: result.data as z.infer<S>[], continueFrom: result.continueFrom, hasMore: result.hasMore };
  }

  /**
   * Follow an export feed until caught up, yielding each page (save continueFrom as you go).
   * A feed that answers `hasMore: true` without moving (a continuation token it already gave in
   * this pass, or `maxEmptyPages` empty pages in a row) throws StFeedStuckError after yielding
   * what it returned, instead of looping forever.
   */
  async *exportFeed<S extends z.ZodType>(
    module: string,
    resource: string,
    item: S,
    from?: string | null,
    options: ExportOptions = {},
  ): AsyncGenerator<ExportPage<z.infer<S>>> {
    const maxEmptyPages = options.maxEmptyPages ?? 50;
    let token = from ?? null;
    const followed = new Set<string>();
    let empty = 0;
    for (let pages = 1; ; pages++) {
      const page = await this.exportPage(module, resource, item, token, options);
      yield page;
      if (!page.hasMore) return;
      if (token !== null) followed.add(token);
      if (page.continueFrom === token || followed.has(page.continueFrom))
        throw new StFeedStuckError(`${module}/${resource}`, page.continueFrom, pages, 'repeated-token');
      empty = page.data.length ? 0 : empty + 1;
      if (empty >= maxEmptyPages)
        throw new StFeedStuckError(`${module}/${resource}`, page.continueFrom, pages, 'no-progress');
      token = page.continueFrom;
    }
  }

  // ---- jobs and their context -------------------------------------------------------------
  getJob(id: number) {
    return this.http.request('GET', 'jpm', `/jobs/${id}`, { schema: Job });
  }
  listJobs(query: Record<string, QueryValue>) {
    return this.listAll('jpm', '/jobs', Job, query);
  }
  listJobNotes(jobId: number) {
    return this.listAll('jpm', `/jobs/${jobId}/notes`, JobNote);
  }
  listJobTypes() {
    return this.listAll('jpm', '/job-types', JobType, { active: 'Any' });
  }
  listAppointments(jobId: number) {
    return this.listAll('jpm', '/appointments', Appointment, { jobId, active: 'Any' });
  }
  listAssignments(jobId: number) {
    return this.listAll('dispatch', '/appointment-assignments', AppointmentAssignment, {
      jobId,
      active: 'Any',
    });
  }
  listTimesheets(jobId: number) {
    return this.listAll('payroll', `/jobs/${jobId}/timesheets`, JobTimesheet);
  }
  listGrossPayItems(query: { employeeId: number; dateOnOrAfter: string; dateOnOrBefore: string }) {
    return this.listAll(
      'payroll',
      '/gross-pay-items',
      GrossPayItem,
      { ...query, employeeType: 'Technician' },
      500,
    );
  }
  listAttachments(jobId: number) {
    return this.listAll('forms', `/jobs/${jobId}/attachments`, JobAttachment);
  }
  getCustomer(id: number) {
    return this.http.request('GET', 'crm', `/customers/${id}`, { schema: Customer });
  }
  getLocation(id: number) {
    return this.http.request('GET', 'crm', `/locations/${id}`, { schema: Location });
  }
  listMemberships(customerId: number) {
    return this.listAll('memberships', '/memberships', Membership, {
      customerIds: [customerId],
      active: 'Any',
    });
  }
  listTechnicians() {
    return this.listAll('settings', '/technicians', Technician, { active: 'Any' }, 500);
  }
  listBusinessUnits() {
    return this.listAll('settings', '/business-units', BusinessUnit, { active: 'Any' }, 500);
  }

  // ---- price book, tax ----------------------------------------------------------------------
  listServices() {
    return this.listAll('pricebook', '/services', PricebookService, { active: 'Any' }, 500);
  }
  listMaterials() {
    return this.listAll('pricebook', '/materials', PricebookMaterial, { active: 'Any' }, 500);
  }
  listEquipment() {
    return this.listAll('pricebook', '/equipment', PricebookEquipment, { active: 'Any' }, 500);
  }
  listDiscountsAndFees() {
    return this.listAll('pricebook', '/discounts-and-fees', DiscountAndFee, { active: 'Any' }, 500);
  }
  listCategories() {
    return this.listAll('pricebook', '/categories', PricebookCategory, { active: 'Any' }, 500);
  }
  listTaxZones() {
    return this.listAll('accounting', '/tax-zones', TaxZone, { active: 'Any' }, 500);
  }

  // ---- invoices -----------------------------------------------------------------------------
  async getInvoice(id: number) {
    const [invoice] = await this.byIds('accounting', '/invoices', Invoice, [id]);
    return invoice ?? null;
  }
  async getInvoiceForJob(jobId: number) {
    const [invoice] = await this.listAll('accounting', '/invoices', Invoice, { jobId });
    return invoice ?? null;
  }
  listInvoices(query: Record<string, QueryValue>) {
    return this.listAll('accounting', '/invoices', Invoice, query);
  }
  /** One item per call (the live API rejects arrays); omit `id` to append (needs a SKU). */
  patchInvoiceItem(invoiceId: number, item: InvoiceItemUpdateRequest) {
    return this.http.request('PATCH', 'accounting', `/invoices/${invoiceId}/items`, {
      body: InvoiceItemUpdateRequest.parse(item),
      idempotent: item.id !== undefined,
    });
  }
  deleteInvoiceItem(invoiceId: number, itemId: number) {
    return this.http.request('DELETE', 'accounting', `/invoices/${invoiceId}/items/${itemId}`, {
      idempotent: true,
    });
  }
  patchInvoice(invoiceId: number, body: InvoiceUpdateRequest) {
    return this.http.request('PATCH', 'accounting', `/invoices/${invoiceId}`, {
      body: InvoiceUpdateRequest.parse(body),
      // An item without an id is appended: sending it twice appends it twice.
      idempotent: !(body.items ?? []).some((item) => item.id === undefined),
    });
  }
  setInvoiceCustomFields(body: InvoiceCustomFieldsRequest) {
    return this.http.request('PATCH', 'accounting', '/invoices/custom-fields', {
      body: InvoiceCustomFieldsRequest.parse(body),
      idempotent: true,
    });
  }
  /** One custom field of one invoice (the form every ledgered status write uses). */
  async setInvoiceCustomField(invoiceId: number, name: string, value: string): Promise<void> {
    await this.setInvoiceCustomFields({
      operations: [{ objectId: invoiceId, customFields: [{ name, value }] }],
    });
  }

  // ---- payments -----------------------------------------------------------------------------
  listPayments(query: Record<string, QueryValue>) {
    return this.listAll('accounting', '/payments', Payment, query);
  }
  listPaymentTypes() {
    return this.listAll('accounting', '/payment-types', PaymentType);
  }
  /** Not idempotent on its own: callers guard it with the write ledger and a read-back. */
  createPayment(body: PaymentCreateRequest) {
    return this.http.request('POST', 'accounting', '/payments', {
      body: PaymentCreateRequest.parse(body),
      schema: PaymentCreateResponse,
      idempotent: false,
    });
  }
}
