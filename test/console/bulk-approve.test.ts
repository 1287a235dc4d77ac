// Bulk approve from the queue, and undoing an approval inside its window, over HTTP with real
// sessions and CSRF tokens: each ticked item is approved on its own through the state machine
// with a delayed invoice.post job of its own, or refused with the reason; an undo inside the
// window removes the job and returns the item to review; after the window, or by someone else,
// it is refused. (Posting itself, with the worker: approval-undo.test.ts.)
import { type ConsoleApp, ensureUser } from '@invoicer/console';
import { jobIdFor } from '@invoicer/core';
import { saveDraft } from '@invoicer/db';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoleUsers, PASSWORD, seedInvoiceItem, startTestConsole, TestClient } from './support.ts';

let t: TestDatabase;
let app: ConsoleApp;
let clerk: TestClient;
let otherClerk: TestClient;
let manager: TestClient;
let engineer: TestClient;
const items: Record<string, { itemId: string; runId: string }> = {};

const postJob = (runId: string, revision = 1) =>
  app.services.queues
    .get('invoice.post')
    .getJob(jobIdFor('invoice.post', { tenantId: 'acme', runId, revision }));
const itemOf = (key: string) => t.db.reviewItem.findUniqueOrThrow({ where: { id: items[key]!.itemId } });
const runOf = (key: string) => t.db.pipelineRun.findUniqueOrThrow({ where: { id: items[key]!.runId } });

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startTestConsole(
    { DATABASE_URL: t.url, REDIS_URL: testRedisUrl(), QUEUE_PREFIX: testQueuePrefix('bulk') },
    { APPROVAL_UNDO_SECONDS: '60' },
  );
  const emails = await createRoleUsers(t.db);
  await ensureUser(t.db, {
    email: 'clerk.two@example.test',
    name: 'Clerk Two',
    role: 'billing_specialist',
    password: PASSWORD,
  });
  const seeds: [string, Parameters<typeof seedInvoiceItem>[1]][] = [
    ['plain', { stJobId: 8101, customerName: 'Ann Plain' }],
    ['second', { stJobId: 8102, customerName: 'Bob Second' }],
    ['manager', { stJobId: 8103, customerName: 'Cy Bigjob', needsManager: true }],
    ['changed', { stJobId: 8104, customerName: 'Di Changed' }],
    ['held', { stJobId: 8105, customerName: 'Ed Held' }],
    ['undo', { stJobId: 8106, customerName: 'Flo Undo' }],
    ['late', { stJobId: 8107, customerName: 'Gus Late' }],
    ['racing', { stJobId: 8108, customerName: 'Hy Racing' }],
    ['beta', { tenantId: 'beta', tenantName: 'Beta', stTenantId: 5353, stJobId: 8999 }],
  ];
  for (const [key, seed] of seeds) items[key] = await seedInvoiceItem(t.db, seed);
  clerk = new TestClient(app.app);
  await clerk.signIn(emails.billing_specialist);
  otherClerk = new TestClient(app.app);
  await otherClerk.signIn('clerk.two@example.test');
  manager = new TestClient(app.app);
  await manager.signIn(emails.billing_manager);
  engineer = new TestClient(app.app);
  await engineer.signIn(emails.engineer);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

