// A payment plan's life after acceptance, end to end on the simulator, the SMTP sink and the
// delivery code, with an injected clock: the invoice dueDate moves to the final installment;
// each installment gets one reminder before its due date (message ledger row + delayed job, the
// contact policy applied when it is due: quiet hours, opt-outs), exactly once; a missed
// installment makes the plan late and the invoice goes back into dunning (a collection email is
// sent); a broken plan and a completed one are taken back out of ServiceTitan exactly once (field,
// tag, pinned note replaced; a broken plan's original due date restored) even when answers are
// lost, and their remaining reminders are not sent.
import type { Installment, PlanOption } from '@invoicer/collections';
import { CollectionsSettings } from '@invoicer/core';
import {
  acceptPaymentPlan,
  addOptOut,
  getPaymentPlan,
  messagesForSubject,
  recordCollectionOutcome,
  sql,
  upsertMirror,
} from '@invoicer/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simCollections } from '../../apps/st-sim/src/routes/collections.ts';
import { simMessaging } from '../../apps/st-sim/src/routes/crm-telecom.ts';
import { act } from '../../apps/workers/src/collections/act.ts';
import { evaluateCollections } from '../../apps/workers/src/collections/evaluate.ts';
import { planReference } from '../../apps/workers/src/collections/represent-plan.ts';
import { suggestPlan } from '../../apps/workers/src/collections/suggest.ts';
import { deliverMessage } from '../../apps/workers/src/delivery/send.ts';
import { type Bench, CUSTOMER_ID, startBench } from '../delivery/harness.ts';

let bench: Bench;
const A = 5001;
const B = 5002;
const plans: Record<number, string> = {};
const at = (iso: string) => new Date(iso);
const simInvoice = (id: number) =>
  bench.sim.tenant.invoices.get(id) as unknown as {
    total: string;
    balance: string;
    dueDate: string | null;
    customFields?: { name: string; value: string }[];
  };

/** The invoice's balance, in ServiceTitan and in our mirror of it (what a sync does). */
async function balance(id: number, amount: string) {
  simInvoice(id).balance = amount;
  await upsertMirror(bench.db, 'acme', 'invoices', [
    {
      stId: id,
      parentId: null,
      modifiedOn: null,
      data: {
        id,
        invoiceDate: '2026-10-02T15:00:00Z',
        dueDate: simInvoice(id).dueDate, // as ServiceTitan has it (a moved date, once synced)
        total: '3600.01',
        balance: amount,
        customer: { id: CUSTOMER_ID, name: 'Pat Customer' },
        businessUnit: { id: 10, name: 'HVAC Service' },
        active: true,
      },
    },
  ]);
}

const installmentRows = async (id: number) =>
  (await messagesForSubject(bench.db, 'acme', 'invoice', String(id)))
    .filter((m) => m.purpose === 'installment')
    .sort((x, y) => x.step.localeCompare(y.step));
const emailsAbout = (id: number) =>
  bench.sink.messages.filter((m) => `${m.parsed.subject}`.includes(`INV-${id}`));
const writes = () => ({
  ...simCollections(bench.sim.tenant).writes,
  notes: simMessaging(bench.sim.tenant).writes.notes,
});

async function untilDone(fn: () => Promise<unknown>): Promise<number> {
  for (let failures = 0; failures < 10; failures++) {
    try {
      await fn();
      return failures;
    } catch {
      // what BullMQ's retry would do
    }
  }
  throw new Error('still failing after 10 attempts');
}

beforeAll(async () => {
  bench = await startBench({ dueDate: '2026-11-01', state: 'CA' });
  await bench.configure(
    {},
    {
      collections: CollectionsSettings.parse({
        enabled: true,
        dunning: [{ key: 'p1-email', channel: 'email', afterDaysPastDue: 7 }],
        plans: { moveInvoiceDueDate: true },
      }),
    },
  );
  for (const id of [A, B]) {
    simInvoice(id).total = '3600.01';
    await balance(id, '3600.01');
  }
});
afterAll(async () => {
  await bench?.close();
});

