// Console test helpers: start the console on a test database and Redis prefix, sign in as a
// role over HTTP (app.inject, real cookies and CSRF tokens), and seed a review item the way
// the pipeline leaves one (run, stage outputs { value, next }, draft revision 1, item).

import { buildDraft, type JobContext, type PricedLine } from '@invoicer/billing';
import { type ConsoleApp, ConsoleEnv, ensureUser, type Role, startConsoleApp } from '@invoicer/console';
import { TenantSettings } from '@invoicer/core';
import { type Db, invoiceSubjectKey, openReviewItem, saveDraft, upsertTenant } from '@invoicer/db';
import type { ExtractOutput } from '@invoicer/pipeline';
import { createLogger, loadConfig } from '@invoicer/platform';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';

export const PASSWORD = 'correct horse battery staple';

export function consoleEnv(base: NodeJS.ProcessEnv, extra: NodeJS.ProcessEnv = {}): ConsoleEnv {
  return loadConfig(ConsoleEnv, {
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    // Approvals post at once unless a test asks for the undo window (approval-undo.test.ts).
    APPROVAL_UNDO_SECONDS: '0',
    ...base,
    CONSOLE_PORT: '0',
    COOKIE_SECURE: 'false',
    ...extra,
  });
}

export async function startTestConsole(
  base: NodeJS.ProcessEnv,
  extra: NodeJS.ProcessEnv = {},
): Promise<ConsoleApp> {
  const env = consoleEnv(base, extra);
  return startConsoleApp(env, createLogger({ name: 'console-test', level: env.LOG_LEVEL }));
}

export async function createRoleUsers(db: Db): Promise<Record<Role, string>> {
  const roles: Role[] = ['billing_specialist', 'billing_manager', 'engineer', 'admin'];
  const emails = {} as Record<Role, string>;
  for (const role of roles) {
    const email = `${role.replace('_', '.')}@example.test`;
    await ensureUser(db, { email, name: `Test ${role}`, role, password: PASSWORD });
    emails[role] = email;
  }
  return emails;
}

function cookiesOf(setCookie: string | string[] | undefined): Record<string, string> {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const out: Record<string, string> = {};
  for (const c of list) {
    const [pair] = c.split(';');
    const i = pair!.indexOf('=');
    out[pair!.slice(0, i)] = pair!.slice(i + 1);
  }
  return out;
}

/** A signed-in browser-like client over app.inject. */
export class TestClient {
  cookies: Record<string, string> = {};
  csrf = '';
  constructor(readonly app: FastifyInstance) {}

  private cookieHeader(): string {
    return Object.entries(this.cookies)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
  }

  private remember(headers: Record<string, unknown>) {
    Object.assign(this.cookies, cookiesOf(headers['set-cookie'] as string[] | string | undefined));
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const res = await this.app.inject({
      method: 'GET',
      url,
      headers: { cookie: this.cookieHeader(), ...headers },
    });
    this.remember(res.headers);
    const token = /<meta name="csrf-token" content="([^"]*)">/.exec(res.body)?.[1];
    if (token) this.csrf = token;
    return res;
  }

  async post(
    url: string,
    form: Record<string, string | string[]> = {},
    options: { csrf?: boolean; headers?: Record<string, string> } = {},
  ) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) params.append(k, one);
    if (options.csrf !== false && !('_csrf' in form)) params.set('_csrf', this.csrf);
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: params.toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: this.cookieHeader(),
        ...options.headers,
      },
    });
    this.remember(res.headers);
    return res;
  }

  async postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: JSON.stringify(body),
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        cookie: this.cookieHeader(),
        'x-csrf-token': this.csrf,
        ...headers,
      },
    });
    this.remember(res.headers);
    return res;
  }

  /**
   * A multipart/form-data post, as a browser sends a form with a file input: the `_csrf` field
   * first (unless `csrf: false`), then the fields, then the file.
   */
  async postMultipart(
    url: string,
    fields: Record<string, string> = {},
    file?: { name: string; data: Uint8Array | string; field?: string; type?: string },
    options: { csrf?: boolean; headers?: Record<string, string> } = {},
  ) {
    const form = new FormData();
    if (options.csrf !== false && !('_csrf' in fields)) form.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file) {
      const bytes = typeof file.data === 'string' ? Buffer.from(file.data) : file.data;
      const blob = new Blob([new Uint8Array(bytes)], { type: file.type ?? 'application/octet-stream' });
      form.append(file.field ?? 'file', blob, file.name);
    }
    // Let fetch's own encoder write the body and boundary, as a browser would.
    const encoded = new Request('http://console.test/', { method: 'POST', body: form });
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: Buffer.from(await encoded.arrayBuffer()),
      headers: {
        'content-type': encoded.headers.get('content-type')!,
        cookie: this.cookieHeader(),
        ...options.headers,
      },
    });
    this.remember(res.headers);
    return res;
  }

  /** Sign in through the form (login CSRF cookie + field), then load a page for a CSRF token. */
  async signIn(email: string, password = PASSWORD) {
    const form = await this.get('/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const res = await this.post('/login', { email, password, _csrf: token }, { csrf: false });
    if (res.statusCode !== 303)
      throw new Error(`sign-in as ${email} failed: ${res.statusCode} ${res.body.slice(0, 300)}`);
    await this.get('/queue');
    return res;
  }
}

export interface SeedOptions {
  tenantId?: string;
  /** The tenant row, when a test needs more than one (ServiceTitan tenant ids are unique). */
  tenantName?: string;
  stTenantId?: number;
  stJobId: number;
  notes?: string[];
  amount?: string;
  reasons?: string[];
  needsManager?: boolean;
  customerName?: string;
}

