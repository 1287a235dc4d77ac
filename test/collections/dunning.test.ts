// Dunning on a generated shop (2,093 customers) through the real delivery code, the simulator,
// the SMTP sink and the Twilio fake, with faults: ServiceTitan 500s and lost write answers, an
// SMTP connection dropped after the message was stored, an SMS answer that never comes. Skipped
// invoices (disputed, on a plan, paid after the evaluation, customer opted out) get 0 messages;
// every (invoice, level) goes out at most once, and evaluating again sends nothing new.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CollectionsSettings, DeliverySettings } from '@invoicer/core';
import {
  acceptPaymentPlan,
  addOptOut,
  proposePaymentPlan,
  recordCollectionOutcome,
  setPause,
  upsertMirror,
} from '@invoicer/db';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { normalisePhone } from '@invoicer/messaging';
import { createLogger, createProducerConnection, QueueSet } from '@invoicer/platform';
import { type RunningSim, startSim } from '@invoicer/st-sim';
import { registerTenant, TenantRuntime } from '@invoicer/tenant';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactsForCustomer } from '../../apps/st-sim/src/generator/contacts.ts';
import { act } from '../../apps/workers/src/collections/act.ts';
import { evaluateCollections } from '../../apps/workers/src/collections/evaluate.ts';
import type { WorkerServices } from '../../apps/workers/src/services.ts';
import { type FakeTwilio, startFakeTwilio } from '../support/fake-twilio.ts';
import { type MailSink, startMailSink } from '../support/smtp-sink.ts';

const TOKEN_ENV = 'TEST_COLLECTIONS_TWILIO_TOKEN';
const DAY = 86_400_000;
type Rec = Record<string, unknown> & {
  id: number;
  invoiceDate: string;
  dueDate: string | null;
  balance: string;
  customer: { id: number; name: string };
};

