// The undo window against a real cluster (simulator, workers with the post stage) in suggest
// mode: an approval undone inside its window writes nothing to ServiceTitan, even if its post job
// runs anyway; an approval left alone is posted exactly once when its delayed job comes due. Also:
// a reviewer's edits are saved as corrections keyed by the ServiceTitan job, for the learner.
import type { ConsoleApp } from '@invoicer/console';
import { jobIdFor } from '@invoicer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { miniTenant } from '../support/mini-tenant.ts';
import { waitFor } from '../support/wait.ts';
import { createRoleUsers, startTestConsole, TestClient } from './support.ts';

let cluster: TestCluster;
let app: ConsoleApp;
let clerk: TestClient;
let items: { id: string; runId: string; stJobId: number; invoiceId: number }[];

/** ServiceTitan invoice writes the simulator has answered (POST, PATCH, PUT or DELETE). */
function stWrites(): number {
  let n = 0;
  for (const [endpoint, count] of cluster.sim.stats.byEndpoint)
    if (/^(POST|PATCH|PUT|DELETE) .*invoices/.test(endpoint)) n += count;
  return n;
}

beforeAll(async () => {
  cluster = await startTestCluster({
    fixture: miniTenant(24),
    replayLast: 3,
    settings: { policy: { mode: 'suggest' } as never },
  });
  const key = cluster.workers.services.runtime.options.credentialsKey.toString('base64');
  app = await startTestConsole({ ...cluster.env, CREDENTIALS_KEY: key }, { APPROVAL_UNDO_SECONDS: '5' });
  const emails = await createRoleUsers(cluster.db);
  cluster.sim.play();
  await cluster.settle(3);
  const rows = await cluster.db.reviewItem.findMany({ orderBy: { stJobId: 'asc' } });
  const runs = await cluster.db.pipelineRun.findMany();
  items = rows.map((r) => {
    const run = runs.find((x) => x.id === r.runId)!;
    return { id: r.id, runId: r.runId!, stJobId: Number(r.stJobId), invoiceId: Number(run.stInvoiceId) };
  });
  clerk = new TestClient(app.app);
  await clerk.signIn(emails.billing_specialist);
});
afterAll(async () => {
  await app?.close();
  await cluster?.stop();
});

const runOf = (i: number) => cluster.db.pipelineRun.findUniqueOrThrow({ where: { id: items[i]!.runId } });
const postJob = (i: number) =>
  app.services.queues
    .get('invoice.post')
    .getJob(jobIdFor('invoice.post', { tenantId: 'acme', runId: items[i]!.runId, revision: 1 }));

describe('the undo window', () => {
  it('undone inside the window: no ServiceTitan write, even when the post job runs anyway', async () => {
    expect(items).toHaveLength(3);
    const i = 0;
    const invoiceBefore = JSON.stringify(cluster.sim.tenant.invoices.get(items[i]!.invoiceId));
    const writesBefore = stWrites();
    await clerk.get(`/items/${items[i]!.id}`);
    expect((await clerk.post(`/items/${items[i]!.id}/approve`, { revision: '1' })).statusCode).toBe(303);
    expect(await (await postJob(i))!.getState()).toBe('delayed');
    expect((await runOf(i)).status).toBe('approved');

    const undo = await clerk.post(`/items/${items[i]!.id}/undo`);
    expect(undo.statusCode).toBe(303);
    expect(await postJob(i)).toBeUndefined();
    expect((await runOf(i)).status).toBe('awaiting_review');

    // As if the job had slipped past the undo: the post stage finds the run in review.
    await app.services.queues.enqueue('invoice.post', {
      tenantId: 'acme',
      runId: items[i]!.runId,
      revision: 1,
    });
    await waitFor(
      () =>
        cluster.db.auditEvent.count({ where: { runId: items[i]!.runId, action: 'invoice.post_refused' } }),
      (n) => n === 1,
      { timeoutMs: 30_000, what: 'the post stage to refuse the undone approval' },
    );
    expect(stWrites()).toBe(writesBefore);
    expect(JSON.stringify(cluster.sim.tenant.invoices.get(items[i]!.invoiceId))).toBe(invoiceBefore);
    expect(await cluster.db.stWrite.count({ where: { runId: items[i]!.runId } })).toBe(0);
    expect((await runOf(i)).status).toBe('awaiting_review');
    const item = await cluster.db.reviewItem.findUniqueOrThrow({ where: { id: items[i]!.id } });
    expect(item.status).toBe('open');
  });

  it('left alone: waits out the window, then posts exactly once and verifies', async () => {
    const i = 1;
    await clerk.get(`/items/${items[i]!.id}`);
    const approvedAt = Date.now();
    expect((await clerk.post(`/items/${items[i]!.id}/approve`, { revision: '1' })).statusCode).toBe(303);
    const job = await postJob(i);
    expect(await job!.getState()).toBe('delayed');
    expect(job!.opts.delay).toBe(5_000);
    const posted = await waitFor(
      () => runOf(i),
      (r) => r.status === 'posted',
      { timeoutMs: 60_000, what: 'the approved run to post' },
    );
    // Not before the window had passed.
    expect(posted.updatedAt.getTime() - approvedAt).toBeGreaterThanOrEqual(5_000);
    expect(
      await cluster.db.auditEvent.count({ where: { runId: items[i]!.runId, action: 'invoice.posted' } }),
    ).toBe(1);
    expect(cluster.sim.tenant.invoices.get(items[i]!.invoiceId)!.reviewStatus).toBe('Reviewed');
    const writes = stWrites();
    // The same post job again (a duplicate enqueue, a retry) writes nothing more.
    await app.services.queues.enqueueAgain('invoice.post', {
      tenantId: 'acme',
      runId: items[i]!.runId,
      revision: 1,
    });
    await waitFor(
      async () => (await postJob(i))?.getState(),
      (state) => state === 'completed' || state === undefined,
      { timeoutMs: 30_000, what: 'the duplicate post job to finish' },
    );
    expect(stWrites()).toBe(writes);
    // After posting, nothing to undo.
    expect((await clerk.post(`/items/${items[i]!.id}/undo`)).statusCode).toBe(409);
  });
});

describe('reviewer corrections', () => {
  it('saves each edit as a correction keyed by the ServiceTitan job', async () => {
    const i = 2;
    await clerk.get(`/items/${items[i]!.id}`);
    const added = await clerk.post(`/items/${items[i]!.id}/edit`, {
      revision: '1',
      op: 'add',
      sku: 'TRIP',
      quantity: '1',
    });
    expect(added.statusCode).toBe(303);
    const rows = await cluster.db.reviewCorrection.findMany({ where: { runId: items[i]!.runId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      tenantId: 'acme',
      stJobId: BigInt(items[i]!.stJobId),
      kind: 'added',
      fromRevision: 1,
      toRevision: 2,
      createdBy: 'billing.specialist@example.test',
    });
    expect(rows[0]!.quantity?.toString()).toBe('1');
    const line = rows[0]!.lineKey;
    const qty = await clerk.postJson(`/items/${items[i]!.id}/edit`, {
      revision: 2,
      edits: [{ op: 'quantity', key: line, quantity: '2' }],
    });
    expect(qty.statusCode).toBe(200);
    const changed = await cluster.db.reviewCorrection.findFirstOrThrow({
      where: { runId: items[i]!.runId, kind: 'quantity' },
    });
    expect([changed.previousQuantity?.toString(), changed.quantity?.toString()]).toEqual(['1', '2']);
  });
});
