// Invoice email through the ledger to an in-process SMTP sink: envelope, headers, links, the PDF
// byte-identical to the stored one; a failure after the server accepted the message, a worker
// killed between send and ledger, and a bounce each end with exactly one message delivered.
import { createHash } from 'node:crypto';
import { getMessage, messagesForSubject } from '@invoicer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simMessaging } from '../../apps/st-sim/src/routes/crm-telecom.ts';
import { deliverMessage } from '../../apps/workers/src/delivery/send.ts';
import { type Bench, CUSTOMER_ID, startBench, TUESDAY_10_PT } from './harness.ts';

let bench: Bench;
const at = (d: Date) => ({ now: () => d });

beforeAll(async () => {
  bench = await startBench();
});
afterAll(async () => {
  await bench?.close();
});

describe('invoice email', () => {
  it('sends the invoice with the stored PDF, the right headers and links, and records it in ServiceTitan', async () => {
    const pdf = await bench.storePdf(5001);
    const id = await bench.planInvoice(5001);
    expect(await deliverMessage(bench.services, id, at(TUESDAY_10_PT))).toBe('sent');
    const [mail] = bench.sink.messages.filter((m) => m.parsed.headers.get('x-invoicer-message') === id);
    expect(mail).toBeDefined();
    expect(mail!.envelope).toEqual({ from: 'billing@acme.test', to: ['pat@example.com'] });
    expect(mail!.parsed.subject).toBe('Invoice INV-5001 from Acme Heating');
    expect(mail!.parsed.from?.value).toEqual([{ name: 'Acme Billing', address: 'billing@acme.test' }]);
    expect(mail!.raw.toString()).not.toMatch(/^List-Unsubscribe:/im);
    expect(mail!.parsed.text).toContain('$154.06');
    expect(mail!.parsed.text).toContain('due on December 15, 2026');
    expect(mail!.parsed.text).toContain('https://pay.acme.test/i/INV-5001');
    expect(mail!.parsed.html).toContain('href="https://pay.acme.test/i/INV-5001"');
    const [attachment] = mail!.parsed.attachments;
    expect(attachment?.filename).toBe('invoice-5001.pdf');
    expect(attachment?.contentType).toBe('application/pdf');
    expect(createHash('sha256').update(attachment!.content).digest('hex')).toBe(pdf.sha256);

    const row = await getMessage(bench.db, id);
    expect(row).toMatchObject({ state: 'accepted', channel: 'email', recipient: 'pat@example.com' });
    expect(row!.messageIdHeader).toBe(mail!.messageId);
    // Recorded in ServiceTitan: the invoice custom field and one customer note.
    const invoice = bench.sim.tenant.invoices.get(5001)!;
    expect(invoice.customFields?.find((f) => f.name === 'Sent by invoicer')?.value).toMatch(
      /^email .* to p\*\*\*@example\.com \(invoice\)$/,
    );
    const notes = simMessaging(bench.sim.tenant).notes.get(CUSTOMER_ID) ?? [];
    expect(notes.filter((n) => n.text.includes(id.slice(0, 8)))).toHaveLength(1);
    // Reminders were planned at 09:00 Pacific from the due date (−3 days is 2026-12-12).
    const reminders = (await messagesForSubject(bench.db, 'acme', 'invoice', '5001')).filter(
      (m) => m.purpose === 'reminder',
    );
    expect(reminders.map((r) => [r.step, r.dueAt?.toISOString()])).toContainEqual([
      'd-3',
      '2026-12-12T17:00:00.000Z',
    ]);

    // A second run of the same message sends nothing more.
    expect(await deliverMessage(bench.services, id, at(TUESDAY_10_PT))).toBe('settled');
    expect(bench.sink.messages.filter((m) => m.parsed.headers.get('x-invoicer-message') === id)).toHaveLength(
      1,
    );
    expect(notes.filter((n) => n.text.includes(id.slice(0, 8)))).toHaveLength(1);
  });

  it('the SMTP server fails after accepting: the retry resends under the same Message-ID, one message delivered', async () => {
    await bench.storePdf(5002);
    const id = await bench.planInvoice(5002);
    bench.sink.failAfterAccept = 1;
    const received = bench.sink.received;
    await expect(deliverMessage(bench.services, id, at(TUESDAY_10_PT))).rejects.toThrow(/outcome unknown/);
    expect((await getMessage(bench.db, id))!.state).toBe('sending');
    expect(await deliverMessage(bench.services, id, at(TUESDAY_10_PT))).toBe('recovered');
    expect(bench.sink.received - received).toBe(2);
    const copies = bench.sink.messages.filter((m) => m.parsed.headers.get('x-invoicer-message') === id);
    expect(copies).toHaveLength(1);
    expect(bench.sink.duplicates).toBeGreaterThanOrEqual(1);
    const row = await getMessage(bench.db, id);
    expect(row).toMatchObject({ state: 'accepted', attempts: 2 });
    expect(row!.messageIdHeader).toBe(copies[0]!.messageId);
  });

  it('a worker killed between send and ledger: the next attempt after the lease recovers it, one message delivered', async () => {
    await bench.storePdf(5003);
    const id = await bench.planInvoice(5003);
    const killed = new Error('worker killed');
    await expect(
      deliverMessage(bench.services, id, {
        ...at(TUESDAY_10_PT),
        afterProviderCall: () => {
          throw killed;
        },
      }),
    ).rejects.toBe(killed);
    expect((await getMessage(bench.db, id))!.state).toBe('sending');
    // Another worker within the lease leaves it alone (and re-queues itself for after the lease).
    expect(await deliverMessage(bench.services, id, at(new Date(TUESDAY_10_PT.getTime() + 1000)))).toBe(
      'busy',
    );
    const later = new Date(TUESDAY_10_PT.getTime() + 5 * 60_000);
    expect(await deliverMessage(bench.services, id, at(later))).toBe('recovered');
    expect(bench.sink.messages.filter((m) => m.parsed.headers.get('x-invoicer-message') === id)).toHaveLength(
      1,
    );
    expect((await getMessage(bench.db, id))!.state).toBe('accepted');
  });

  it('a bounce opens a review item and falls back to SMS', async () => {
    await bench.storePdf(5004);
    bench.sink.rejectRecipients.add('pat@example.com');
    try {
      const id = await bench.planInvoice(5004);
      expect(await deliverMessage(bench.services, id, at(TUESDAY_10_PT))).toBe('bounced');
      const row = await getMessage(bench.db, id);
      expect(row?.state).toBe('bounced');
      const item = await bench.db.reviewItem.findUnique({ where: { subjectKey: `delivery:${id}` } });
      expect(item).toMatchObject({ kind: 'delivery', reasons: ['delivery_bounced'], status: 'open' });
      expect(row?.reviewItemId).toBe(item?.id);
      const fallback = (await messagesForSubject(bench.db, 'acme', 'invoice', '5004')).find(
        (m) => m.step === 'send.fallback',
      );
      expect(fallback).toBeDefined();
      expect(await deliverMessage(bench.services, fallback!.id, at(TUESDAY_10_PT))).toBe('sent');
      expect(await getMessage(bench.db, fallback!.id)).toMatchObject({
        channel: 'sms',
        recipient: '+14155550134',
      });
      expect(
        bench.twilio.messages.filter((m) => m.to === '+14155550134' && m.body.includes('INV-5004')),
      ).toHaveLength(1);
    } finally {
      bench.sink.rejectRecipients.clear();
    }
  });

  it('a broken tenant template does not stop the invoice: built-in wording, and the reason kept', async () => {
    await bench.configure({
      templates: { invoice: { emailSubject: 'Bill {{invoiceNumbr}}' }, reminder: {} },
    });
    try {
      await bench.storePdf(5005);
      const id = await bench.planInvoice(5005);
      expect(await deliverMessage(bench.services, id, at(TUESDAY_10_PT))).toBe('sent');
      const mail = bench.sink.messages.find((m) => m.parsed.headers.get('x-invoicer-message') === id);
      expect(mail?.parsed.subject).toBe('Invoice INV-5005 from Acme Heating');
      const [row] = (await messagesForSubject(bench.db, 'acme', 'invoice', '5005')).filter(
        (m) => m.id === id,
      );
      expect(row!.events.find((e) => e.kind === 'template_error')?.detail).toEqual({
        error: 'unknown field "invoiceNumbr"',
      });
    } finally {
      await bench.configure({});
    }
  });
});
