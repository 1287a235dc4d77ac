// Every review action end to end: a real cluster (simulator, ingest, workers) in suggest mode
// so each job becomes a review item, and the console on the same database and queue prefix.
// Decisions go through HTTP with real sessions and CSRF tokens; results are checked in
// Postgres, in the queues and in the simulator's invoices.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ConsoleApp } from '@invoicer/console';
import { getTenantSettings, putTenantSettings, verifyAuditChain } from '@invoicer/db';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { miniTenant } from '../support/mini-tenant.ts';
import { waitFor } from '../support/wait.ts';
import { createRoleUsers, PASSWORD, startTestConsole, TestClient } from './support.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

let cluster: TestCluster;
let app: ConsoleApp;
let items: { id: string; runId: string; stJobId: number; invoiceId: number }[];
let specialist: TestClient;
let manager: TestClient;
let admin: TestClient;

beforeAll(async () => {
  cluster = await startTestCluster({
    fixture: miniTenant(40),
    replayLast: 9,
    settings: { policy: { mode: 'suggest' } as never },
  });
  const key = cluster.workers.services.runtime.options.credentialsKey.toString('base64');
  app = await startTestConsole({ ...cluster.env, CREDENTIALS_KEY: key });
  const emails = await createRoleUsers(cluster.db);
  cluster.sim.play();
  await cluster.settle(9);
  const rows = await cluster.db.reviewItem.findMany({ orderBy: { stJobId: 'asc' } });
  const runs = await cluster.db.pipelineRun.findMany();
  items = rows.map((r) => {
    const runRow = runs.find((x) => x.id === r.runId)!;
    return { id: r.id, runId: r.runId!, stJobId: Number(r.stJobId), invoiceId: Number(runRow.stInvoiceId) };
  });
  specialist = new TestClient(app.app);
  await specialist.signIn(emails.billing_specialist);
  manager = new TestClient(app.app);
  await manager.signIn(emails.billing_manager);
  admin = new TestClient(app.app);
  await admin.signIn(emails.admin);
});
// A decision claims the next item for whoever made it (the page they land on); here each test
// starts with nobody holding anything, as if those claims had lapsed.
beforeEach(async () => {
  await cluster.db.reviewItem.updateMany({ data: { claimedBy: null, claimExpiresAt: null } });
});
afterAll(async () => {
  await app?.close();
  await cluster?.stop();
});

const item = (i: number) => items[i]!;
const runOf = (i: number) => cluster.db.pipelineRun.findUniqueOrThrow({ where: { id: item(i).runId } });
const reviewOf = (i: number) => cluster.db.reviewItem.findUniqueOrThrow({ where: { id: item(i).id } });
const invoiceOf = (i: number) => cluster.sim.tenant.invoices.get(item(i).invoiceId)!;
const posted = (i: number) =>
  waitFor(
    () => runOf(i),
    (r) => r.status === 'posted',
    { timeoutMs: 30_000, what: `run ${i} posted` },
  );

describe('attachments', () => {
  it("reads the job's attachments from ServiceTitan when the item is opened, not while drafting", async () => {
    const jobId = item(0).stJobId;
    cluster.sim.tenant.attachments.put({
      id: 990_001,
      jobId,
      fileName: 'condenser-before.jpg',
      contentType: 'image/jpeg',
      size: 2048,
      createdOn: '2026-01-01T10:00:00Z',
      createdById: 1,
      active: true,
    } as never);
    const page = await specialist.get(`/items/${item(0).id}`);
    expect(page.body).toContain(`hx-get="/items/${item(0).id}/attachments"`);
    const fragment = await specialist.get(`/items/${item(0).id}/attachments`);
    expect(fragment.statusCode).toBe(200);
    expect(fragment.body).toContain('condenser-before.jpg');
    const json = await specialist.get(`/items/${item(0).id}/attachments`, { accept: 'application/json' });
    expect(json.json()).toEqual({
      attachments: [{ id: 990_001, fileName: 'condenser-before.jpg', contentType: 'image/jpeg' }],
    });
  });
});