describe('a payment plan after acceptance', () => {
  it('moves the due date to the final installment and plans one reminder per installment, once', async () => {
    const now = at('2026-12-05T19:00:00Z');
    for (const id of [A, B]) {
      expect(await suggestPlan(bench.services, { tenantId: 'acme', invoiceId: String(id) }, now)).toBe(
        'proposed',
      );
      const plan = await bench.db.paymentPlan.findFirstOrThrow({ where: { invoiceId: BigInt(id) } });
      const option = (plan.options as unknown as PlanOption[]).find((o) => o.count === 3)!;
      expect(await acceptPaymentPlan(bench.db, plan.id, option.installments, 'csr-1', plan.draft)).toBe(true);
      plans[id] = plan.id;
      const payload = { tenantId: 'acme', kind: 'plan' as const, subjectId: plan.id, step: 'represent' };
      expect(await act(bench.services, payload, now)).toBe('represented');
    }
    const planA = (await getPaymentPlan(bench.db, plans[A]!))!;
    const inst = planA.installments as unknown as Installment[];
    expect(inst.map((i) => i.dueDate)).toEqual(['2026-12-12', '2027-01-11', '2027-02-10']);
    expect(simInvoice(A).dueDate).toBe('2027-02-10T00:00:00Z');
    const moved = await bench.db.stWrite.findUniqueOrThrow({
      where: { key: `plan:${plans[A]}:st-due-date` },
    });
    expect(moved.request).toEqual({ dueDate: '2027-02-10', previousDueDate: '2026-11-01' });
    const rows = await installmentRows(A);
    expect(rows.map((r) => [r.step, r.category, r.dueAt?.toISOString()])).toEqual([
      [`plan-${plans[A]}-i1-d-3`, 'installment', '2026-12-09T17:00:00.000Z'], // 09:00 in California
      [`plan-${plans[A]}-i2-d-3`, 'installment', '2027-01-08T17:00:00.000Z'],
      [`plan-${plans[A]}-i3-d-3`, 'installment', '2027-02-07T17:00:00.000Z'],
    ]);
    const first = rows[0]!;
    expect(
      await bench.services.queues.get('message.send').getJob(`msg-${first.id}.t${first.dueAt!.getTime()}`),
    ).toBeDefined();
    // Represented again (a retried job): nothing new in ServiceTitan or in the ledger.
    const before = writes();
    await act(
      bench.services,
      { tenantId: 'acme', kind: 'plan', subjectId: plans[A]!, step: 'represent' },
      now,
    );
    expect(writes()).toEqual(before);
    expect((await installmentRows(A)).map((r) => r.id)).toEqual(rows.map((r) => r.id));
  });

  it('sends an installment reminder once, at its time, with the amounts from code; the contact policy applies', async () => {
    const [a1] = await installmentRows(A);
    expect(await deliverMessage(bench.services, a1!.id, { now: () => at('2026-12-09T17:00:00Z') })).toBe(
      'sent',
    );
    expect(await deliverMessage(bench.services, a1!.id, { now: () => at('2026-12-09T17:05:00Z') })).toBe(
      'settled',
    );
    const sent = emailsAbout(A);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.parsed.subject).toBe(
      'Payment 1 of 3 for invoice INV-5001: $1,200.00, due on December 12, 2026',
    );
    expect(sent[0]!.parsed.text).toContain('The invoice balance is $3,600.01.');
    // Quiet hours: B's first reminder, fired at 19:00 in California, waits for the next morning.
    const [b1] = await installmentRows(B);
    expect(await deliverMessage(bench.services, b1!.id, { now: () => at('2026-12-10T03:00:00Z') })).toBe(
      'deferred',
    );
    expect((await installmentRows(B))[0]!.dueAt?.toISOString()).toBe('2026-12-10T17:00:00.000Z');
    // Opt-outs: the customer unsubscribed and texted STOP; nothing goes.
    await addOptOut(bench.db, {
      tenantId: 'acme',
      channel: 'email',
      address: 'pat@example.com',
      source: 'test',
    });
    await addOptOut(bench.db, { tenantId: 'acme', channel: 'sms', address: '+14155550134', source: 'test' });
    expect(await deliverMessage(bench.services, b1!.id, { now: () => at('2026-12-10T17:00:00Z') })).toBe(
      'suppressed',
    );
    expect(emailsAbout(B)).toHaveLength(0);
    expect(bench.twilio.messages).toHaveLength(0);
    await sql(bench.db, `DELETE FROM message_opt_outs WHERE tenant_id = 'acme'`, []);
  });

  it('a missed installment makes the plan late and back into dunning; a plan 30 days behind is broken', async () => {
    // While both plans run, dunning skips them.
    const running = await evaluateCollections(
      bench.services,
      { tenantId: 'acme', day: '2026-12-10' },
      at('2026-12-10T19:00:00Z'),
    );
    expect(running.skipped['on a payment plan']).toBe(2);
    expect(running.dunning).toBe(0);
    await balance(A, '2400.01'); // A paid the first installment, not the second; B paid nothing
    const now = at('2027-01-14T19:00:00Z');
    // A collector's call, recorded in the console: the daily refit of the risk model reads it.
    await recordCollectionOutcome(bench.db, {
      tenantId: 'acme',
      invoiceId: B,
      customerId: CUSTOMER_ID,
      outcome: 'no_answer',
      promisedFor: null,
      note: null,
      recordedBy: 'collector-1',
    });
    const summary = await evaluateCollections(bench.services, { tenantId: 'acme', day: '2027-01-14' }, now);
    expect(await bench.db.collectionModel.findUnique({ where: { tenantId: 'acme' } })).toMatchObject({
      outcomesUsed: 1,
      ranksWith: 'scorecard',
      trainedAt: now,
    });
    expect(summary.ranksWith).toBe('scorecard');
    expect(summary.planMoves).toEqual({ late: 1, broken: 1 });
    expect((await getPaymentPlan(bench.db, plans[A]!))!.state).toBe('late');
    expect((await getPaymentPlan(bench.db, plans[B]!))!.state).toBe('broken');
    // B is off its plan: dunned from the invoice's due date. A's missed installment is 3 days
    // old: dunning counts from it (its invoice due date now is the plan's last), level p1 at 7.
    expect(summary.dunning).toBe(1);
    const queue = bench.services.queues.get('collections.act');
    expect(await queue.getJob(`coll-act-acme.dunning.${B}.p1-email`)).toBeDefined();
    expect(await queue.getJob(`coll-act-acme.dunning.${A}.p1-email`)).toBeUndefined();
    const later = at('2027-01-19T19:00:00Z');
    await evaluateCollections(bench.services, { tenantId: 'acme', day: '2027-01-19' }, later);
    const job = await queue.getJob(`coll-act-acme.dunning.${A}.p1-email`);
    expect(job?.data).toEqual({ tenantId: 'acme', kind: 'dunning', subjectId: String(A), step: 'p1-email' });
    expect(await act(bench.services, job!.data, later)).toBe('sent');
    // The collection email speaks of the missed installment, not of the invoice's (moved) due date.
    const dunning = emailsAbout(A).filter((m) => m.parsed.subject?.startsWith('Payment 2 of 3'));
    expect(dunning).toHaveLength(1);
    expect(dunning[0]!.parsed.subject).toBe(
      'Payment 2 of 3 for invoice INV-5001: $1,200.00, past due since January 11, 2027',
    );
    expect(dunning[0]!.parsed.text).toContain('The invoice balance is $2,400.01.');
    const [collection] = (await messagesForSubject(bench.db, 'acme', 'invoice', String(A))).filter(
      (m) => m.purpose === 'collection',
    );
    expect(collection).toMatchObject({ step: 'p1-email', state: 'accepted' });
    expect(
      await bench.services.queues.get('collections.act').getJob(`coll-act-acme.plan.${plans[B]}.close`),
    ).toBeDefined();
  });

  it('a broken plan leaves ServiceTitan once, through lost answers: field, closing note, original due date; the tag stays for the running plan', async () => {
    const now = at('2027-01-14T19:30:00Z');
    const before = writes();
    const ref = planReference({ id: plans[B]! });
    // The note writes lose their answers (the client retries the idempotent DELETE itself, and
    // finds the note gone): each is recovered from the read-back, never written twice.
    bench.sim.faults.update({ failAfterCommit: { rate: 1, mode: 'either', match: '/notes', times: 2 } });
    const close = { tenantId: 'acme', kind: 'plan' as const, subjectId: plans[B]!, step: 'close' };
    expect(await untilDone(() => act(bench.services, close, now))).toBeGreaterThan(0);
    bench.sim.faults.update({ failAfterCommit: null });
    const after = writes();
    expect(after.notes - before.notes).toBe(1);
    expect(after.notesDeleted - before.notesDeleted).toBe(1);
    expect(after.tagsRemoved - before.tagsRemoved).toBe(0); // A's plan still runs
    const notes = simMessaging(bench.sim.tenant)
      .notes.get(CUSTOMER_ID)!
      .filter((n) => n.text.includes(ref));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ isPinned: false });
    expect(notes[0]!.text).toBe(
      `Payment plan for invoice ${B} broken on 2027-01-14: $0.00 of $3,600.01 paid since it was agreed. ${ref} closed`,
    );
    expect(simInvoice(B).customFields?.find((f) => f.name === 'Payment plan')?.value).toBe(
      `Plan broken 2027-01-14 ${ref}`,
    );
    expect(simInvoice(B).dueDate).toBe('2026-11-01T00:00:00Z');
    expect(bench.sim.tenant.customers.get(CUSTOMER_ID)).toMatchObject({ tagTypeIds: [7001] });
    expect(await act(bench.services, close, now)).toBe('closed');
    expect(writes()).toEqual(after);
    // Its remaining reminders are not sent.
    const b2 = (await installmentRows(B))[1]!;
    expect(await deliverMessage(bench.services, b2.id, { now: () => b2.dueAt! })).toBe('suppressed');
    expect((await installmentRows(B))[1]!.reason).toBe('the payment plan is broken');
  });

  it('a paid installment is not reminded; a completed plan takes the tag off and keeps the due date', async () => {
    await balance(A, '1200.01'); // caught up: installments 1 and 2 paid
    const a2 = (await installmentRows(A))[1]!;
    expect(await deliverMessage(bench.services, a2.id, { now: () => at('2027-01-15T17:00:00Z') })).toBe(
      'suppressed',
    );
    expect((await installmentRows(A))[1]!.reason).toBe('installment 2 is paid');
    await balance(A, '0.00');
    const now = at('2027-02-01T19:00:00Z');
    const summary = await evaluateCollections(bench.services, { tenantId: 'acme', day: '2027-02-01' }, now);
    expect(summary.planMoves).toEqual({ completed: 1 });
    const close = { tenantId: 'acme', kind: 'plan' as const, subjectId: plans[A]!, step: 'close' };
    const before = writes();
    expect(await act(bench.services, close, now)).toBe('closed');
    expect(await act(bench.services, close, now)).toBe('closed');
    const after = writes();
    expect([
      after.tagsRemoved - before.tagsRemoved,
      after.notes - before.notes,
      after.notesDeleted - before.notesDeleted,
    ]).toEqual([1, 1, 1]);
    expect(bench.sim.tenant.customers.get(CUSTOMER_ID)).toMatchObject({ tagTypeIds: [] });
    expect(simInvoice(A).dueDate).toBe('2027-02-10T00:00:00Z');
    expect(simInvoice(A).customFields?.find((f) => f.name === 'Payment plan')?.value).toBe(
      `Plan completed 2027-02-01 ${planReference({ id: plans[A]! })}`,
    );
    const a3 = (await installmentRows(A))[2]!;
    expect(await deliverMessage(bench.services, a3.id, { now: () => a3.dueAt! })).toBe('suppressed');
    // Of A's three installment reminders, one went out; one collection email after it was late.
    expect((await installmentRows(A)).map((r) => r.state)).toEqual(['accepted', 'suppressed', 'suppressed']);
    expect(emailsAbout(A)).toHaveLength(2);
  });
});