let t: TestDatabase;
let sim: RunningSim;
let sink: MailSink;
let twilio: FakeTwilio;
let redis: Redis;
let services: WorkerServices;
let invoices: Rec[];
let now: Date;
const skipped = new Map<number, string>();

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gen-dunning-'));
  execFileSync(
    'npx',
    ['tsx', 'apps/st-sim/src/generator/cli.ts', '--jobs', '5500', '--seed', '7', '--out', dir],
    {
      cwd: path.resolve(import.meta.dirname, '../..'),
      stdio: 'ignore',
    },
  );
  const read = (f: string) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Rec[];
  invoices = read('accounting/invoices.json');
  const payments = read('accounting/payments.json');
  now = new Date(Math.max(...invoices.map((i) => Date.parse(i.invoiceDate))) + DAY + 16 * 3600_000);
  t = await createTestDatabase();
  sim = await startSim({ tenantDir: dir });
  sim.faults.update({ rateLimitPerSecond: null });
  sink = await startMailSink();
  twilio = await startFakeTwilio({ callbackDelayMs: 5 });
  process.env[TOKEN_ENV] = twilio.authToken;
  redis = createProducerConnection(testRedisUrl());
  const prefix = testQueuePrefix('dunning');
  const key = randomBytes(32);
  await registerTenant(t.db, {
    id: 'shop',
    stTenantId: sim.tenantId,
    name: 'Shop',
    apiBaseUrl: sim.url,
    authUrl: `${sim.url}/connect/token`,
    credentials: sim.credentials,
    credentialsKey: key,
    settings: {
      collections: CollectionsSettings.parse({ enabled: true }),
      delivery: DeliverySettings.parse({
        enabled: true,
        businessName: 'Shop',
        customerNote: false,
        email: {
          host: sink.host,
          port: sink.port,
          secure: false,
          from: 'Shop <billing@shop.test>',
          onUnknownOutcome: 'resend',
          rejectUnauthorized: false,
        },
        sms: {
          baseUrl: twilio.url,
          accountSid: twilio.accountSid,
          authTokenEnv: TOKEN_ENV,
          from: '+15005550006',
        },
      }),
    },
  });
  const runtime = new TenantRuntime({
    db: t.db,
    redis,
    prefix,
    credentialsKey: key,
    log: createLogger({ name: 't', level: 'silent' }),
    rateLimitPerSecond: 0,
    clientCheckMs: 0,
  });
  services = {
    db: t.db,
    queues: new QueueSet(redis, prefix),
    runtime,
    log: createLogger({ name: 't', level: 'silent' }),
    ensureFresh: async () => {},
  };
  const rows = (list: Rec[]) =>
    list.map((r) => ({
      stId: r.id as number,
      parentId: (r.customer?.id as number) ?? null,
      data: r,
      modifiedOn: null,
    }));
  await upsertMirror(t.db, 'shop', 'invoices', rows(invoices));
  await upsertMirror(t.db, 'shop', 'payments', rows(payments));
  // Skips: every 9th past-due invoice disputed, every 9th+1 on a plan, every 9th+2 customer opted out.
  const pastDue = invoices
    .filter((i) => Number(i.balance) > 0 && i.dueDate && (now.getTime() - Date.parse(i.dueDate)) / DAY >= 7)
    .sort((a, b) => a.id - b.id);
  for (const [n, inv] of pastDue.entries()) {
    if (n % 9 === 0) {
      await recordCollectionOutcome(t.db, {
        tenantId: 'shop',
        invoiceId: inv.id,
        customerId: inv.customer.id,
        outcome: 'dispute',
        promisedFor: null,
        note: null,
        recordedBy: 'u',
      });
      await setPause(t.db, {
        tenantId: 'shop',
        subjectKind: 'invoice',
        subjectId: String(inv.id),
        reason: 'dispute',
      });
      skipped.set(inv.id, 'disputed');
    } else if (n % 9 === 1) {
      const { plan } = await proposePaymentPlan(t.db, {
        tenantId: 'shop',
        invoiceId: inv.id,
        customerId: inv.customer.id,
        balanceCents: 1,
        options: [],
        reasons: [],
        draft: null,
      });
      await acceptPaymentPlan(t.db, plan.id, [{ number: 1, dueDate: '2027-01-01', cents: 1 }], 'u', null);
      skipped.set(inv.id, 'plan');
    } else if (n % 9 === 2) {
      for (const c of contactsForCustomer({ id: inv.customer.id, name: inv.customer.name })) {
        if (c.type === 'Email')
          await addOptOut(t.db, {
            tenantId: 'shop',
            channel: 'email',
            address: c.value.toLowerCase(),
            source: 'test',
          });
        const phone = normalisePhone(c.value);
        if (c.type === 'MobilePhone' && phone)
          await addOptOut(t.db, { tenantId: 'shop', channel: 'sms', address: phone, source: 'test' });
      }
      skipped.set(inv.id, 'opted out');
    }
  }
}, 240_000);
afterAll(async () => {
  redis?.disconnect();
  await twilio?.close();
  await sink?.close();
  await sim?.close();
  await t?.drop();
});

/** Run the queued collections.act jobs the way a worker would (retrying failures), then empty the queue. */
async function drain(): Promise<{ jobs: number; failures: number; results: Record<string, number> }> {
  const queue = services.queues.get('collections.act');
  const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
  let failures = 0;
  const results: Record<string, number> = {};
  for (const job of jobs) {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = String(await act(services, job.data, now)).replace(/:.*/, '');
        results[r] = (results[r] ?? 0) + 1;
        break;
      } catch (error) {
        failures += 1;
        if (attempt > 6) throw error;
      }
    }
  }
  await queue.obliterate({ force: true });
  return { jobs: jobs.length, failures, results };
}