describe('approve', () => {
  it('approves as drafted, enqueues invoice.post and ends posted and verified', async () => {
    expect(items).toHaveLength(9);
    const page = await specialist.get(`/items/${item(0).id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('You are working this item');
    const res = await specialist.post(`/items/${item(0).id}/approve`, { revision: '1' });
    expect(res.statusCode).toBe(303);
    // Straight on to the next item, already claimed.
    expect(res.headers.location).toMatch(/^\/items\/[0-9a-f-]{36}\?done=approved$/);
    await posted(0);
    const review = await reviewOf(0);
    expect(review.status).toBe('posted');
    expect(review.resolution).toMatchObject({ action: 'approve', revision: 1 });
    expect(invoiceOf(0).reviewStatus).toBe('Reviewed');
    const audit = await cluster.db.auditEvent.findFirstOrThrow({
      where: { runId: item(0).runId, action: 'review.approved' },
    });
    expect(audit.actorType).toBe('user');
    expect(audit.actor).toBe('billing.specialist@example.test');
    expect(audit.data).toMatchObject({
      before: { status: 'open', runStatus: 'awaiting_review' },
      after: { status: 'approved', runStatus: 'approved' },
      by: { role: 'billing_specialist' },
    });
  });
});

describe('edit', () => {
  it('adds a line and changes a quantity, each a new revision with recomputed totals', async () => {
    const i = 1;
    await specialist.get(`/items/${item(i).id}`);
    const added = await specialist.post(`/items/${item(i).id}/edit`, {
      revision: '1',
      op: 'add',
      sku: 'TRIP',
      quantity: '1',
    });
    expect(added.statusCode).toBe(303);
    let run = await runOf(i);
    expect(run.draftRevision).toBe(2);
    // 145.00 capacitor + 9.06 tax (6.25%) + 59.00 trip charge (not taxable).
    expect((await reviewOf(i)).amount.toString()).toBe('213.06');
    const itemKey = `item:${invoiceOf(i).items![0]!.id}`;
    const qty = await specialist.postJson(`/items/${item(i).id}/edit`, {
      revision: 2,
      edits: [{ op: 'quantity', key: itemKey, quantity: '2' }],
    });
    expect(qty.statusCode).toBe(200);
    // 2 × 145.00 = 290.00, tax 18.13 (18.125 rounded half up), + 59.00.
    expect(qty.json()).toMatchObject({ revision: 3, total: '367.13' });
    run = await runOf(i);
    expect(run.draftRevision).toBe(3);
    const page = await specialist.get(`/items/${item(i).id}`);
    expect(page.body).toContain('Draft, revision 3');
    expect(page.body).toContain('data-total="367.13"');
    const audit = await cluster.db.auditEvent.findMany({
      where: { runId: item(i).runId, action: 'review.draft_edited' },
    });
    expect(audit.map((a) => (a.data as { after: { total: string } }).after.total)).toEqual([
      '213.06',
      '367.13',
    ]);
  });

  it('refuses a stale revision and lets only managers set a price', async () => {
    const i = 1;
    const stale = await specialist.post(`/items/${item(i).id}/approve`, { revision: '2' });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('now revision 3');
    const key = `item:${invoiceOf(i).items![0]!.id}`;
    const price = await specialist.postJson(`/items/${item(i).id}/edit`, {
      revision: 3,
      op: 'price',
      key,
      unitPrice: '99.00',
    });
    expect(price.statusCode).toBe(403);
    const unknown = await specialist.postJson(`/items/${item(i).id}/edit`, {
      revision: 3,
      op: 'add',
      sku: 'NOPE',
      quantity: '1',
    });
    expect(unknown.statusCode).toBe(400);
    expect(JSON.stringify(unknown.json())).toContain('no SKU \\"NOPE\\" in the price book');
    expect((await runOf(i)).draftRevision).toBe(3);
  });

  it('posts the edited revision: the simulator invoice shows the added line and the new quantity', async () => {
    const i = 1;
    const res = await specialist.post(`/items/${item(i).id}/approve`, { revision: '3' });
    expect(res.statusCode).toBe(303);
    await posted(i);
    const invoice = invoiceOf(i);
    const active = (invoice.items ?? []).filter((x) => x.active !== false);
    expect(active.map((x) => [x.skuId, Number(x.quantity)]).sort()).toEqual([
      [601, 2],
      [701, 1],
    ]);
    expect(invoice.total).toBe('367.13');
  });

  it('lets a manager set a price', async () => {
    const i = 8;
    await manager.get(`/items/${item(i).id}`);
    const key = `item:${invoiceOf(i).items![0]!.id}`;
    const res = await manager.postJson(`/items/${item(i).id}/edit`, {
      revision: 1,
      op: 'price',
      key,
      unitPrice: '120.00',
    });
    expect(res.statusCode).toBe(200);
    // 120.00 + 7.50 tax.
    expect(res.json()).toMatchObject({ revision: 2, total: '127.50' });
    const draft = await cluster.db.draft.findFirstOrThrow({ where: { runId: item(i).runId, revision: 2 } });
    expect(JSON.stringify(draft.lines)).toContain('set by billing.manager@example.test');
  });
});

describe('reject, escalate, hold', () => {
  it('rejects with a reason and leaves the invoice as the technician left it', async () => {
    const i = 2;
    const before = JSON.stringify(invoiceOf(i));
    await specialist.get(`/items/${item(i).id}`);
    const res = await specialist.post(`/items/${item(i).id}/reject`, { reason: 'Warranty job, no charge' });
    expect(res.statusCode).toBe(303);
    expect((await runOf(i)).status).toBe('rejected');
    const review = await reviewOf(i);
    expect(review.status).toBe('rejected');
    expect(review.resolution).toMatchObject({ action: 'reject', reason: 'Warranty job, no charge' });
    expect(JSON.stringify(invoiceOf(i))).toBe(before);
  });

  it('escalates to a manager: a specialist can no longer approve it, a manager can', async () => {
    const i = 3;
    await specialist.get(`/items/${item(i).id}`);
    expect(
      (await specialist.post(`/items/${item(i).id}/escalate`, { note: 'Customer disputes the trip charge' }))
        .statusCode,
    ).toBe(303);
    const review = await reviewOf(i);
    expect(review).toMatchObject({ status: 'escalated', needsManager: true, claimedBy: null });
    await specialist.get(`/items/${item(i).id}`);
    const refused = await specialist.post(`/items/${item(i).id}/approve`, { revision: '1' });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('A billing manager must approve this item');
    await specialist.post(`/items/${item(i).id}/release`);
    await manager.get(`/items/${item(i).id}`);
    expect((await manager.post(`/items/${item(i).id}/approve`, { revision: '1' })).statusCode).toBe(303);
    await posted(i);
  });

  it('puts on hold and takes off hold, keeping ServiceTitan reviewStatus in step', async () => {
    const i = 4;
    await specialist.get(`/items/${item(i).id}`);
    expect(
      (await specialist.post(`/items/${item(i).id}/hold`, { note: 'waiting for the PO number' })).statusCode,
    ).toBe(303);
    expect((await reviewOf(i)).status).toBe('on_hold');
    expect(invoiceOf(i).reviewStatus).toBe('OnHold');
    const ledger = await cluster.db.stWrite.findMany({
      where: { runId: item(i).runId, operation: 'invoice.reviewStatus' },
    });
    expect(ledger.map((w) => [w.status, (w.response as { reviewStatus: string }).reviewStatus])).toEqual([
      ['completed', 'OnHold'],
    ]);
    await specialist.get(`/items/${item(i).id}`);
    expect((await specialist.post(`/items/${item(i).id}/resume`, { note: '' })).statusCode).toBe(303);
    expect((await reviewOf(i)).status).toBe('open');
    expect(invoiceOf(i).reviewStatus).toBe('NeedsReview');
  });
});

describe('claims over HTTP', () => {
  it('shows who holds an item and refuses anyone else', async () => {
    const i = 5;
    await manager.get(`/items/${item(i).id}`);
    const page = await specialist.get(`/items/${item(i).id}`);
    expect(page.body).toContain('Test billing_manager</strong> is working this item');
    expect(page.body).not.toContain('data-shortcut="approve"');
    const res = await specialist.post(`/items/${item(i).id}/reject`, { reason: 'trying to sneak in' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Test billing_manager is working this item');
    expect((await reviewOf(i)).status).toBe('open');
    await manager.post(`/items/${item(i).id}/release`);
    expect((await reviewOf(i)).claimedBy).toBeNull();
  });
});

describe('settings', () => {
  it('saves policy changes with before/after in the audit, and the manager threshold binds approvals', async () => {
    const form = await admin.get('/settings?tenant=acme');
    expect(form.statusCode).toBe(200);
    const version = /name="version" value="(\d+)"/.exec(form.body)![1]!;
    const body = {
      tenant: 'acme',
      version,
      mode: 'suggest',
      autoApproveConfidence: '0.9',
      amountThreshold: '5000.00',
      managerThreshold: '100.00',
      reviewSlaHours: '24',
      alwaysReviewCustomerIds: '',
      alwaysReviewJobTypeIds: '',
      alwaysReviewCustomerTagIds: '',
      ov_bu: ['10', ''],
      ov_jt: ['1', ''],
      ov_mode: ['auto', ''],
      ov_conf: ['0.95', ''],
      ov_amount: ['', ''],
    };
    const bad = await admin.post('/settings', { ...body, managerThreshold: 'lots', ov_conf: ['2', ''] });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('managerThreshold');
    expect(bad.body).toContain('overrides.1.autoApproveConfidence');
    const ok = await admin.post('/settings', body);
    expect(ok.statusCode).toBe(303);
    const again = await admin.post('/settings', body);
    expect(again.statusCode).toBe(409);
    const audit = await cluster.db.auditEvent.findFirstOrThrow({
      where: { action: 'settings.policy_changed' },
    });
    expect(audit.data).toMatchObject({
      before: { managerThreshold: '2500.00', overrides: [] },
      after: {
        managerThreshold: '100.00',
        overrides: [{ businessUnitId: 10, jobTypeId: 1, mode: 'auto', autoApproveConfidence: 0.95 }],
      },
    });
    const i = 6;
    await specialist.get(`/items/${item(i).id}`);
    const refused = await specialist.post(`/items/${item(i).id}/approve`, { revision: '1' });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('over the manager threshold of $100.00');
  });

  it('shows the recommended threshold beside the one in force and changes it only when an admin accepts', async () => {
    const current = await getTenantSettings(cluster.db, 'acme');
    const recommendation = {
      autoApproveConfidence: 0.8765,
      share: 0.42,
      exactness: 1,
      wilsonLow: 0.9712,
      jobs: 93,
      target: 0.995,
      window: { from: '2026-08-24T00:00:00.000Z', to: '2026-09-21T00:00:00.000Z' },
      computedAt: '2026-11-30T12:00:00.000Z',
      source: 'backtest',
      businessUnits: [
        {
          businessUnitId: 20,
          autoApproveConfidence: null,
          share: 0,
          exactness: null,
          wilsonLow: null,
          jobs: 45,
        },
      ],
    };
    await putTenantSettings(
      cluster.db,
      'acme',
      { ...current, policy: { ...current.policy, recommendation } },
      'backtest-import',
    );
    const inForce = current.policy.autoApproveConfidence;
    const page = await admin.get('/settings?tenant=acme');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Auto-approval threshold');
    expect(page.body).toMatch(
      new RegExp(
        `<th scope="row">Default</th><td class="num">${inForce}</td><td class="num"><strong>0\\.8765</strong>`,
      ),
    );
    expect(page.body).toContain('Wilson low (95%)');
    expect(page.body).toContain('Accept recommended threshold');
    const version = /name="version" value="(\d+)"/.exec(page.body)?.[1];
    expect(version).toBeDefined();
    const accept = { tenant: 'acme', version: version!, action: 'accept_threshold' };
    const unchanged = async () => {
      const p = (await getTenantSettings(cluster.db, 'acme')).policy;
      expect(p.autoApproveConfidence).toBe(inForce);
      expect(p.overrides).toEqual(current.policy.overrides);
    };
    // Other roles never reach it; a missing CSRF token or a stale version changes nothing.
    expect((await manager.post('/settings', accept)).statusCode).toBe(403);
    expect((await admin.post('/settings', accept, { csrf: false })).statusCode).toBe(403);
    expect((await admin.post('/settings', { ...accept, version: '0' })).statusCode).toBe(409);
    await unchanged();
    const ok = await admin.post('/settings', accept);
    expect(ok.statusCode, ok.body.slice(0, 300)).toBe(303);
    const policy = (await getTenantSettings(cluster.db, 'acme')).policy;
    expect(policy.autoApproveConfidence).toBe(0.8765);
    expect(policy.overrides).toEqual([
      ...current.policy.overrides,
      { businessUnitId: 20, autoApproveConfidence: 1 },
    ]);
    expect(policy.mode).toBe(current.policy.mode);
    expect(policy.managerThreshold).toBe(current.policy.managerThreshold);
    const audit = await cluster.db.auditEvent.findFirstOrThrow({
      where: { action: 'settings.threshold_accepted' },
    });
    expect(audit.actor).toBe('admin@example.test');
    expect(audit.data).toMatchObject({
      before: { autoApproveConfidence: inForce },
      after: { autoApproveConfidence: 0.8765 },
      recommendation: { autoApproveConfidence: 0.8765, source: 'backtest' },
    });
    const after = await admin.get('/settings?tenant=acme&saved=threshold');
    expect(after.body).toContain('The recommended threshold is in force.');
    expect(after.body).not.toContain('Accept recommended threshold');
  });

  it('shows the learned conventions, the labor convention among them, as HTML and JSON', async () => {
    const page = await admin.get('/settings?tenant=acme&show=conventions');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h2 id="labor-h">Time-and-materials labor</h2>');
    expect(page.body).toContain('Labor convention (no-labor-sku)');
    expect(page.body).toContain('<h2 id="addon-h">A second flat-rate task</h2>');
    expect(page.body).toMatch(
      /In use: (add-on price for a task the draft adds (after the first task entered|beside a dearer task)|regular price for a second task the draft adds)\./,
    );
    const json = await admin.get('/settings?tenant=acme', { accept: 'application/json' });
    expect(json.statusCode).toBe(200);
    const { conventions } = json.json() as {
      conventions: { invoices: number; labor: Record<string, unknown> & { summary: string[] } };
    };
    expect(conventions.invoices).toBeGreaterThan(0);
    // The mini tenant's price book has no hourly labor: the settings' rules, measured on nothing.
    expect(conventions.labor).toMatchObject({
      status: 'no-labor-sku',
      inUse: 'settings',
      convention: null,
      agreement: null,
      support: 0,
    });
    expect(conventions.labor.settings).toMatch(/^paid hours \(payroll\) per technician per job/);
    expect(conventions.labor.summary.join(' ')).toContain('No hourly labor SKU in the price book');
  });
});

describe('payments', () => {
  it('applies the chosen candidate and enqueues payment.reconcile', async () => {
    const payment = await cluster.db.reviewItem.create({
      data: {
        tenantId: 'acme',
        kind: 'payment',
        subjectKey: 'payment:test-1',
        status: 'open',
        reasons: ['multi_match'],
        amount: '154.06',
        customerName: 'Pat Customer',
        summary: 'Check 1001',
        details: {
          payment: { reference: 'CHK 1001', amount: '154.06' },
          candidates: [
            {
              invoiceNumber: 'INV-5031',
              amount: '154.06',
              confidence: 0.6,
              evidence: [{ kind: 'exact_amount', detail: 'same amount' }],
            },
            {
              invoiceNumber: 'INV-5032',
              amount: '154.06',
              confidence: 0.8,
              evidence: [{ kind: 'reference', detail: 'memo says 5032' }],
            },
          ],
        },
        slaDueAt: new Date(Date.now() + 86_400_000),
      },
    });
    const page = await specialist.get(`/items/${payment.id}`);
    expect(page.body).toContain('memo says 5032');
    expect(page.body).toContain('data-shortcut="candidate-2"');
    const res = await specialist.post(`/items/${payment.id}/payment`, {
      action: 'apply',
      candidateIndex: '1',
    });
    expect(res.statusCode).toBe(303);
    const after = await cluster.db.reviewItem.findUniqueOrThrow({ where: { id: payment.id } });
    expect(after.status).toBe('approved');
    expect(after.resolution).toMatchObject({ action: 'apply', candidateIndex: 1 });
    const version = String(after.resolvedAt!.getTime());
    const job = await app.services.queues
      .get('payment.reconcile')
      .getJob(`recon-acme.review.${payment.id}.v${version}`);
    expect(job?.data).toEqual({ tenantId: 'acme', subject: 'review', subjectId: payment.id, version });
  });
});

describe('audit', () => {
  it('exports a run history as CSV and JSON, and every chain verifies', async () => {
    const csv = await specialist.get(`/audit?run=${item(1).runId}&format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,occurredAt,tenantId,actorType,actor,action,stJobId,runId,reviewItemId,data,prevHash,hash',
    );
    expect(lines.some((l) => l.includes('review.draft_edited'))).toBe(true);
    const json = await specialist.get(`/audit?run=${item(1).runId}&format=json`);
    const events = JSON.parse(json.body) as { action: string }[];
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['ai.extract', 'review.opened', 'review.approved', 'invoice.posted']),
    );
    for (const tenant of ['acme', '_console'])
      expect(await verifyAuditChain(cluster.db, tenant)).toMatchObject({ ok: true });
  });

  it('audit:verify exits 0 on intact chains and 1 naming the first bad event', async () => {
    const env = { ...process.env, DATABASE_URL: cluster.env.DATABASE_URL, LOG_LEVEL: 'error' };
    const cli = path.join(ROOT, 'apps/console/src/cli/audit-verify.ts');
    const ok = await run('npx', ['tsx', cli], { cwd: ROOT, env });
    expect(ok.stdout).toMatch(/ok {6}acme: \d+ event\(s\)/);
    const victim = await cluster.db.auditEvent.findFirstOrThrow({
      where: { tenantId: 'acme', action: 'review.rejected' },
    });
    await cluster.db.$executeRawUnsafe(
      'ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete',
    );
    await cluster.db.$executeRawUnsafe(`UPDATE audit_events SET actor = 'mallory' WHERE id = ${victim.id}`);
    await cluster.db.$executeRawUnsafe(
      'ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete',
    );
    const bad = await run('npx', ['tsx', cli], { cwd: ROOT, env }).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stdout: string }).stdout).toContain(`BROKEN  acme: first bad event is #${victim.id}`);
  });

  it('users:create makes a user from stdin who can sign in', async () => {
    const env = { ...process.env, DATABASE_URL: cluster.env.DATABASE_URL };
    const cli = path.join(ROOT, 'apps/console/src/cli/users-create.ts');
    const child = execFile(
      'npx',
      ['tsx', cli, '--email', 'Root@Example.test', '--name', 'Root', '--role', 'admin', '--password-stdin'],
      { cwd: ROOT, env },
    );
    child.stdin!.end(`${PASSWORD}\n`);
    const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
    expect(code).toBe(0);
    const client = new TestClient(app.app);
    await client.signIn('root@example.test');
    expect((await client.get('/users')).statusCode).toBe(200);
  });
});
