// Policies in the console: a billing manager uploads a policy, it is chunked by heading, found by
// full-text search only once approved, and withdrawn or deleted again; other roles are refused.
import { searchPolicies } from '@invoicer/assistant';
import type { ConsoleApp, Role } from '@invoicer/console';
import { upsertTenant } from '@invoicer/db';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRoleUsers, startTestConsole, TestClient } from '../console/support.ts';
import { POLICIES } from './fixtures.ts';

let t: TestDatabase;
let app: ConsoleApp;
let emails: Record<Role, string>;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startTestConsole({
    DATABASE_URL: t.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: testQueuePrefix('pol'),
  });
  emails = await createRoleUsers(t.db);
  for (const id of ['acme', 'other'])
    await upsertTenant(t.db, {
      id,
      stTenantId: id === 'acme' ? 1 : 2,
      name: id,
      apiBaseUrl: 'http://127.0.0.1:1',
      authUrl: 'http://127.0.0.1:1/t',
    });
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

async function as(role: Role) {
  const client = new TestClient(app.app);
  await client.signIn(emails[role]);
  return client;
}

it('a manager uploads, approves, withdraws and deletes a policy; only approved text is searched', async () => {
  const manager = await as('billing_manager');
  const page = await manager.get('/policies?tenant=acme');
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain('Add a policy');

  const bad = await manager.post('/policies', { tenant: 'acme', title: '', kind: 'warranty', body: '' });
  expect(bad.statusCode).toBe(400);
  const added = await manager.post('/policies', {
    tenant: 'acme',
    title: 'Warranty <b>',
    kind: 'warranty',
    body: POLICIES.warranty,
  });
  expect(added.statusCode).toBe(303);
  const listed = await manager.get('/policies?tenant=acme');
  expect(listed.body).toContain('Warranty &lt;b&gt;');
  expect(listed.body).toContain('not approved');
  const doc = await t.db.policyDocument.findFirstOrThrow({
    include: { chunks: { orderBy: { position: 'asc' } } },
  });
  expect(doc.chunks.map((c) => c.heading)).toEqual(['Parts warranty', 'What is not covered']);
  expect(doc.uploadedBy).not.toBe('');

  expect(await searchPolicies(t.db, 'acme', 'is a power surge covered?')).toEqual([]);
  expect(
    (await manager.post('/policies/change', { tenant: 'acme', id: doc.id, action: 'approve' })).statusCode,
  ).toBe(303);
  const hits = await searchPolicies(t.db, 'acme', 'is a power surge covered?');
  expect(hits[0]).toMatchObject({ heading: 'What is not covered', document: 'Warranty <b>' });
  // Misspelled words still find it (trigram similarity).
  expect((await searchPolicies(t.db, 'acme', 'warrenty on parts')).length).toBeGreaterThan(0);
  // Another tenant never sees it.
  expect(await searchPolicies(t.db, 'other', 'power surge covered')).toEqual([]);
  // A tenant the request does not own cannot change it.
  expect(
    (await manager.post('/policies/change', { tenant: 'other', id: doc.id, action: 'delete' })).statusCode,
  ).toBe(404);

  expect(
    (await manager.post('/policies/change', { tenant: 'acme', id: doc.id, action: 'unapprove' })).statusCode,
  ).toBe(303);
  expect(await searchPolicies(t.db, 'acme', 'power surge covered')).toEqual([]);
  expect(
    (await manager.post('/policies/change', { tenant: 'acme', id: doc.id, action: 'delete' })).statusCode,
  ).toBe(303);
  expect(await t.db.policyChunk.count()).toBe(0);
});

it('refuses policies to specialists and engineers, and posts without a CSRF token', async () => {
  for (const role of ['billing_specialist', 'engineer'] as Role[]) {
    const client = await as(role);
    expect((await client.get('/policies?tenant=acme')).statusCode, role).toBe(403);
    expect(
      (await client.post('/policies', { tenant: 'acme', title: 'x', kind: 'other', body: 'y' })).statusCode,
      role,
    ).toBe(403);
  }
  const admin = await as('admin');
  const forged = await admin.post(
    '/policies',
    { tenant: 'acme', title: 'x', kind: 'other', body: 'y' },
    { csrf: false },
  );
  expect(forged.statusCode).toBe(403);
  expect(await t.db.policyDocument.count()).toBe(0);
});

