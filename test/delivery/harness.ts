// A delivery test bench: a test database, the simulator (a mini tenant whose invoices have due
// dates and a Californian service address), an SMTP sink, the Twilio fake, and the worker
// services the delivery code runs on, without the rest of the pipeline. Messages are planned
// directly in the ledger and PDFs inserted directly into invoice_documents.
import { createHash, randomBytes } from 'node:crypto';
import type { DeliverySettings, TenantSettings } from '@invoicer/core';
import { type Db, planMessage } from '@invoicer/db';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { createLogger, createProducerConnection, QueueSet } from '@invoicer/platform';
import { type RunningSim, startSim } from '@invoicer/st-sim';
import { registerTenant, TenantRuntime } from '@invoicer/tenant';
import type { Redis } from 'ioredis';
import { simMessaging } from '../../apps/st-sim/src/routes/crm-telecom.ts';
import type { WorkerServices } from '../../apps/workers/src/services.ts';
import { type FakeTwilio, startFakeTwilio } from '../support/fake-twilio.ts';
import { miniTenant } from '../support/mini-tenant.ts';
import { type MailSink, startMailSink } from '../support/smtp-sink.ts';

export const TOKEN_ENV = 'TEST_DELIVERY_TWILIO_TOKEN';
export const CUSTOMER_ID = 100;
export const FROM = 'Acme Billing <billing@acme.test>';

export interface Bench {
  database: TestDatabase;
  db: Db;
  sim: RunningSim;
  sink: MailSink;
  twilio: FakeTwilio;
  redis: Redis;
  services: WorkerServices;
  prefix: string;
  /** Plan the invoice message (purpose invoice, step send, revision 1) for an invoice. */
  planInvoice(
    invoiceId: number,
    extra?: { step?: string; requestedBy?: string; contactId?: string },
  ): Promise<string>;
  /** Store a PDF for the invoice (what the PDF stage would do); returns its bytes and hash. */
  storePdf(invoiceId: number): Promise<{ bytes: Buffer; sha256: string }>;
  setContacts(contacts: { id: number; type: string; value: string; doNotText?: boolean }[]): void;
  /** Replace the tenant's delivery settings (a fresh runtime, so the settings cache is bypassed). */
  configure(delivery: Partial<DeliverySettings>, settings?: Partial<TenantSettings>): Promise<void>;
  close(): Promise<void>;
}

export async function startBench(
  options: { dueDate?: string; state?: string; delivery?: Partial<DeliverySettings> } = {},
): Promise<Bench> {
  const database = await createTestDatabase();
  const fixture = miniTenant(6);
  for (const invoice of fixture['accounting/invoices']) {
    invoice.dueDate = `${options.dueDate ?? '2026-12-15'}T00:00:00Z`;
    invoice.locationAddress = {
      street: '1 Main St',
      city: 'Oakland',
      state: options.state ?? 'CA',
      zip: '94607',
    };
  }
  const sim = await startSim({ fixture });
  const sink = await startMailSink();
  const twilio = await startFakeTwilio({ callbackDelayMs: 10 });
  process.env[TOKEN_ENV] = twilio.authToken;
  const redis = createProducerConnection(testRedisUrl());
  const prefix = testQueuePrefix('delivery');
  const queues = new QueueSet(redis, prefix);
  const key = randomBytes(32);
  const log = createLogger({ name: 'test', level: 'silent' });
  const db = database.db;
  const baseDelivery = (): Partial<DeliverySettings> => ({
    enabled: true,
    businessName: 'Acme Heating',
    payUrlTemplate: 'https://pay.acme.test/i/{{invoiceNumber}}',
    email: {
      host: sink.host,
      port: sink.port,
      secure: false,
      from: FROM,
      unsubscribeUrl: 'https://acme.test/unsubscribe',
      onUnknownOutcome: 'resend',
      rejectUnauthorized: false,
    },
    sms: {
      baseUrl: twilio.url,
      accountSid: twilio.accountSid,
      authTokenEnv: TOKEN_ENV,
      from: '+15005550006',
    },
  });
  const bench: Bench = {
    database,
    db,
    sim,
    sink,
    twilio,
    redis,
    prefix,
    services: undefined as unknown as WorkerServices,
    async configure(delivery, settings = {}) {
      const { DeliverySettings } = await import('@invoicer/core');
      await registerTenant(db, {
        id: 'acme',
        stTenantId: sim.tenantId,
        name: 'Acme',
        apiBaseUrl: sim.url,
        authUrl: `${sim.url}/connect/token`,
        credentials: sim.credentials,
        credentialsKey: key,
        settings: { ...settings, delivery: DeliverySettings.parse({ ...baseDelivery(), ...delivery }) },
      });
      const runtime = new TenantRuntime({
        db,
        redis,
        prefix,
        credentialsKey: key,
        log,
        rateLimitPerSecond: 0,
        clientCheckMs: 0,
      });
      bench.services = { db, queues, runtime, log, ensureFresh: async () => {} };
    },
    async planInvoice(invoiceId, extra = {}) {
      const { row } = await planMessage(db, {
        tenantId: 'acme',
        subjectKind: 'invoice',
        subjectId: String(invoiceId),
        purpose: 'invoice',
        step: extra.step ?? 'send',
        revision: 1,
        category: 'transactional',
        customerId: CUSTOMER_ID,
        requestedBy: extra.requestedBy ?? null,
        contactId: extra.contactId ?? null,
      });
      return row.id;
    },
    async storePdf(invoiceId) {
      const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2048), Buffer.from('\n%%EOF\n')]);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      await db.invoiceDocument.create({
        data: {
          tenantId: 'acme',
          invoiceId: BigInt(invoiceId),
          jobId: BigInt(invoiceId - 4000),
          revision: 1,
          fileName: `invoice-${invoiceId}.pdf`,
          sha256,
          bytes,
          pageCount: 1,
          renderMs: 5,
        },
      });
      return { bytes, sha256 };
    },
    setContacts(contacts) {
      simMessaging(sim.tenant).contacts.set(
        CUSTOMER_ID,
        contacts.map((c) => ({
          id: c.id,
          type: c.type as 'Email',
          value: c.value,
          memo: null,
          phoneSettings:
            c.type === 'Email' ? null : { phoneNumber: c.value, doNotText: c.doNotText ?? false },
          createdOn: '2024-01-01T00:00:00Z',
          modifiedOn: '2024-01-01T00:00:00Z',
        })),
      );
    },
    async close() {
      await queues.close();
      redis.disconnect();
      await twilio.close();
      await sink.close();
      await sim.close();
      await database.drop();
    },
  };
  await bench.configure(options.delivery ?? {});
  bench.setContacts([
    { id: 1, type: 'Email', value: 'pat@example.com' },
    { id: 2, type: 'MobilePhone', value: '(415) 555-0134' },
  ]);
  return bench;
}

/** 10:00 on 2026-12-08 in Los Angeles: inside every window. */
export const TUESDAY_10_PT = new Date('2026-12-08T18:00:00Z');
