// The managers' escalations view and the shop-wide audit page, over HTTP: an escalated item
// shows the clerk's note, who escalated it and when (in the shop's time zone); a manager sends it
// back with an answer the clerk then sees, or approves it from the list; the audit page shows
// local times and changes in words, not JSON.
import type { ConsoleApp } from '@invoicer/console';
import { putTenantSettings } from '@invoicer/db';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoleUsers, seedInvoiceItem, startTestConsole, TestClient } from './support.ts';

let t: TestDatabase;
let app: ConsoleApp;
let clerk: TestClient;
let manager: TestClient;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startTestConsole({
    DATABASE_URL: t.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: testQueuePrefix('escalations'),
  });
  const emails = await createRoleUsers(t.db);
  ids.disputed = (await seedInvoiceItem(t.db, { stJobId: 9101, customerName: 'Hal Disputed' })).itemId;
  ids.approve = (await seedInvoiceItem(t.db, { stJobId: 9102, customerName: 'Ivy Approve' })).itemId;
  ids.open = (await seedInvoiceItem(t.db, { stJobId: 9103, customerName: 'Jo Open' })).itemId;
  await putTenantSettings(t.db, 'acme', { rules: { afterHours: { timezone: 'America/New_York' } } }, 'test');
  clerk = new TestClient(app.app);
  await clerk.signIn(emails.billing_specialist);
  manager = new TestClient(app.app);
  await manager.signIn(emails.billing_manager);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

async function escalate(id: string, note: string) {
  await clerk.get(`/items/${id}`);
  const res = await clerk.post(`/items/${id}/escalate`, { note });
  expect(res.statusCode).toBe(303);
}

describe('escalations', () => {
  it('shows managers each escalated item with the note, who escalated it and when, in the shop’s zone', async () => {
    await escalate(ids.disputed!, 'Customer disputes the <b>trip charge</b>; call before posting.');
    const page = await manager.get('/escalations');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('href="/escalations" aria-current="page"');
    expect(page.body).toContain('Hal Disputed · job 9101');
    expect(page.body).toContain('Customer disputes the &lt;b&gt;trip charge&lt;/b&gt;; call before posting.');
    expect(page.body).toContain('Escalated by <strong>Test billing_specialist</strong>');
    expect(page.body).toMatch(
      /on <time datetime="[^"]+" title="[^"]+ UTC">[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M EST<\/time>/,
    );
    expect(page.body).toContain(`action="/items/${ids.disputed}/send-back"`);
    expect(page.body).toContain(`value="${ids.disputed}:1"`);
    const json = await manager.get('/escalations', { accept: 'application/json' });
    expect(json.json()).toMatchObject({
      tenantId: 'acme',
      items: [{ id: ids.disputed, note: 'Customer disputes the <b>trip charge</b>; call before posting.' }],
    });
    // The item page shows the note too.
    const item = await manager.get(`/items/${ids.disputed}`);
    expect(item.body).toContain('Escalated to a manager');
    expect(item.body).toContain('call before posting.');
    await manager.post(`/items/${ids.disputed}/release`);
  });

  it('is for managers: clerks get no link and a 403', async () => {
    const queue = await clerk.get('/queue');
    expect(queue.body).not.toContain('href="/escalations"');
    expect((await clerk.get('/escalations')).statusCode).toBe(403);
    expect((await clerk.post(`/items/${ids.disputed}/send-back`, { note: 'me too' })).statusCode).toBe(403);
  });

  it('sends an item back with the manager’s answer, which the clerk then reads', async () => {
    await manager.get('/escalations');
    expect((await manager.post(`/items/${ids.disputed}/send-back`, { note: 'ok' })).statusCode).toBe(400);
    const res = await manager.post(`/items/${ids.disputed}/send-back`, {
      note: 'The trip charge stands; approve it as drafted.',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/escalations?tenant=acme&done=sent_back');
    const after = await manager.get(String(res.headers.location));
    expect(after.body).toContain('Sent back to the queue with your answer.');
    expect(after.body).toContain('Nothing is escalated.');
    const item = await t.db.reviewItem.findUniqueOrThrow({ where: { id: ids.disputed } });
    expect(item).toMatchObject({ status: 'open', needsManager: false, claimedBy: null });
    const audit = await t.db.auditEvent.findFirstOrThrow({
      where: { reviewItemId: ids.disputed, action: 'review.sent_back' },
    });
    expect(audit.data).toMatchObject({
      note: 'The trip charge stands; approve it as drafted.',
      before: { status: 'escalated', needsManager: true },
      after: { status: 'open', needsManager: false },
    });
    const page = await clerk.get(`/items/${ids.disputed}`);
    expect(page.body).toContain('The manager’s answer');
    expect(page.body).toContain('The trip charge stands; approve it as drafted.');
    // Not escalated any more: nothing to send back.
    await clerk.post(`/items/${ids.disputed}/release`);
    expect(
      (await manager.post(`/items/${ids.disputed}/send-back`, { note: 'again please' })).statusCode,
    ).toBe(409);
  });

  it('lets a manager approve straight from the list', async () => {
    await escalate(ids.approve!, 'Over my limit?');
    await manager.get('/escalations');
    const res = await manager.post('/queue/approve', { tenant: 'acme', item: `${ids.approve}:1` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('1 approved, 0 refused');
    expect((await t.db.reviewItem.findUniqueOrThrow({ where: { id: ids.approve } })).status).toBe('approved');
  });
});

describe('the shop-wide audit page', () => {
  it('shows times in the shop’s zone and changes in words, not JSON', async () => {
    const page = await manager.get('/audit?tenant=acme');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/[AP]M EST<\/time>/);
    expect(page.body).not.toMatch(/[AP]M CST<\/time>/);
    expect(page.body).toContain('Review: escalated');
    expect(page.body).toContain('Review: sent back');
    expect(page.body).toContain('<li>Status: Open → Escalated</li>');
    expect(page.body).toContain('<li>Needs a manager: no → yes</li>');
    expect(page.body).toContain('<li>Note: “Over my limit?”</li>');
    expect(page.body).toContain('<li>Status: Escalated → Approved (posting)</li>');
    expect(page.body).toContain('<li>Run: awaiting review → approved</li>');
    expect(page.body).toContain('<li>Total: $154.06</li>');
    expect(page.body).toContain('Test billing_manager (billing.manager@example.test)');
    // No JSON objects in the changes.
    const table = page.body.slice(page.body.indexOf('<table class="audit-recent">'));
    expect(table).toContain('</table>');
    expect(table).not.toContain('{&quot;');
  });
});
