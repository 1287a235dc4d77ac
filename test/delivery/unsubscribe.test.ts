// Reminder emails carry a signed one-click unsubscribe link (RFC 8058); following it puts the
// address on the email opt-out list: later reminders go by text instead, the invoice itself
// still goes by email, and a forged link changes nothing.
import { getMessage, messagesForSubject } from '@invoicer/db';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerUnsubscribeRoutes } from '../../apps/ingest/src/unsubscribe.ts';
import { deliverMessage } from '../../apps/workers/src/delivery/send.ts';
import { type Bench, FROM, startBench, TUESDAY_10_PT } from './harness.ts';

let bench: Bench;
let ingest: FastifyInstance;
let base: string;

beforeAll(async () => {
  process.env.UNSUBSCRIBE_SECRET = 'test-unsubscribe-secret';
  bench = await startBench();
  ingest = Fastify({ logger: false });
  registerUnsubscribeRoutes(ingest, { db: bench.db, log: bench.services.log });
  base = await ingest.listen({ port: 0, host: '127.0.0.1' });
  await bench.configure({
    email: {
      host: bench.sink.host,
      port: bench.sink.port,
      secure: false,
      from: FROM,
      unsubscribeUrl: `${base}/email/unsubscribe/acme/{{token}}`,
      onUnknownOutcome: 'resend',
      rejectUnauthorized: false,
    },
  });
});
afterAll(async () => {
  delete process.env.UNSUBSCRIBE_SECRET;
  await ingest?.close();
  await bench?.close();
});

it('one click stops reminder emails for that address only', async () => {
  await bench.storePdf(5001);
  const invoice = await bench.planInvoice(5001);
  expect(await deliverMessage(bench.services, invoice, { now: () => TUESDAY_10_PT })).toBe('sent');
  const steps = Object.fromEntries(
    (await messagesForSubject(bench.db, 'acme', 'invoice', '5001')).map((m) => [m.step, m]),
  );
  expect(
    await deliverMessage(bench.services, steps['d-3']!.id, { now: () => new Date('2026-12-12T17:00:00Z') }),
  ).toBe('sent');
  const reminder = bench.sink.messages.find((m) => m.parsed.subject?.startsWith('Reminder'))!;
  // Long header lines are folded: unfold before reading them.
  const headers = reminder.raw.toString().replace(/\r?\n[ \t]+/g, ' ');
  const link = /^List-Unsubscribe: <([^>]+)>\r?$/m.exec(headers)?.[1];
  expect(link).toMatch(new RegExp(`^${base}/email/unsubscribe/acme/${steps['d-3']!.id}\\.`));
  expect(headers).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);

  expect((await fetch(`${link!.slice(0, -3)}xyz`, { method: 'POST' })).status).toBe(404);
  expect((await fetch(link!)).status).toBe(200);
  expect(await bench.db.messageOptOut.count()).toBe(0);
  const posted = await fetch(link!, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  expect(posted.status).toBe(200);
  expect(await bench.db.messageOptOut.findMany()).toEqual([
    expect.objectContaining({ channel: 'email', address: 'pat@example.com', source: 'unsubscribe' }),
  ]);

  // The next reminder goes by text; the invoice itself still goes by email.
  expect(
    await deliverMessage(bench.services, steps.d0!.id, { now: () => new Date('2026-12-15T17:00:00Z') }),
  ).toBe('sent');
  expect(await getMessage(bench.db, steps.d0!.id)).toMatchObject({ channel: 'sms' });
  const again = await bench.planInvoice(5001, { step: 'manual-1', requestedBy: 'clerk' });
  expect(await deliverMessage(bench.services, again, { now: () => new Date('2026-12-15T18:00:00Z') })).toBe(
    'sent',
  );
  expect(await getMessage(bench.db, again)).toMatchObject({ channel: 'email' });
});
