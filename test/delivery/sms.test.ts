// SMS through the Twilio fake, with signed status callbacks and inbound STOP received by the
// ingest routes: delivered once despite duplicate callbacks; a timeout after the provider
// accepted ends with exactly one message; an undelivered SMS opens a review item and falls back
// to email; STOP reaches our list and ServiceTitan's (once) and no further SMS goes out.
import { getMessage, getWrite, messagesForSubject } from '@invoicer/db';
import { smsSegments } from '@invoicer/messaging';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSmsRoutes } from '../../apps/ingest/src/sms.ts';
import { simMessaging } from '../../apps/st-sim/src/routes/crm-telecom.ts';
import { deliverMessage } from '../../apps/workers/src/delivery/send.ts';
import { waitFor } from '../support/wait.ts';
import { type Bench, CUSTOMER_ID, startBench, TUESDAY_10_PT } from './harness.ts';

let bench: Bench;
let ingest: FastifyInstance;
let ingestUrl: string;
const MOBILE = '+14155550134';
const at = (d: Date) => ({ now: () => d });

const preferText = (value = 'Text') => {
  const customer = bench.sim.tenant.customers.get(CUSTOMER_ID)!;
  customer.customFields = [{ name: 'Preferred Contact Method', value }];
};
const withCallbacks = async (on: boolean) => {
  const sms = {
    baseUrl: bench.twilio.url,
    accountSid: bench.twilio.accountSid,
    authTokenEnv: 'TEST_DELIVERY_TWILIO_TOKEN',
    from: '+15005550006',
    ...(on ? { statusCallbackUrl: `${ingestUrl}/sms/status/acme` } : {}),
  };
  await bench.configure({ sms });
};

beforeAll(async () => {
  bench = await startBench();
  ingest = Fastify({ logger: false });
  registerSmsRoutes(ingest, {
    db: bench.db,
    queues: bench.services.queues,
    log: bench.services.log,
    clientFor: (tenantId) => bench.services.runtime.client(tenantId),
  });
  ingestUrl = await ingest.listen({ port: 0, host: '127.0.0.1' });
  await withCallbacks(true);
  preferText();
});
afterAll(async () => {
  await ingest?.close();
  await bench?.close();
});

describe('invoice SMS', () => {
  it('texts a customer who prefers text; signed callbacks mark it delivered once, duplicates ignored', async () => {
    bench.twilio.duplicateCallbacks = true;
    try {
      const id = await bench.planInvoice(5001);
      expect(await deliverMessage(bench.services, id, at(TUESDAY_10_PT))).toBe('sent');
      const [sms] = bench.twilio.messages.filter((m) => m.body.includes('INV-5001'));
      expect(sms?.to).toBe(MOBILE);
      expect(sms!.body.startsWith('Acme Heating: ')).toBe(true);
      expect(sms!.body.endsWith('Reply STOP to opt out')).toBe(true);
      expect(sms!.body).toContain('$154.06');
      expect(sms!.body).toContain('https://pay.acme.test/i/INV-5001');
      expect(smsSegments(sms!.body).segments).toBeLessThanOrEqual(2);
      const row = await waitFor(
        () => getMessage(bench.db, id),
        (r) => r?.state === 'delivered',
        { what: 'delivered' },
      );
      expect(row!.providerId).toBe(sms!.sid);
      await waitFor(
        async () => bench.twilio.callbacks.ok,
        (n) => n >= 6,
        { what: 'all callbacks' },
      );
      const events = (await messagesForSubject(bench.db, 'acme', 'invoice', '5001'))
        .find((m) => m.id === id)!
        .events.filter((e) => e.kind === 'delivered');
      expect(events).toHaveLength(1);
    } finally {
      bench.twilio.duplicateCallbacks = false;
    }
  });

  it('a callback with a bad signature is refused', async () => {
    const response = await fetch(`${ingestUrl}/sms/status/acme`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'forged' },
      body: new URLSearchParams({ MessageSid: 'SMx', MessageStatus: 'delivered' }).toString(),
    });
    expect(response.status).toBe(403);
  });

  it('the SMS API times out after accepting: the retry finds it at the provider, one message sent', async () => {
    await withCallbacks(false);
    process.env.SMS_TIMEOUT_MS = '300';
    bench.twilio.hangAfterAccept = 1;
    bench.twilio.hangMs = 1000;
    try {
      const id = await bench.planInvoice(5002);
      await expect(deliverMessage(bench.services, id, at(TUESDAY_10_PT))).rejects.toThrow(/outcome unknown/);
      expect(await deliverMessage(bench.services, id, at(TUESDAY_10_PT))).toBe('recovered');
      expect(bench.twilio.messages.filter((m) => m.body.includes('INV-5002'))).toHaveLength(1);
      const row = await getMessage(bench.db, id);
      expect(row).toMatchObject({
        state: 'accepted',
        providerId: bench.twilio.messages.find((m) => m.body.includes('INV-5002'))!.sid,
      });
    } finally {
      delete process.env.SMS_TIMEOUT_MS;
      await withCallbacks(true);
    }
  });

  it('an undelivered SMS opens a review item and falls back to email', async () => {
    bench.twilio.undeliverable.add(MOBILE);
    try {
      await bench.storePdf(5003);
      const id = await bench.planInvoice(5003);
      expect(await deliverMessage(bench.services, id, at(TUESDAY_10_PT))).toBe('sent');
      await waitFor(
        () => getMessage(bench.db, id),
        (r) => r?.state === 'failed',
        { what: 'failed' },
      );
      // What the queued message.send job does in a worker:
      expect(await deliverMessage(bench.services, id, at(TUESDAY_10_PT))).toBe('followed_up');
      const item = await bench.db.reviewItem.findUnique({ where: { subjectKey: `delivery:${id}` } });
      expect(item).toMatchObject({ kind: 'delivery', reasons: ['delivery_failed'] });
      const fallback = (await messagesForSubject(bench.db, 'acme', 'invoice', '5003')).find(
        (m) => m.step === 'send.fallback',
      )!;
      expect(await deliverMessage(bench.services, fallback.id, at(TUESDAY_10_PT))).toBe('sent');
      expect(await getMessage(bench.db, fallback.id)).toMatchObject({
        channel: 'email',
        recipient: 'pat@example.com',
      });
    } finally {
      bench.twilio.undeliverable.clear();
    }
  });

  it('STOP: our list and ServiceTitan opt-out (once, ledgered), and no further SMS', async () => {
    expect(await bench.twilio.inbound(`${ingestUrl}/sms/inbound/acme`, MOBILE, 'STOP')).toBe(200);
    expect(await bench.twilio.inbound(`${ingestUrl}/sms/inbound/acme`, MOBILE, 'stop')).toBe(200);
    const optOuts = await bench.db.messageOptOut.findMany({ where: { tenantId: 'acme' } });
    expect(optOuts).toEqual([expect.objectContaining({ channel: 'sms', address: MOBILE, source: 'stop' })]);
    const st = simMessaging(bench.sim.tenant);
    expect(st.optOuts.get(MOBILE)).toBe('Global');
    expect(st.writes.optOuts).toBe(1);
    expect((await getWrite(bench.db, `optout:acme:${MOBILE}`))?.status).toBe('completed');

    const before = bench.twilio.messages.length;
    const id = await bench.planInvoice(5004);
    expect(await deliverMessage(bench.services, id, at(TUESDAY_10_PT))).toBe('sent');
    expect(await getMessage(bench.db, id)).toMatchObject({ channel: 'email' });
    expect(bench.twilio.messages.length).toBe(before);
  });
});