describe('dunning scenario', () => {
  it('skips disputed, planned, paid and opted-out invoices and sends every step once, through faults', async () => {
    const customers = new Set(invoices.map((i) => i.customer.id)).size;
    expect(customers).toBeGreaterThanOrEqual(2000);
    const summary = await evaluateCollections(
      services,
      { tenantId: 'shop', day: now.toISOString().slice(0, 10) },
      now,
    );
    expect(summary.skipped.disputed).toBe([...skipped.values()].filter((v) => v === 'disputed').length);
    expect(summary.skipped['on a payment plan']).toBe(
      [...skipped.values()].filter((v) => v === 'plan').length,
    );
    // Paid after the evaluation: ServiceTitan says 0 now (the mirror has not caught up yet).
    const queued = await services.queues.get('collections.act').getJobs(['waiting']);
    const messaged = queued
      .filter((j) => j.data.step === 'l1-email' || j.data.step === 'l2-sms')
      .map((j) => Number(j.data.subjectId));
    for (const id of messaged.filter((id) => !skipped.has(id)).slice(0, 12)) {
      (sim.tenant.invoices.get(id) as Rec).balance = '0.00';
      skipped.set(id, 'paid');
    }
    sim.faults.update({ errorRate5xx: 0.05, failAfterCommit: { rate: 0.3, mode: 'either' } });
    sink.failAfterAccept = 2;
    twilio.hangAfterAccept = 1;
    twilio.hangMs = 200;
    const first = await drain();
    sim.faults.update({ errorRate5xx: 0, failAfterCommit: null });
    const rows = await t.db.message.findMany({ where: { tenantId: 'shop', purpose: 'collection' } });
    const sent = rows.filter((r) => ['accepted', 'delivered', 'unknown', 'sending'].includes(r.state));
    // 0 messages about a skipped invoice, whatever the reason.
    const toSkipped = sent.filter((r) => skipped.has(Number(r.subjectId)));
    expect(toSkipped).toEqual([]);
    const suppressed = rows.filter((r) => r.state === 'suppressed');
    for (const id of [...skipped]
      .filter(([, why]) => why === 'paid' || why === 'opted out')
      .map(([id]) => id))
      expect(
        sent.filter((r) => Number(r.subjectId) === id),
        `messages about skipped invoice ${id}`,
      ).toEqual([]);
    // Each sent step reached its provider exactly once (distinct Message-IDs; one SMS per row).
    const emails = sent.filter((r) => r.channel === 'email');
    const texts = sent.filter((r) => r.channel === 'sms');
    expect(sink.messages.length).toBe(emails.length);
    expect(twilio.messages.length).toBe(texts.length);
    expect(new Set(twilio.messages.map((m) => `${m.to}|${m.body}`)).size).toBe(twilio.messages.length);
    expect(emails.length + texts.length).toBeGreaterThan(40);
    // Evaluating again the same day queues nothing new for messages already in the ledger.
    await evaluateCollections(services, { tenantId: 'shop', day: now.toISOString().slice(0, 10) }, now);
    const again = await drain();
    expect(again.jobs).toBe(0); // every level found done in its ledger (messages, st_writes, audit)
    expect(await t.db.message.count({ where: { tenantId: 'shop', purpose: 'collection' } })).toBe(
      rows.length,
    );
    expect(sink.messages.length).toBe(emails.length);
    expect(twilio.messages.length).toBe(texts.length);
    const tasks = (await import('../../apps/st-sim/src/routes/collections.ts')).simCollections(sim.tenant);
    const callTasks = tasks.tasks.filter((x) => x.name.startsWith('Collections call'));
    expect(new Set(callTasks.map((x) => x.description)).size).toBe(callTasks.length);
    // Opting out of email and SMS does not stop a collector's call; a dispute, a plan or a payment does.
    for (const task of callTasks) {
      const why = skipped.get(Number(/invoice (\d+)/.exec(task.name)![1]));
      expect(why === undefined || why === 'opted out', `call task for a ${why} invoice`).toBe(true);
    }
    console.log(
      `dunning scenario: ${customers} customers, ${summary.open} open invoices, ${first.jobs} actions (${first.failures} failed attempts retried), ` +
        `${emails.length} emails (${sink.duplicates} same-Message-ID resends) + ${texts.length} SMS sent, ${suppressed.length} suppressed, ${callTasks.length} call tasks, ` +
        `skipped ${skipped.size} (${JSON.stringify(summary.skipped)}), second pass ${again.jobs} actions, results ${JSON.stringify(first.results)}`,
    );
  }, 400_000);
});
