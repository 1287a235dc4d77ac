// The item page's message timeline and resend: a clerk sees what was sent, delivered, bounced
// and replied, and can send the invoice again (to the best or a chosen contact); an engineer
// reads but cannot resend. The resend is a new ledger row queued for the workers.
import type { ConsoleApp } from '@invoicer/console';
import { messagesForSubject, planMessage, recordMessageEvent, setMessageState } from '@invoicer/db';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRoleUsers, seedInvoiceItem, startTestConsole, TestClient } from '../console/support.ts';

let t: TestDatabase;
let app: ConsoleApp;
let clerk: TestClient;
let engineer: TestClient;
let itemId: string;
let emptyItemId: string;
let runId: string;
let messageId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startTestConsole({
    DATABASE_URL: t.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: testQueuePrefix('msgs'),
  });
  const emails = await createRoleUsers(t.db);
  const seeded = await seedInvoiceItem(t.db, { stJobId: 9201, customerName: 'Pat Customer' });
  itemId = seeded.itemId;
  runId = seeded.runId;
  emptyItemId = (await seedInvoiceItem(t.db, { stJobId: 9202 })).itemId;
  const { row } = await planMessage(t.db, {
    tenantId: 'acme',
    subjectKind: 'invoice',
    subjectId: '59201',
    purpose: 'invoice',
    step: 'send',
    revision: 1,
    category: 'transactional',
    runId: seeded.runId,
    customerId: 100,
  });
  messageId = row.id;
  await t.db.message.update({
    where: { id: row.id },
    data: { channel: 'sms', recipient: '+14155550134', state: 'sending' },
  });
  await setMessageState(t.db, row.id, 'accepted', ['sending'], { providerId: 'SM1' });
  await recordMessageEvent(t.db, { messageId: row.id, tenantId: 'acme', kind: 'accepted', detail: {} });
  await recordMessageEvent(t.db, {
    messageId: row.id,
    tenantId: 'acme',
    kind: 'delivered',
    detail: { status: 'delivered' },
  });
  await recordMessageEvent(t.db, {
    messageId: row.id,
    tenantId: 'acme',
    kind: 'replied',
    detail: { keyword: 'stop' },
  });
  clerk = new TestClient(app.app);
  await clerk.signIn(emails.billing_specialist);
  engineer = new TestClient(app.app);
  await engineer.signIn(emails.engineer);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

it('shows the timeline, and the page loads it', async () => {
  const page = await clerk.get(`/items/${itemId}`);
  expect(page.body).toContain(`hx-get="/items/${itemId}/messages"`);
  const res = await clerk.get(`/items/${itemId}/messages`);
  expect(res.statusCode).toBe(200);
  expect(res.body).toContain('data-testid="message-timeline"');
  expect(res.body).toContain('+14155550134');
  for (const label of ['Sent (accepted by the provider)', 'Delivered', 'Replied'])
    expect(res.body).toContain(label);
  expect(res.body).toContain('data-testid="resend-form"');
  // ServiceTitan is unreachable for this seeded tenant: the form still offers the best contact.
  expect(res.body).toContain('Contacts could not be read from ServiceTitan');
  const json = await clerk.get(`/items/${itemId}/messages`, { accept: 'application/json' });
  expect(JSON.parse(json.body).messages).toHaveLength(1);
});

it('an engineer reads the timeline but gets no resend form', async () => {
  const res = await engineer.get(`/items/${itemId}/messages`);
  expect(res.statusCode).toBe(200);
  expect(res.body).not.toContain('data-testid="resend-form"');
});

it('a resend is a new ledger row for the chosen contact, queued once', async () => {
  await clerk.get(`/items/${itemId}`);
  const res = await clerk.post(`/items/${itemId}/messages/resend`, { contactId: '1001' });
  expect(res.statusCode).toBe(303);
  const rows = await messagesForSubject(t.db, 'acme', 'invoice', '59201');
  const manual = rows.find((r) => r.step === 'manual-1');
  expect(manual).toMatchObject({ state: 'planned', contactId: '1001', category: 'transactional' });
  expect(manual?.requestedBy).toBeTruthy();
  const job = await app.services.queues.get('message.send').getJob(`msg-${manual!.id}`);
  expect(job?.data).toEqual({ tenantId: 'acme', messageId: manual!.id });
  const audit = await t.db.auditEvent.findFirst({ where: { action: 'message.resend' } });
  expect(audit?.reviewItemId).toBe(itemId);
});

it('refuses a resend when nothing was sent yet, and a malformed contact', async () => {
  await clerk.get(`/items/${emptyItemId}`);
  expect((await clerk.post(`/items/${emptyItemId}/messages/resend`, {})).statusCode).toBe(409);
  expect((await clerk.post(`/items/${itemId}/messages/resend`, { contactId: 'x; drop' })).statusCode).toBe(
    400,
  );
});

it('a delivery review item (a bounce) shows its page, its timeline and no approve button', async () => {
  const item = await t.db.reviewItem.create({
    data: {
      tenantId: 'acme',
      kind: 'delivery',
      subjectKey: `delivery:${messageId}`,
      runId,
      status: 'open',
      reasons: ['delivery_bounced'],
      amount: '154.06',
      customerName: 'Pat Customer',
      summary: 'The invoice email to p***@example.com bounced',
      details: { messageId },
      slaDueAt: new Date(Date.now() + 86_400_000),
    },
  });
  const queue = await clerk.get('/queue?tenant=acme');
  expect(queue.statusCode).toBe(200);
  expect(queue.body).toContain(item.id);
  const page = await clerk.get(`/items/${item.id}`);
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain(`hx-get="/items/${item.id}/messages"`);
  expect(page.body).not.toContain('/approve"');
  const timeline = await clerk.get(`/items/${item.id}/messages`);
  expect(timeline.body).toContain(`data-message-id="${messageId}"`);
});
