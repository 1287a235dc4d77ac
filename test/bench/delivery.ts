// The delivery scenario: N posted invoices of a generated shop (its customers' contacts carry
// realistic flags: no email, Do Not Text, landline only) are sent through the message ledger to
// the SMTP sink and the Twilio fake with faults injected: SMTP failures after accepting, hard
// bounces, SMS timeouts after accepting, undelivered SMS, duplicate status callbacks, workers
// killed between send and ledger, and STOP replies. Then each gets its due-date reminder, with
// some invoices paid, disputed or opted out. Prints messages sent, duplicates (must be 0) and
// what the contact policy held back. `tsx test/bench/delivery.ts --invoices 1000`.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DeliverySettings } from '@invoicer/core';
import { createDb, type Message, planMessage, setPause } from '@invoicer/db';
import { normalisePhone } from '@invoicer/messaging';
import { createLogger, createProducerConnection, QueueSet } from '@invoicer/platform';
import { startSim } from '@invoicer/st-sim';
import { generateTenant } from '@invoicer/st-sim/generator';
import { registerTenant, TenantRuntime } from '@invoicer/tenant';
import Fastify from 'fastify';
import { registerSmsRoutes } from '../../apps/ingest/src/sms.ts';
import { contactsForCustomer } from '../../apps/st-sim/src/generator/contacts.ts';
import { simMessaging } from '../../apps/st-sim/src/routes/crm-telecom.ts';
import { deliverMessage } from '../../apps/workers/src/delivery/send.ts';
import type { WorkerServices } from '../../apps/workers/src/services.ts';
import { startFakeTwilio } from '../support/fake-twilio.ts';
import { startMailSink } from '../support/smtp-sink.ts';
import { setUpInfra } from './infra.ts';

const { values } = parseArgs({
  options: { invoices: { type: 'string', default: '1000' }, seed: { type: 'string', default: '7' } },
});
const N = Number(values.invoices);
const SEND_AT = new Date('2026-12-08T19:00:00Z'); // 13:00 Chicago, 11:00 Los Angeles, 09:00 Honolulu
const DUE = '2026-12-15';
const TOKEN_ENV = 'BENCH_DELIVERY_TWILIO_TOKEN';

