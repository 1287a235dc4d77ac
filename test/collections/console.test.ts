// The receivables page over HTTP on a mirror seeded with ServiceTitan-shaped invoices and
// payments: aging to the cent against a reference computed here from the raw records, the
// metrics and charts, the call list ranked by expected recovery, and a collector's outcome
// recorded (audited, fed back: a dispute takes the invoice off the list).

import { draftPlanMessage, planOptions, RISK_MODEL_FEATURES } from '@invoicer/collections';
import type { ConsoleApp } from '@invoicer/console';
import { activePauses, proposePaymentPlan, saveRiskModel, upsertMirror, upsertTenant } from '@invoicer/db';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoleUsers, startTestConsole, TestClient } from '../console/support.ts';

const DAY = 86_400_000;
const now = Date.now();
const iso = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
let invoiceId = 7000;
let paymentId = 9000;
const invoices: Record<string, unknown>[] = [];
const payments: Record<string, unknown>[] = [];

function invoice(
  customer: [number, string],
  bu: [number, string],
  daysAgo: number,
  term: number | null,
  total: string,
  paid: [number, string][] = [],
) {
  const id = invoiceId++;
  const paidCents = paid.reduce((s, [, a]) => s + Math.round(Number(a) * 100), 0);
  const balance = ((Math.round(Number(total) * 100) - paidCents) / 100).toFixed(2);
  invoices.push({
    id,
    invoiceDate: iso(daysAgo),
    dueDate: term === null ? null : iso(daysAgo - term),
    total,
    balance,
    termName: term ? `Net ${term}` : 'Due Upon Receipt',
    customer: { id: customer[0], name: customer[1] },
    businessUnit: { id: bu[0], name: bu[1] },
    active: true,
  });
  for (const [paidDaysAgo, amount] of paid)
    payments.push({
      id: paymentId++,
      date: iso(paidDaysAgo),
      total: amount,
      active: true,
      customer: { id: customer[0], name: customer[1] },
      appliedTo: [{ appliedTo: id, appliedAmount: amount, appliedOn: iso(paidDaysAgo) }],
    });
  return id;
}

const HVAC: [number, string] = [31, 'HVAC'];
const PLUMB: [number, string] = [32, 'Plumbing'];
const ann: [number, string] = [501, 'Ann Slow'];
const bob: [number, string] = [502, 'Bob Prompt'];
const ids: Record<string, number> = {};

let t: TestDatabase;
let app: ConsoleApp;
let clerk: TestClient;
let engineer: TestClient;