describe('bulk approve', () => {
  it('offers a checkbox per open invoice item with the revision shown, to staff only', async () => {
    const page = await clerk.get('/queue?tenant=acme');
    expect(page.body).toContain('action="/queue/approve"');
    expect(page.body).toContain(`value="${items.plain!.itemId}:1" form="bulk-approve"`);
    const readOnly = await engineer.get('/queue?tenant=acme');
    expect(readOnly.body).not.toContain('form="bulk-approve"');
  });

  it('approves each item on its own and says, per item, which were refused and why', async () => {
    // Meanwhile: a new draft revision, and another clerk working an item.
    const changed = await runOf('changed');
    const draft = await t.db.draft.findFirstOrThrow({ where: { runId: changed.id } });
    await saveDraft(t.db, {
      runId: changed.id,
      revision: 2,
      lines: draft.lines as never,
      subTotal: draft.subTotal.toString(),
      salesTax: draft.salesTax.toString(),
      total: draft.total.toString(),
      document: draft.document as never,
      createdBy: 'clerk.two@example.test',
    });
    await t.db.pipelineRun.update({ where: { id: changed.id }, data: { draftRevision: 2 } });
    expect((await otherClerk.get(`/items/${items.held!.itemId}`)).body).toContain(
      'You are working this item',
    );
    await clerk.get('/queue?tenant=acme');

    const picks = ['plain', 'second', 'manager', 'changed', 'held', 'beta'].map(
      (k) => `${items[k]!.itemId}:1`,
    );
    const res = await clerk.post('/queue/approve', { tenant: 'acme', item: picks });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('2 approved, 4 refused');
    const rows = [...res.body.matchAll(/<tr data-result="(\w+)">([\s\S]*?)<\/tr>/g)].map((m) => [
      m[1],
      m[2]!
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    ]);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toEqual([
      'approved',
      expect.stringMatching(/^Ann Plain · job 8101 Approved Posting starts in \d+ s\. Undo$/),
    ]);
    expect(rows[1]![0]).toBe('approved');
    expect(rows[2]).toEqual([
      'refused',
      expect.stringContaining('Above your approval limit: A billing manager must approve this item'),
    ]);
    expect(rows[3]).toEqual([
      'refused',
      expect.stringContaining(
        'Changed meanwhile: The draft is now revision 2. Open it to review the change.',
      ),
    ]);
    expect(rows[4]).toEqual(['refused', expect.stringContaining('Clerk Two is working on it right now.')]);
    expect(rows[5]).toEqual(['refused', 'Unknown item Refused There is no such review item.']);

    for (const key of ['plain', 'second']) {
      expect((await itemOf(key)).status).toBe('approved');
      expect((await runOf(key)).status).toBe('approved');
      // Its own post job, waiting out the undo window.
      const job = await postJob(items[key]!.runId);
      expect(await job!.getState()).toBe('delayed');
      expect(job!.opts.delay).toBe(60_000);
      const audit = await t.db.auditEvent.count({
        where: { reviewItemId: items[key]!.itemId, action: 'review.approved' },
      });
      expect(audit).toBe(1);
    }
    for (const key of ['manager', 'changed', 'held']) {
      expect((await itemOf(key)).status).toBe('open');
      expect((await runOf(key)).status).toBe('awaiting_review');
      expect(await postJob(items[key]!.runId)).toBeUndefined();
    }
    expect((await itemOf('held')).claimedBy).not.toBeNull();
    expect((await t.db.reviewItem.findUniqueOrThrow({ where: { id: items.beta!.itemId } })).status).toBe(
      'open',
    );
  });

  it('lets a manager approve what was above the clerk’s limit (JSON for API clients)', async () => {
    await manager.get('/queue?tenant=acme');
    const res = await manager.postJson('/queue/approve', {
      tenant: 'acme',
      item: [`${items.manager!.itemId}:1`],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ results: [{ itemId: items.manager!.itemId, approved: true }] });
    expect((await runOf('manager')).status).toBe('approved');
  });

  it('refuses a bulk approve without the CSRF token, or with nothing ticked', async () => {
    const forged = await clerk.post('/queue/approve', {
      tenant: 'acme',
      item: `${items.undo!.itemId}:1`,
      _csrf: 'forged',
    });
    expect(forged.statusCode).toBe(403);
    expect((await itemOf('undo')).status).toBe('open');
    const empty = await clerk.post('/queue/approve', { tenant: 'acme' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('tick at least one item');
  });
});

describe('undo inside the window', () => {
  it('offers the approver a countdown and an Undo button (u) on every page until posting starts', async () => {
    await clerk.get(`/items/${items.undo!.itemId}`);
    const approved = await clerk.post(`/items/${items.undo!.itemId}/approve`, { revision: '1' });
    expect(approved.statusCode).toBe(303);
    const page = await clerk.get(String(approved.headers.location));
    expect(page.body).toContain('hx-get="/approvals/pending"');
    const banner = await clerk.get('/approvals/pending');
    expect(banner.statusCode).toBe(200);
    expect(banner.body).toContain(`action="/items/${items.undo!.itemId}/undo"`);
    expect(banner.body).toMatch(
      /Approved Flo Undo · job 8106 \(\$154\.06\)\. Posting starts in <span data-countdown-until="[^"]+">(60|59)<\/span> s\./,
    );
    expect(banner.body).toContain('data-shortcut="undo"');
    // Only the approver's own approvals.
    expect((await otherClerk.get('/approvals/pending')).statusCode).toBe(204);
  });

  it('refuses someone else’s undo, then undoes the approver’s: back in review, no post job, audited', async () => {
    const id = items.undo!.itemId;
    await otherClerk.get('/queue?tenant=acme');
    const stranger = await otherClerk.post(`/items/${id}/undo`);
    expect(stranger.statusCode).toBe(403);
    expect(await postJob(items.undo!.runId)).toBeDefined();

    const res = await clerk.post(`/items/${id}/undo`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/items/${id}?done=undone`);
    const item = await itemOf('undo');
    expect(item.status).toBe('open');
    expect(item.resolution).toBeNull();
    expect(item.claimedBy).not.toBeNull();
    expect((await runOf('undo')).status).toBe('awaiting_review');
    expect(await postJob(items.undo!.runId)).toBeUndefined();
    const audit = await t.db.auditEvent.findFirstOrThrow({
      where: { reviewItemId: id, action: 'review.approval_undone' },
    });
    expect(audit.actor).toBe('billing.specialist@example.test');
    expect(audit.data).toMatchObject({
      revision: 1,
      before: { status: 'approved', runStatus: 'approved' },
      after: { status: 'open', runStatus: 'awaiting_review' },
    });
    const page = await clerk.get(String(res.headers.location));
    expect(page.body).toContain('Approval undone: nothing was posted');
    // The bulk approvals above are still in their window; this one is no longer offered.
    expect((await clerk.get('/approvals/pending')).body).not.toContain(id);
    // A second undo has nothing to undo.
    expect((await clerk.post(`/items/${id}/undo`)).statusCode).toBe(409);
    // Approved again, it posts again (a fresh delayed job under the same id).
    await clerk.post(`/items/${id}/approve`, { revision: '1' });
    expect(await (await postJob(items.undo!.runId))!.getState()).toBe('delayed');
  });

  it('does not offer or allow an undo once the window has passed', async () => {
    const id = items.late!.itemId;
    await clerk.get(`/items/${id}`);
    await clerk.post(`/items/${id}/approve`, { revision: '1' });
    const item = await itemOf('late');
    await t.db.reviewItem.update({
      where: { id },
      data: {
        resolution: { ...(item.resolution as object), undoUntil: new Date(Date.now() - 1000).toISOString() },
      },
    });
    const banner = await clerk.get('/approvals/pending');
    expect(banner.body).not.toContain(id);
    const res = await clerk.post(`/items/${id}/undo`);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Posting has already started; this approval can no longer be undone.');
    expect((await runOf('late')).status).toBe('approved');
    expect(await postJob(items.late!.runId)).toBeDefined();
  });

  it('refuses an undo once the post stage has claimed the run, even inside the window', async () => {
    const id = items.racing!.itemId;
    await clerk.get(`/items/${id}`);
    await clerk.post(`/items/${id}/approve`, { revision: '1' });
    // The post stage's claim: approved -> posting under a compare-and-set (claimPosting).
    await t.db.pipelineRun.update({ where: { id: items.racing!.runId }, data: { status: 'posting' } });
    const res = await clerk.post(`/items/${id}/undo`);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Posting has already started');
    expect((await itemOf('racing')).status).toBe('approved');
    expect((await runOf('racing')).status).toBe('posting');
    expect(
      await t.db.auditEvent.count({ where: { reviewItemId: id, action: 'review.approval_undone' } }),
    ).toBe(0);
  });
});