const infra = await setUpInfra({
  baseDatabaseUrl: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
});
async function scenario(): Promise<boolean> {
  const started = Date.now();
  const { fixture } = generateTenant({ jobs: Math.ceil(N * 1.3), seed: Number(values.seed), months: 3 });
  const invoices = fixture['accounting/invoices'].filter((i) => i.customer?.id).slice(0, N);
  for (const invoice of invoices) {
    invoice.dueDate = `${DUE}T00:00:00Z`;
    invoice.balance = invoice.total;
  }
  for (const [i, customer] of fixture['crm/customers'].entries())
    if (i % 3 === 0) customer.customFields = [{ name: 'Preferred Contact Method', value: 'Text' }];
  if (!fixture['accounting/payment-types'].length)
    fixture['accounting/payment-types'].push({ id: 1, name: 'Check' });
  const sim = await startSim({ fixture });
  const sink = await startMailSink();
  const twilio = await startFakeTwilio({ callbackDelayMs: 5 });
  process.env[TOKEN_ENV] = twilio.authToken;
  process.env.SMS_TIMEOUT_MS = '300';
  twilio.hangMs = 600;
  twilio.duplicateCallbacks = true;
  const db = createDb(infra.databaseUrl, { poolSize: 20 });
  const redis = createProducerConnection(infra.redisUrl);
  const queues = new QueueSet(redis, infra.prefix);
  const log = createLogger({ name: 'bench', level: 'silent' });
  const key = randomBytes(32);
  const ingest = Fastify({ logger: false });
  const runtime = new TenantRuntime({
    db,
    redis,
    prefix: infra.prefix,
    credentialsKey: key,
    log,
    rateLimitPerSecond: 0,
  });
  registerSmsRoutes(ingest, { db, queues, log, clientFor: (t) => runtime.client(t) });
  const ingestUrl = await ingest.listen({ port: 0, host: '127.0.0.1' });
  await registerTenant(db, {
    id: 'shop',
    stTenantId: sim.tenantId,
    name: 'Shop',
    apiBaseUrl: sim.url,
    authUrl: `${sim.url}/connect/token`,
    credentials: sim.credentials,
    credentialsKey: key,
    settings: {
      delivery: DeliverySettings.parse({
        enabled: true,
        businessName: fixture.meta.name,
        email: {
          host: sink.host,
          port: sink.port,
          secure: false,
          from: 'Billing <billing@shop.test>',
          rejectUnauthorized: false,
        },
        sms: {
          baseUrl: twilio.url,
          accountSid: twilio.accountSid,
          authTokenEnv: TOKEN_ENV,
          from: '+15005550006',
          statusCallbackUrl: `${ingestUrl}/sms/status/shop`,
        },
        reminders: { enabled: true, offsetsDays: [0] },
      }),
    },
  });
  const services: WorkerServices = { db, queues, runtime, log, ensureFresh: async () => {} };

  // Faults, by invoice position: every 40th email is dropped after the server took it, every
  // 50th send is "killed" between provider and ledger, 1 in 60 SMS times out after accepting.
  let emailCount = 0;
  let sendCount = 0;
  const killed = new Set<string>();
  const addresses = () => new Set(sink.messages.map((m) => m.envelope.to[0]));
  const crash = (id: string) => {
    sendCount += 1;
    if (sendCount % 50 === 0 && !killed.has(id)) {
      killed.add(id);
      throw new Error('worker killed between send and ledger');
    }
  };

  /** Drive one message to an outcome as a worker pool would: retries, and later attempts after a lease. */
  async function drive(id: string, now: Date): Promise<void> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const at = new Date(now.getTime() + attempt * 5 * 60_000);
      if (emailCount++ % 40 === 39) sink.failAfterAccept = 1;
      if (emailCount % 60 === 59) twilio.hangAfterAccept = 1;
      try {
        const result = await deliverMessage(services, id, { now: () => at, afterProviderCall: crash });
        if (result !== 'busy' && result !== 'not_due') return;
      } catch {
        // A retry follows, as BullMQ's would.
      }
    }
  }

  async function pool<T>(items: T[], size: number, run: (item: T) => Promise<void>) {
    let next = 0;
    await Promise.all(
      Array.from({ length: size }, async () => {
        while (next < items.length) await run(items[next++]!);
      }),
    );
  }

  const plan = async (invoiceId: number, customerId: number) =>
    (
      await planMessage(db, {
        tenantId: 'shop',
        subjectKind: 'invoice',
        subjectId: String(invoiceId),
        purpose: 'invoice',
        step: 'send',
        revision: 1,
        category: 'transactional',
        customerId,
      })
    ).row.id;

  // Bounces: 1 customer in 50 has a dead mailbox; 1 in 50 a number that is never delivered.
  for (const [i, customer] of fixture['crm/customers'].entries()) {
    const contacts = contactsForCustomer({ id: customer.id, name: customer.name });
    const email = contacts.find((c) => c.type === 'Email');
    const mobile = contacts.find((c) => c.type === 'MobilePhone');
    if (email && i % 50 === 7) sink.rejectRecipients.add(email.value.toLowerCase());
    const number = mobile ? normalisePhone(mobile.value) : null;
    if (number && i % 50 === 11) twilio.undeliverable.add(number);
  }
  const ids = await Promise.all(invoices.map((i) => plan(i.id, i.customer!.id)));
  await pool(ids, 8, (id) => drive(id, SEND_AT));
  // Fallbacks and failed SMS follow-ups (review items, the other channel).
  for (let round = 0; round < 3; round++) {
    const pending = await db.message.findMany({
      where: {
        tenantId: 'shop',
        OR: [
          { state: 'planned', dueAt: null },
          { state: { in: ['failed', 'bounced'] }, reviewItemId: null },
        ],
      },
    });
    if (!pending.length) break;
    await pool(
      pending.map((p) => p.id),
      8,
      (id) => drive(id, SEND_AT),
    );
  }
  // Before the due date: some pay, some dispute, some text STOP.
  const client = await runtime.client('shop');
  for (const [i, invoice] of invoices.entries()) {
    if (i % 10 === 3)
      await client.createPayment({
        typeId: fixture['accounting/payment-types'][0]!.id,
        splits: [{ invoiceId: invoice.id, amount: Number(invoice.total) }],
      });
    if (i % 33 === 5)
      await setPause(db, {
        tenantId: 'shop',
        subjectKind: 'invoice',
        subjectId: String(invoice.id),
        reason: 'dispute',
      });
  }
  const texted = await db.message.findMany({
    where: { tenantId: 'shop', channel: 'sms', state: { in: ['accepted', 'delivered'] } },
    take: 25,
  });
  const stoppedNumbers = new Set(texted.map((m) => m.recipient!));
  const stopAt = new Date();
  for (const number of stoppedNumbers) await twilio.inbound(`${ingestUrl}/sms/inbound/shop`, number, 'STOP');
  const reminders = await db.message.findMany({
    where: { tenantId: 'shop', purpose: 'reminder', state: 'planned' },
  });
  await pool(reminders, 8, (r) => drive(r.id, r.dueAt!));
  await new Promise((r) => setTimeout(r, 500)); // last status callbacks

  // Figures.
  const rows = await db.message.findMany({ where: { tenantId: 'shop' } });
  const sent = rows.filter((r) => r.state === 'accepted' || r.state === 'delivered');
  const byInvoice = new Map<string, number>();
  for (const r of sent)
    if (r.purpose === 'invoice') byInvoice.set(r.subjectId, (byInvoice.get(r.subjectId) ?? 0) + 1);
  const perLedgerRow = new Map<string, number>();
  for (const m of sink.messages) {
    const ledgerId = String(m.parsed.headers.get('x-invoicer-message'));
    perLedgerRow.set(ledgerId, (perLedgerRow.get(ledgerId) ?? 0) + 1);
  }
  const smsPerBody = new Map<string, number>();
  for (const m of twilio.messages)
    smsPerBody.set(`${m.to}\n${m.body}`, (smsPerBody.get(`${m.to}\n${m.body}`) ?? 0) + 1);
  const duplicates =
    [...perLedgerRow.values()].filter((n) => n > 1).length +
    [...smsPerBody.values()].filter((n) => n > 1).length +
    [...byInvoice.values()].filter((n) => n > 1).length;
  const suppressed = new Map<string, number>();
  for (const r of rows.filter((x) => x.state === 'suppressed'))
    suppressed.set(r.reason ?? '?', (suppressed.get(r.reason ?? '?') ?? 0) + 1);
  const count = (f: (r: Message) => boolean) => rows.filter(f).length;
  const sentToStopped = twilio.messages.filter(
    (m) => stoppedNumbers.has(m.to) && m.dateCreated >= stopAt,
  ).length;
  console.log(`Delivery scenario: ${N} posted invoices, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(
    `  messages sent: ${sent.length} (email ${sent.filter((r) => r.channel === 'email').length}, SMS ${sent.filter((r) => r.channel === 'sms').length}); invoices reached: ${byInvoice.size}`,
  );
  console.log(
    `  duplicates delivered: ${duplicates}  (resends collapsed by Message-ID at the sink: ${sink.duplicates}; workers killed between send and ledger: ${killed.size})`,
  );
  console.log(
    `  bounced: ${count((r) => r.state === 'bounced')}, not delivered: ${count((r) => r.state === 'failed')}, outcome unknown: ${count((r) => r.state === 'unknown')}, review items: ${await db.reviewItem.count({ where: { tenantId: 'shop' } })}`,
  );
  console.log(`  suppressed by policy: ${[...suppressed.values()].reduce((a, b) => a + b, 0)}`);
  for (const [reason, n] of [...suppressed].sort((a, b) => b[1] - a[1])) console.log(`    ${n}  ${reason}`);
  console.log(
    `  STOP replies: ${stoppedNumbers.size}; on ServiceTitan's opt-out list: ${simMessaging(sim.tenant).optOuts.size}; SMS to a stopped number after STOP: ${sentToStopped}`,
  );
  console.log(`  distinct addresses emailed: ${addresses().size}`);

  await ingest.close();
  await twilio.close();
  await sink.close();
  await sim.close();
  await queues.close();
  redis.disconnect();
  await db.$disconnect();
  return duplicates === 0 && sentToStopped === 0;
}

let ok = false;
try {
  ok = await scenario();
} finally {
  await infra.cleanup();
}
process.exit(ok ? 0 : 1);