beforeAll(async () => {
  // Ann paid 3 of her last 5 more than 30 days after due; Bob always within a few days.
  for (let k = 0; k < 5; k++) {
    invoice(ann, HVAC, 300 - k * 40, 0, '200.00', [[300 - k * 40 - (k < 3 ? 45 : 5), '200.00']]);
    invoice(bob, HVAC, 300 - k * 40, 0, '200.00', [[300 - k * 40 - 2, '200.00']]);
  }
  ids.ann = invoice(ann, HVAC, 40, 0, '3000.00');
  ids.bob = invoice(bob, PLUMB, 40, 0, '2500.00', [[35, '100.00']]);
  ids.cy = invoice([503, 'Cy Small'], PLUMB, 100, 0, '100.00');
  ids.di = invoice([504, 'Di Notdue'], HVAC, 20, 30, '900.00');
  ids.ed = invoice([505, 'Ed Noterms'], HVAC, 15, null, '50.00');
  t = await createTestDatabase();
  await upsertTenant(t.db, {
    id: 'acme',
    stTenantId: 4242,
    name: 'Acme HVAC',
    apiBaseUrl: 'http://127.0.0.1:1',
    authUrl: 'http://127.0.0.1:1/connect/token',
  });
  const rows = (list: Record<string, unknown>[]) =>
    list.map((r) => ({ stId: r.id as number, parentId: null, data: r, modifiedOn: null }));
  await upsertMirror(t.db, 'acme', 'invoices', rows(invoices));
  await upsertMirror(t.db, 'acme', 'payments', rows(payments));
  app = await startTestConsole({
    DATABASE_URL: t.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: testQueuePrefix('collections'),
  });
  const emails = await createRoleUsers(t.db);
  clerk = new TestClient(app.app);
  await clerk.signIn(emails.billing_specialist);
  engineer = new TestClient(app.app);
  await engineer.signIn(emails.engineer);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

/** Reference aging from the raw records: the plain definition, written independently. */
function referenceAging() {
  const out: Record<string, number> = {
    current: 0,
    d1_30: 0,
    d31_60: 0,
    d61_90: 0,
    d91_plus: 0,
    no_due_date: 0,
    total: 0,
  };
  for (const inv of invoices) {
    const cents = Math.round(Number(inv.balance) * 100);
    if (!cents) continue;
    const days = inv.dueDate ? Math.floor((now - Date.parse(inv.dueDate as string)) / DAY) : null;
    const b =
      days === null
        ? 'no_due_date'
        : days <= 0
          ? 'current'
          : days <= 30
            ? 'd1_30'
            : days <= 60
              ? 'd31_60'
              : days <= 90
                ? 'd61_90'
                : 'd91_plus';
    out[b]! += cents;
    out.total! += cents;
  }
  return out;
}

describe('receivables page', () => {
  it('ages the mirror to the cent, per customer and business unit, and shows metrics and charts', async () => {
    const json = (await clerk.get('/collections?tenant=acme', { accept: 'application/json' })).json();
    expect(json.aging.total).toEqual(referenceAging());
    expect(json.aging.total).toMatchObject({
      d31_60: 540_000,
      d91_plus: 10_000,
      current: 90_000,
      no_due_date: 5_000,
      total: 645_000,
    });
    const plumbing = json.aging.byBusinessUnit.find((b: { name: string }) => b.name === 'Plumbing');
    expect(plumbing.cents).toMatchObject({ d31_60: 240_000, d91_plus: 10_000, total: 250_000 });
    expect(json.months).toHaveLength(6);
    const page = await clerk.get('/collections?tenant=acme');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('href="/collections" aria-current="page"');
    expect(page.body).toContain('<svg role="img" aria-labelledby="aging-chart-title"');
    expect(page.body).toContain('<title>31–60: $5,400.00</title>');
    expect(page.body).toContain('CEI = (beginning AR + credit sales − ending AR)');
    expect(page.body).toContain('<strong>$6,450.00</strong>');
    expect(page.body).not.toMatch(/style="/);
  });

  it('ranks the call list by expected recovery with reasons, not by days overdue', async () => {
    const json = (await clerk.get('/collections?tenant=acme', { accept: 'application/json' })).json();
    const order = json.callList.map((c: { invoiceId: number }) => c.invoiceId);
    expect(order).toEqual([ids.bob, ids.ann, ids.cy]); // Di is not due, Ed has no due date
    const annEntry = json.callList[1];
    expect(annEntry.score.reasons.map((r: { text: string }) => r.text)).toContain(
      '3 of last 5 invoices paid more than 30 days after due',
    );
    expect(json.callList[0].expectedRecoveryCents).toBeGreaterThan(annEntry.expectedRecoveryCents);
    expect(json.rankedBy.source).toBe('scorecard');
    const page = await clerk.get('/collections?tenant=acme');
    expect(page.body).toContain('<strong>Ranked by the risk scorecard</strong>: no model fitted yet');
  });

  it("ranks with the shop's learned model once one qualifies, and says so; an outdated one is not used", async () => {
    // A hand-set model: risk rises steeply with the balance, so the small invoice comes first.
    const codes = RISK_MODEL_FEATURES.map((f) => f.code);
    const model = {
      weights: codes.map((c) => (c === 'balance' ? 3 : 0)),
      bias: -20,
      means: codes.map(() => 0),
      scales: codes.map(() => 1),
      trainedOn: 900,
      features: codes,
    };
    const fit = {
      ranksWith: 'model' as const,
      why: "learned from 900 of the shop's own examples; held-out AUC 0.8 vs the scorecard's 0.7",
      trainedAt: new Date('2026-12-05T06:00:00Z'),
      examples: 900,
      holdoutExamples: 200,
      aucModel: 0.8,
      aucScorecard: 0.7,
      aucBaseline: 0.69,
      outcomesUsed: 1,
    };
    await saveRiskModel(t.db, 'acme', { ...fit, model });
    const json = (await clerk.get('/collections?tenant=acme', { accept: 'application/json' })).json();
    expect(json.rankedBy.source).toBe('model');
    expect(json.callList.map((c: { invoiceId: number }) => c.invoiceId)).toEqual([ids.cy, ids.bob, ids.ann]);
    expect(json.callList.every((c: { score: { source: string } }) => c.score.source === 'model')).toBe(true);
    const page = await clerk.get('/collections?tenant=acme');
    expect(page.body).toContain(
      '<strong>Ranked by the shop&#39;s learned model</strong> (fitted 2026-12-05)',
    );
    // A model stored by an older feature set is never applied to today's features.
    await saveRiskModel(t.db, 'acme', { ...fit, model: { ...model, features: codes.slice(1) } });
    const old = (await clerk.get('/collections?tenant=acme', { accept: 'application/json' })).json();
    expect(old.rankedBy).toMatchObject({ source: 'scorecard' });
    expect(old.rankedBy.why).toMatch(/older version/);
    await t.db.collectionModel.deleteMany({ where: { tenantId: 'acme' } });
  });

  it('records a collector outcome (audited); a dispute takes the invoice off the call list', async () => {
    await clerk.get('/collections?tenant=acme');
    const bad = await clerk.post('/collections/outcomes', {
      tenant: 'acme',
      invoice: String(ids.ann),
      outcome: 'promise_to_pay',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('needs the date promised');
    const unknown = await clerk.post('/collections/outcomes', {
      tenant: 'acme',
      invoice: '123',
      outcome: 'dispute',
    });
    expect(unknown.statusCode).toBe(404);
    const res = await clerk.post('/collections/outcomes', {
      tenant: 'acme',
      invoice: String(ids.bob),
      outcome: 'dispute',
      note: 'says the part was under warranty',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/collections?tenant=acme');
    const stored = await t.db.collectionOutcome.findMany({ where: { tenantId: 'acme' } });
    expect(stored.map((o) => [Number(o.invoiceId), Number(o.customerId), o.outcome])).toEqual([
      [ids.bob, 502, 'dispute'],
    ]);
    const audit = await t.db.auditEvent.findMany({
      where: { tenantId: 'acme', action: 'collections.outcome' },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.data).toMatchObject({ invoiceId: String(ids.bob), outcome: 'dispute' });
    const json = (await clerk.get('/collections?tenant=acme', { accept: 'application/json' })).json();
    expect(json.callList.map((c: { invoiceId: number }) => c.invoiceId)).toEqual([ids.ann, ids.cy]);
    expect(json.excluded).toEqual([{ invoiceId: ids.bob, customerName: 'Bob Prompt', reason: 'disputed' }]);
    // The dispute also pauses reminders and dunning in the delivery's contact policy.
    expect(await activePauses(t.db, 'acme', 'invoice', String(ids.bob), new Date())).toContain('dispute');
  });

  it('a CSR accepts a plan option: paused, audited, handed to collections.act; accepting again changes nothing', async () => {
    const { plan } = await proposePaymentPlan(t.db, {
      tenantId: 'acme',
      invoiceId: ids.ann!,
      customerId: 501,
      balanceCents: 300_000,
      options: planOptions(300_000, new Date('2026-12-05T12:00:00Z')),
      reasons: [
        '3 of last 5 invoices paid more than 30 days after due',
        '40 days past due',
        'open balance $3,000.00',
      ],
      // The suggestion's draft states the shortest option (2 × $1,500.00).
      draft: draftPlanMessage({
        businessName: 'Acme HVAC',
        customerName: 'Ann Slow',
        invoiceNumber: String(ids.ann),
        balanceCents: 300_000,
        option: planOptions(300_000, new Date('2026-12-05T12:00:00Z'))[0]!,
      }),
    });
    const page = await clerk.get('/collections/plans?tenant=acme');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('$1,000.00 due 2026-12-12');
    expect(page.body).toContain('3 of last 5 invoices paid more than 30 days after due');
    const res = await clerk.post('/collections/plans/accept', { tenant: 'acme', plan: plan.id, count: '3' });
    expect(res.statusCode).toBe(303);
    const saved = await t.db.paymentPlan.findUniqueOrThrow({ where: { id: plan.id } });
    expect(saved.state).toBe('accepted');
    expect((saved.installments as { cents: number }[]).map((i) => i.cents)).toEqual([
      100_000, 100_000, 100_000,
    ]);
    // Accepting 3 installments: the draft states those, not the suggestion's two.
    expect(saved.draft).toContain('$1,000.00 due December 12, 2026');
    expect(saved.draft).not.toContain('$1,500.00');
    expect(await activePauses(t.db, 'acme', 'invoice', String(ids.ann), new Date())).toContain('plan');
    const job = await app.services.queues
      .get('collections.act')
      .getJob(`coll-act-acme.plan.${plan.id}.represent`);
    expect(job?.data).toEqual({ tenantId: 'acme', kind: 'plan', subjectId: plan.id, step: 'represent' });
    const again = await clerk.postJson('/collections/plans/accept', {
      tenant: 'acme',
      plan: plan.id,
      count: 3,
    });
    expect(again.json()).toEqual({ planId: plan.id, accepted: false });
    const other = await clerk.post('/collections/plans/accept', {
      tenant: 'acme',
      plan: plan.id,
      count: '2',
    });
    expect(other.statusCode).toBe(409);
    expect(
      await t.db.auditEvent.count({ where: { tenantId: 'acme', action: 'collections.plan_accepted' } }),
    ).toBe(1);
    // On a running plan, the invoice leaves the call list.
    const json = (await clerk.get('/collections?tenant=acme', { accept: 'application/json' })).json();
    expect(json.callList.map((c: { invoiceId: number }) => c.invoiceId)).toEqual([ids.cy]);
  });

  it('engineers read the page but cannot record outcomes; an unknown tenant is a 404', async () => {
    expect((await engineer.get('/collections?tenant=acme')).statusCode).toBe(200);
    await engineer.get('/collections?tenant=acme');
    const res = await engineer.post('/collections/outcomes', {
      tenant: 'acme',
      invoice: String(ids.ann),
      outcome: 'no_answer',
    });
    expect(res.statusCode).toBe(403);
    expect((await clerk.get('/collections?tenant=nope')).statusCode).toBe(404);
  });
});