/** A run awaiting review with a one-line draft, as the pipeline leaves it. */
export async function seedInvoiceItem(db: Db, o: SeedOptions): Promise<{ runId: string; itemId: string }> {
  const tenantId = o.tenantId ?? 'acme';
  await upsertTenant(db, {
    id: tenantId,
    stTenantId: o.stTenantId ?? 4242,
    name: o.tenantName ?? 'Acme HVAC',
    apiBaseUrl: 'http://127.0.0.1:1',
    authUrl: 'http://127.0.0.1:1/connect/token',
  });
  const notes = o.notes ?? ['repl 45/5 cap'];
  const context: JobContext = {
    tenantId,
    job: {
      id: o.stJobId,
      number: String(o.stJobId),
      jobTypeId: 1,
      jobTypeName: 'AC Repair',
      businessUnitId: 10,
      businessUnitName: 'HVAC Service',
      completedOn: '2026-01-05T15:00:00.000Z',
      noCharge: false,
      customerId: 100,
      locationId: 200,
      tagTypeIds: [],
    },
    invoice: {
      id: 5000 + o.stJobId,
      referenceNumber: `INV-${o.stJobId}`,
      syncStatus: 'Pending',
      reviewStatus: 'NeedsReview',
      subTotal: '145.00',
      salesTax: '9.06',
      total: '154.06',
      items: [
        {
          id: 70000 + o.stJobId,
          skuId: 601,
          skuCode: 'CAP-45-5',
          type: 'Material',
          description: 'Capacitor 45/5 MFD',
          quantity: '1.00',
          unitPrice: '145.00',
          total: '145.00',
          taxable: true,
          createdOn: null,
        },
      ],
    },
    notes: notes.map((text, index) => ({ index, text, createdOn: null })),
    appointments: [],
    labor: [],
    attachments: [{ id: 1, fileName: 'before.jpg', contentType: 'image/jpeg' }],
    customer: { id: 100, name: o.customerName ?? 'Pat Customer', type: 'Residential', tagTypeIds: [] },
    location: { id: 200, name: 'Home', taxZoneId: 1, taxExempt: false, address: '1 Main St' },
    membership: null,
    taxZone: {
      id: 1,
      name: 'Springfield',
      isTaxRateSeparated: false,
      rates: [{ taxName: 'State', taxBaseType: ['Subtotal'], taxRate: '0.0625' }],
    },
    priorJobs: [],
  };
  const lines: PricedLine[] = [
    {
      key: `item:${70000 + o.stJobId}`,
      skuId: 601,
      quantity: '1.00',
      origin: 'technician',
      existingItemId: 70000 + o.stJobId,
      provenance: { kind: 'technician_item', itemId: 70000 + o.stJobId },
      evidence: [
        {
          kind: 'note_span',
          detail: 'notes agree',
          span: { noteIndex: 0, start: 0, end: Math.min(4, notes[0]!.length) },
        },
      ],
      confidence: 0.98,
      reason: 'Entered by the technician and confirmed by the notes.',
      skuCode: 'CAP-45-5',
      skuName: 'Capacitor 45/5 MFD',
      type: 'Material',
      description: 'Capacitor 45/5 MFD',
      unitPrice: '145.00',
      total: '145.00',
      taxable: true,
      priceBasis: 'as entered by the technician',
    },
  ];
  const document = buildDraft({
    context,
    lines,
    flags: [],
    tax: TenantSettings.parse({}).tax,
    unmatchedBillableMentions: 0,
  });
  const run = await db.pipelineRun.create({
    data: {
      tenantId,
      stJobId: o.stJobId,
      stInvoiceId: context.invoice.id,
      trigger: 'webhook',
      status: 'awaiting_review',
      stage: 'route',
      draftRevision: 1,
    },
  });
  const provider = {
    name: 'local',
    model: 'test',
    promptVersion: 'v1',
    inputDigest: 'abc',
    durationMs: 1,
    fallback: null,
  };
  await db.stageOutput.create({
    data: {
      runId: run.id,
      stage: 'extract',
      durationMs: 1,
      output: {
        value: {
          context,
          mentions: [],
          decisions: [],
          candidates: {},
          provider,
          noteLines: [],
          confirmations: [],
          unmatchedMentionIds: [],
          nonBillable: [],
        } satisfies ExtractOutput,
        next: null,
      } as object,
    },
  });
  await saveDraft(db, {
    runId: run.id,
    revision: 1,
    lines: document.lines,
    subTotal: document.subTotal,
    salesTax: document.salesTax,
    total: document.total,
    document: document as unknown as Record<string, unknown>,
    createdBy: 'pipeline',
  });
  const { item } = await openReviewItem(db, {
    tenantId,
    kind: 'invoice',
    subjectKey: invoiceSubjectKey(run.id),
    runId: run.id,
    reasons: o.reasons ?? ['suggest_mode'],
    amount: o.amount ?? document.total,
    stJobId: o.stJobId,
    businessUnitId: 10,
    jobTypeId: 1,
    customerName: o.customerName ?? 'Pat Customer',
    summary: 'seeded',
    needsManager: o.needsManager ?? false,
    slaHours: 24,
  });
  return { runId: run.id, itemId: item.id };
}

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, and a page whose script errors and console errors (CSP
 * violations among them) are collected into `problems` so a test can fail on them.
 */
export async function openBrowserPage(problems: string[]): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  return { browser, page };
}
