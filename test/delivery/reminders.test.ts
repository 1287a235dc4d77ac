// Reminders with an injected clock: rows with a due time at 09:00 in the customer's zone, driven
// by BullMQ delayed jobs; re-checked just before sending. A Pacific customer gets it at 09:00 PT;
// a payment one minute before cancels it; a manual send does not cause a next-day duplicate;
// nothing says "past due" before the due date; a dispute pauses it.
import { getMessage, messagesForSubject, setPause } from '@invoicer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requeueMessages } from '../../apps/workers/src/delivery/requeue.ts';
import { deliverMessage } from '../../apps/workers/src/delivery/send.ts';
import { type Bench, startBench, TUESDAY_10_PT } from './harness.ts';

let bench: Bench;
const at = (iso: string) => ({ now: () => new Date(iso) });
const sentTo = (invoice: number) =>
  bench.sink.messages.filter((m) => m.parsed.subject?.includes(`INV-${invoice}`));

/** Deliver the invoice on Tuesday 10:00 PT; return its reminder rows by step. */
async function delivered(invoice: number) {
  await bench.storePdf(invoice);
  const id = await bench.planInvoice(invoice);
  expect(await deliverMessage(bench.services, id, { now: () => TUESDAY_10_PT })).toBe('sent');
  const rows = await messagesForSubject(bench.db, 'acme', 'invoice', String(invoice));
  return Object.fromEntries(rows.filter((r) => r.purpose === 'reminder').map((r) => [r.step, r]));
}

beforeAll(async () => {
  bench = await startBench({ dueDate: '2026-12-15', state: 'CA' });
});
afterAll(async () => {
  await bench?.close();
});

describe('reminders', () => {
  it('a Pacific customer gets it at 09:00 PT (17:00 UTC), from a delayed job, not at 09:00 UTC', async () => {
    const steps = await delivered(5001);
    expect(Object.keys(steps).sort()).toEqual(['d+14', 'd+30', 'd+7', 'd-3', 'd0']);
    const d3 = steps['d-3']!;
    expect(d3.dueAt?.toISOString()).toBe('2026-12-12T17:00:00.000Z');
    const job = await bench.services.queues
      .get('message.send')
      .getJob(`msg-${d3.id}.t${d3.dueAt!.getTime()}`);
    expect(job).toBeDefined();
    expect(Math.abs(job!.timestamp + (job!.opts.delay ?? 0) - d3.dueAt!.getTime())).toBeLessThan(5_000);

    // Fired early (09:00 UTC = 01:00 PT): it only re-queues itself for its due time.
    expect(await deliverMessage(bench.services, d3.id, at('2026-12-12T09:00:00Z'))).toBe('not_due');
    expect(await deliverMessage(bench.services, d3.id, at('2026-12-12T17:00:00Z'))).toBe('sent');
    const reminder = sentTo(5001).find((m) => m.parsed.subject?.startsWith('Reminder'));
    expect(reminder?.parsed.subject).toBe('Reminder: invoice INV-5001 from Acme Heating');
    expect(reminder?.parsed.text).toContain('due on December 15, 2026');
    expect(`${reminder?.parsed.subject} ${reminder?.parsed.text}`).not.toMatch(/past due/i);
    expect(reminder?.raw.toString()).toMatch(/^List-Unsubscribe: <https:\/\/acme\.test\/unsubscribe>$/m);
    expect(await getMessage(bench.db, d3.id)).toMatchObject({ state: 'accepted' });
  });

  it('on the due date it says "due today"; after it, "past due"', async () => {
    const steps = await delivered(5002);
    expect(await deliverMessage(bench.services, steps.d0!.id, at('2026-12-15T17:00:00Z'))).toBe('sent');
    const today = sentTo(5002).find((m) => m.parsed.subject?.startsWith('Reminder'));
    expect(today?.parsed.text).toContain('due today');
    expect(`${today?.parsed.subject} ${today?.parsed.text}`).not.toMatch(/past due/i);
    expect(await deliverMessage(bench.services, steps['d+7']!.id, at('2026-12-22T17:00:00Z'))).toBe('sent');
    const late = sentTo(5002).find((m) => m.parsed.subject?.startsWith('Past due'));
    expect(late?.parsed.text).toContain('past due since December 15, 2026');
  });

  it('a payment recorded one minute before the due time cancels it', async () => {
    const steps = await delivered(5003);
    const client = await bench.services.runtime.client('acme');
    await client.createPayment({
      typeId: 1,
      splits: [{ invoiceId: 5003, amount: 154.06 }],
      paidOn: '2026-12-12T16:59:00Z',
    });
    const before = sentTo(5003).length;
    expect(await deliverMessage(bench.services, steps['d-3']!.id, at('2026-12-12T17:00:00Z'))).toBe(
      'suppressed',
    );
    expect(await getMessage(bench.db, steps['d-3']!.id)).toMatchObject({
      state: 'suppressed',
      reason: 'nothing is owed',
    });
    expect(sentTo(5003).length).toBe(before);
  });

  it('a manual send does not cause a next-day duplicate', async () => {
    const steps = await delivered(5004);
    const manual = await bench.planInvoice(5004, { step: 'manual-1', requestedBy: 'clerk@acme.test' });
    expect(await deliverMessage(bench.services, manual, at('2026-12-11T18:00:00Z'))).toBe('sent');
    expect(await deliverMessage(bench.services, steps['d-3']!.id, at('2026-12-12T17:00:00Z'))).toBe(
      'suppressed',
    );
    expect(await getMessage(bench.db, steps['d-3']!.id)).toMatchObject({ state: 'suppressed' });
    expect(sentTo(5004).filter((m) => m.parsed.subject?.startsWith('Reminder'))).toHaveLength(0);
  });

  it('a dispute pauses reminders', async () => {
    const steps = await delivered(5005);
    await setPause(bench.db, {
      tenantId: 'acme',
      subjectKind: 'invoice',
      subjectId: '5005',
      reason: 'dispute',
    });
    expect(await deliverMessage(bench.services, steps['d-3']!.id, at('2026-12-12T17:00:00Z'))).toBe(
      'suppressed',
    );
    expect((await getMessage(bench.db, steps['d-3']!.id))?.reason).toBe('the invoice is disputed');
  });

  it('Redis lost: planned reminders are queued again from the ledger when workers start', async () => {
    const steps = await delivered(5006);
    const queue = bench.services.queues.get('message.send');
    const d7 = steps['d+7']!;
    const jobId = `msg-${d7.id}.t${d7.dueAt!.getTime()}`;
    await (await queue.getJob(jobId))!.remove();
    expect(await queue.getJob(jobId)).toBeUndefined();
    expect(await requeueMessages(bench.services, bench.services.log)).toBeGreaterThan(0);
    expect(await queue.getJob(jobId)).toBeDefined();
  });
});