it('shows conversations with their handoffs, and the handoff review item opens', async () => {
  const { ask, LocalAssistantProvider, signLink, linkDigest } = await import('@invoicer/assistant');
  const { generateCustomers, writeMirror } = await import('./fixtures.ts');
  const [customer] = generateCustomers(1);
  await writeMirror(t.db, [customer!]);
  const scope = { tenantId: 'acme', customerId: customer!.customerId, invoiceId: customer!.invoices[0]!.id };
  const digest = linkDigest(signLink('portal-secret-for-tests-0123456789', scope));
  const provider = new LocalAssistantProvider();
  await ask(t.db, { scope, linkDigest: digest, question: 'What is the total?', provider, slaHours: 24 });
  const handoff = await ask(t.db, {
    scope,
    linkDigest: digest,
    question: 'I want to talk to a person <b>now</b>',
    provider,
    slaHours: 24,
  });

  const specialist = await as('billing_specialist');
  const list = await specialist.get('/conversations?tenant=acme');
  expect(list.statusCode).toBe(200);
  expect(list.body).toContain(`/items/${handoff.reviewItemId}`);
  const conversation = await t.db.assistantConversation.findFirstOrThrow();
  const page = await specialist.get(`/conversations?tenant=acme&id=${conversation.id}`);
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain('I want to talk to a person &lt;b&gt;now&lt;/b&gt;');
  expect(page.body).toContain('get_invoice');
  // Another tenant's view does not find it.
  expect((await specialist.get(`/conversations?tenant=other&id=${conversation.id}`)).statusCode).toBe(404);
  const item = await specialist.get(`/items/${handoff.reviewItemId}`);
  expect(item.statusCode).toBe(200);
  expect(item.body).toContain('customer asked for person');
  expect(item.body).toContain(customer!.name);
  // The item shows the customer's conversation, linked to its transcript.
  expect(item.body).toContain('Customer questions (invoice assistant)');
  expect(item.body).toContain(`/conversations?tenant=acme&amp;id=${conversation.id}`);
  expect(item.body).toContain('2 questions');
  const engineer = await as('engineer');
  expect((await engineer.get('/conversations?tenant=acme')).statusCode).toBe(403);

  // Resolving: the item closes, the audit records who and what, reminders resume only if asked.
  await specialist.get(`/conversations?tenant=acme&id=${conversation.id}`);
  const invoiceId = String(customer!.invoices[0]!.id);
  const pauseOpen = () =>
    t.db.messagePause.count({ where: { tenantId: 'acme', subjectId: invoiceId, clearedAt: null } });
  expect(await pauseOpen()).toBe(1);
  const missingNote = await specialist.post('/conversations/resolve', {
    tenant: 'acme',
    id: conversation.id,
    note: '',
  });
  expect(missingNote.statusCode).toBe(400);
  const resolved = await specialist.post('/conversations/resolve', {
    tenant: 'acme',
    id: conversation.id,
    note: 'Called the customer, explained the charge',
    resume: 'on',
  });
  expect(resolved.statusCode).toBe(303);
  expect(await t.db.reviewItem.findUniqueOrThrow({ where: { id: handoff.reviewItemId! } })).toMatchObject({
    status: 'resolved',
    resolution: { note: 'Called the customer, explained the charge', remindersResumed: true },
  });
  expect(await pauseOpen()).toBe(0);
  expect(await t.db.auditEvent.count({ where: { action: 'assistant.resolve', actorType: 'user' } })).toBe(1);
  const again = await specialist.post('/conversations/resolve', {
    tenant: 'acme',
    id: conversation.id,
    note: 'again',
  });
  expect(again.statusCode).toBe(409);
});
