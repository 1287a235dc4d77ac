// The payment exception page through the console server on real Postgres: the page for a
// worker-shaped item, links to the invoice review of the same job, and the actions (split,
// not ours, manager-only items), each saved with the person's choice and queued for the worker.
import type { ConsoleApp } from '@invoicer/console';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_OURS_REASONS } from '../../apps/console/src/views/payment-decision.ts';
import { INVOICE_ID, paymentDetails, seedPaymentItem, seedPaymentItems } from './payment-support.ts';
import { createRoleUsers, startTestConsole, TestClient } from './support.ts';

let t: TestDatabase;
let app: ConsoleApp;
let emails: Record<string, string>;
let ids: { invoiceItemId: string; paymentItemId: string };

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startTestConsole({
    DATABASE_URL: t.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: testQueuePrefix('payment-page'),
  });
  emails = await createRoleUsers(t.db);
  ids = await seedPaymentItems(t.db);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

async function specialist(): Promise<TestClient> {
  const client = new TestClient(app.app);
  await client.signIn(emails.billing_specialist!);
  return client;
}

const main = (body: string) => body.slice(body.indexOf('<main'), body.indexOf('</main>'));

describe('the payment page', () => {
  it('shows the decision first, the pending draft explained and linked, and no internal fields', async () => {
    const client = await specialist();
    const res = await client.get(`/items/${ids.paymentItemId}`);
    expect(res.statusCode).toBe(200);
    const page = main(res.body);
    expect(page.indexOf('id="decision-panel"')).toBeLessThan(page.indexOf('id="candidates-title"'));
    expect(page).toContain('Covers invoice INV-1234 including the $85.00 added line pending review');
    expect(page).toContain('which equals the Permit fee added to the pending draft for job 1234 (in review)');
    expect(page).toContain(`href="/items/${ids.invoiceItemId}"`);
    expect(page).toContain('Invoice review for job 1234');
    for (const raw of ['typeCode', 'fingerprint', 'f00dfeedbeef', '0.9759', '0.0759', 'score'])
      expect(page, raw).not.toContain(raw);
    expect(page).toContain('High confidence (98%)');
  });

  it('saves a split of invoices among the candidates and queues it for the worker', async () => {
    const client = await specialist();
    await client.get(`/items/${ids.paymentItemId}`);
    const tooMuch = await client.post(`/items/${ids.paymentItemId}/payment`, {
      action: 'split',
      [`split_${INVOICE_ID}`]: '154.06',
      split_7001: '100.00',
    });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.body).toContain('more than the 239.06 received');
    const stranger = await client.post(`/items/${ids.paymentItemId}/payment`, {
      action: 'split',
      split_999: '10',
    });
    expect(stranger.statusCode).toBe(400);
    expect(stranger.body).toContain('Invoice 999 is not among this payment');

    const res = await client.post(`/items/${ids.paymentItemId}/payment`, {
      action: 'split',
      [`split_${INVOICE_ID}`]: '154.06',
      split_7001: '',
      split_7002: '50',
    });
    expect(res.statusCode).toBe(303);
    const after = await t.db.reviewItem.findUniqueOrThrow({ where: { id: ids.paymentItemId } });
    expect(after.status).toBe('approved');
    expect(after.resolution).toMatchObject({
      action: 'split',
      splits: [
        { invoiceId: INVOICE_ID, referenceNumber: 'INV-1234', amount: '154.06' },
        { invoiceId: 7002, referenceNumber: 'INV-702', amount: '50.00' },
      ],
    });
    const version = String(after.resolvedAt!.getTime());
    const job = await app.services.queues
      .get('payment.reconcile')
      .getJob(`recon-acme.review.${ids.paymentItemId}.v${version}`);
    expect(job?.data).toMatchObject({ subject: 'review', subjectId: ids.paymentItemId });
  });

  it('takes a split from an API client as a list', async () => {
    const id = await seedPaymentItem(t.db, 'payment:bank_line:api-split', {
      reasons: ['over_pay'],
      amount: '239.06',
      details: paymentDetails(ids.invoiceItemId, 'r'),
    });
    const client = await specialist();
    await client.get(`/items/${id}`);
    const res = await client.postJson(`/items/${id}/payment`, {
      action: 'split',
      splits: [{ invoiceId: INVOICE_ID, amount: 239.06 }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, status: 'approved' });
    const after = await t.db.reviewItem.findUniqueOrThrow({ where: { id } });
    expect(after.resolution).toMatchObject({ splits: [{ invoiceId: INVOICE_ID, amount: '239.06' }] });
  });

  it('marks a payment as not ours with the reason chosen', async () => {
    const id = await seedPaymentItem(t.db, 'payment:bank_line:not-ours', {
      reasons: ['no_match'],
      amount: '239.06',
      details: paymentDetails(ids.invoiceItemId, 'r'),
    });
    const client = await specialist();
    await client.get(`/items/${id}`);
    const res = await client.post(`/items/${id}/payment`, { action: 'reject', reason: NOT_OURS_REASONS[1] });
    expect(res.statusCode).toBe(303);
    const after = await t.db.reviewItem.findUniqueOrThrow({ where: { id } });
    expect(after.status).toBe('rejected');
    expect(after.resolution).toMatchObject({ action: 'reject', reason: NOT_OURS_REASONS[1] });
  });

  it('offers only escalation to a specialist when a manager must decide', async () => {
    const id = await seedPaymentItem(t.db, 'payment:bank_line:manager', {
      reasons: ['over_pay'],
      amount: '239.06',
      details: paymentDetails(ids.invoiceItemId, 'r'),
      needsManager: true,
    });
    const client = await specialist();
    const page = main((await client.get(`/items/${id}`)).body);
    expect(page).toContain('A billing manager must resolve this payment.');
    expect(page).toContain('Escalate to a manager');
    expect(page).not.toContain('Apply the suggested match');
    expect(page).not.toContain('data-shortcut="candidate-2"');
  });
});
