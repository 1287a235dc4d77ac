// The pipeline kernel's guarantees, on a running cluster: a saved stage is never recomputed on a
// retry; `runs:resume` moves runs again after Redis lost every job; posting writes only what a
// person or the policy approved, once, even with three posting jobs at the same moment or a
// crash between a write reaching ServiceTitan and its ledger row.

import { type PricedLine, reviseDraft } from '@invoicer/billing';
import { claimWrite, saveDraft, transitionRun } from '@invoicer/db';
import { resumeRuns } from '@invoicer/ingest';
import { stageValue } from '@invoicer/pipeline';
import { failureHooks, handlerRegistry, sweepRuns } from '@invoicer/workers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { miniTenant } from '../support/mini-tenant.ts';
import { waitFor } from '../support/wait.ts';

let cluster: TestCluster;
let handlers: ReturnType<typeof handlerRegistry>;
const job = (id: string) => ({ job: { id } }) as never;

beforeAll(async () => {
  cluster = await startTestCluster({ fixture: miniTenant(80), replayLast: 14 });
  cluster.sim.play();
  await cluster.settle(14);
  handlers = handlerRegistry(cluster.workers.services);
});
afterAll(async () => {
  await cluster?.stop();
});

async function reviewRuns() {
  return cluster.db.pipelineRun.findMany({
    where: { status: 'awaiting_review' },
    orderBy: { stJobId: 'asc' },
  });
}

/** A run in review, given a revision 2 that adds a line (as a person would in the console). */
async function runWithAddedLines(skip: Set<string>) {
  const run = (await reviewRuns()).find((r) => !skip.has(r.id));
  if (!run) throw new Error('no run left in review');
  skip.add(run.id);
  const extract = (await stageValue(cluster.db, run.id, 'extract'))!;
  const knowledge = await cluster.workers.services.runtime.knowledge(
    run.tenantId,
    new Date(extract.context.job.completedOn),
  );
  const sku = knowledge.catalog.find((s) => s.kind === 'material' && Number(s.price) > 0)!;
  const draft = await cluster.db.draft.findUniqueOrThrow({
    where: { runId_revision: { runId: run.id, revision: 1 } },
  });
  const revised = reviseDraft(
    extract.context,
    knowledge,
    draft.lines as unknown as PricedLine[],
    [],
    [{ op: 'add', skuId: sku.id, quantity: '2' }],
    'tester',
  );
  const doc = revised.document;
  await cluster.db.$transaction(async (tx) => {
    await saveDraft(tx, {
      runId: run.id,
      revision: 2,
      lines: doc.lines,
      subTotal: doc.subTotal,
      salesTax: doc.salesTax,
      total: doc.total,
      document: doc as unknown as Record<string, unknown>,
      createdBy: 'tester',
    });
    await transitionRun(tx, run, 'edited', { draftRevision: 2 });
  });
  const current = await cluster.db.pipelineRun.findUniqueOrThrow({ where: { id: run.id } });
  return { run: current, added: doc.lines.filter((l) => l.origin === 'added') };
}
const used = new Set<string>();

const runState = (id: string) =>
  cluster.db.pipelineRun.findUniqueOrThrow({
    where: { id },
    select: { status: true, stage: true, error: true },
  });
const invoiceOf = (runStInvoiceId: bigint | null) => cluster.sim.tenant.invoices.get(Number(runStInvoiceId))!;
const activeItems = (invoiceId: bigint | null) =>
  (invoiceOf(invoiceId).items ?? []).filter((i) => i.active !== false);

it('does not recompute a saved stage on a retry, and continues the chain from it', async () => {
  const run = (await reviewRuns())[0]!;
  const before = await cluster.db.stageOutput.findMany({
    where: { runId: run.id },
    orderBy: { stage: 'asc' },
  });
  // A retry of a finished stage: nothing is recomputed, nothing moves.
  await handlers['invoice.detect']({ tenantId: run.tenantId, runId: run.id }, job('retry-detect'));
  const after = await cluster.db.stageOutput.findMany({
    where: { runId: run.id },
    orderBy: { stage: 'asc' },
  });
  expect(after.map((o) => [o.stage, o.attempt, o.updatedAt.getTime()])).toEqual(
    before.map((o) => [o.stage, o.attempt, o.updatedAt.getTime()]),
  );

  // Lost after price was saved: the draft and route outputs are gone and the run is still moving.
  // Re-running price continues from its saved handover; draft, evidence and route compute again.
  await cluster.db.stageOutput.deleteMany({
    where: { runId: run.id, stage: { in: ['draft', 'evidence', 'route'] } },
  });
  await cluster.db.reviewItem.deleteMany({ where: { runId: run.id } });
  await cluster.db.pipelineRun.update({ where: { id: run.id }, data: { status: 'running', stage: 'draft' } });
  for (const stage of ['draft', 'evidence', 'route'] as const)
    await (
      await cluster.workers.services.queues.get(`invoice.${stage}`).getJob(`run-${run.id}.${stage}`)
    )?.remove();
  const priceBefore = before.find((o) => o.stage === 'price')!;
  await handlers['invoice.price']({ tenantId: run.tenantId, runId: run.id }, job('retry-price'));
  const settled = await waitFor(
    () => runState(run.id),
    (r) => r.status === 'awaiting_review',
    { timeoutMs: 30_000, what: 'the run to reach review again' },
  );
  expect(settled.stage).toBe('route');
  const price = await cluster.db.stageOutput.findUniqueOrThrow({
    where: { runId_stage: { runId: run.id, stage: 'price' } },
  });
  expect([price.attempt, price.updatedAt.getTime()]).toEqual([
    priceBefore.attempt,
    priceBefore.updatedAt.getTime(),
  ]);
  expect(await cluster.db.reviewItem.count({ where: { runId: run.id, status: 'open' } })).toBe(1);
});

it('a stale stage job for a run that failed meanwhile computes nothing and does not fail', async () => {
  const run = (await reviewRuns())[0]!;
  // The failure path gave up on the run while a duplicate of its route job (after a stall) was
  // still to run: that job must neither compute nor throw a refused transition into retries.
  await cluster.db.stageOutput.deleteMany({ where: { runId: run.id, stage: 'route' } });
  await cluster.db.pipelineRun.update({ where: { id: run.id }, data: { status: 'failed', stage: 'route' } });
  await handlers['invoice.route']({ tenantId: run.tenantId, runId: run.id }, job('stale-route'));
  expect(await cluster.db.stageOutput.count({ where: { runId: run.id, stage: 'route' } })).toBe(0);
  expect((await runState(run.id)).status).toBe('failed');
  // Re-driven (running again), the same job computes and routes it.
  await cluster.db.pipelineRun.update({ where: { id: run.id }, data: { status: 'running', stage: 'route' } });
  await handlers['invoice.route']({ tenantId: run.tenantId, runId: run.id }, job('route-again'));
  expect((await runState(run.id)).status).toBe('awaiting_review');
});

it('runs:resume moves every unfinished run again after Redis lost all its jobs', async () => {
  const runs = (await reviewRuns()).slice(1, 3);
  for (const run of runs) {
    await cluster.db.stageOutput.deleteMany({
      where: { runId: run.id, stage: { in: ['draft', 'evidence', 'route'] } },
    });
    await cluster.db.reviewItem.deleteMany({ where: { runId: run.id } });
    await cluster.db.pipelineRun.update({
      where: { id: run.id },
      data: { status: 'running', stage: 'draft' },
    });
  }
  const redis = new Redis(cluster.env.REDIS_URL!);
  const keys = await redis.keys(`${cluster.prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();

  const resumed = await resumeRuns(cluster.db, cluster.workers.services.queues);
  expect(resumed.runs).toBe(2);
  expect(resumed.byQueue).toEqual({ 'invoice.draft': 2 });
  for (const run of runs)
    await waitFor(
      () => runState(run.id),
      (r) => r.status === 'awaiting_review',
      { timeoutMs: 30_000, what: `run ${run.id} to reach review after resume` },
    );
});

it('runs:resume replaces a job that failed for good without recording it', async () => {
  const run = (await reviewRuns())[3]!;
  await cluster.db.stageOutput.deleteMany({ where: { runId: run.id, stage: 'route' } });
  await cluster.db.reviewItem.deleteMany({ where: { runId: run.id } });
  await cluster.db.pipelineRun.update({ where: { id: run.id }, data: { status: 'running', stage: 'route' } });
  // The route job under its deterministic id fails for good while the run stays running (as
  // when BullMQ fails a job that stalled twice and our failure hook never runs).
  const queue = cluster.workers.services.queues.get('invoice.route');
  await (await queue.getJob(`run-${run.id}.route`))?.remove();
  const stuck = await queue.add(
    'invoice.route',
    { tenantId: run.tenantId, runId: run.id, malformed: true },
    { jobId: `run-${run.id}.route`, attempts: 1 },
  );
  await waitFor(
    () => stuck.getState(),
    (state) => state === 'failed',
    {
      timeoutMs: 30_000,
      what: 'the route job to fail',
    },
  );
  expect((await cluster.db.pipelineRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('running');

  const resumed = await resumeRuns(cluster.db, cluster.workers.services.queues);
  expect(resumed).toMatchObject({ runs: 1, replaced: 1, byQueue: { 'invoice.route': 1 } });
  await waitFor(
    () => runState(run.id),
    (r) => r.status === 'awaiting_review',
    { timeoutMs: 30_000, what: 'the resumed run to reach review' },
  );
});

it('refuses to post a draft nobody approved, and audits the attempt', async () => {
  const { run } = await runWithAddedLines(used);
  const before = JSON.stringify(invoiceOf(run.stInvoiceId));
  await cluster.workers.services.queues.get('invoice.post').add('invoice.post', {
    tenantId: run.tenantId,
    runId: run.id,
    revision: 2,
  });
  await waitFor(
    () => cluster.db.auditEvent.count({ where: { runId: run.id, action: 'invoice.post_refused' } }),
    (n) => n === 1,
    { timeoutMs: 30_000, what: 'the refused posting to be audited' },
  );
  const after = await cluster.db.pipelineRun.findUniqueOrThrow({ where: { id: run.id } });
  expect(after.status).toBe('awaiting_review');
  expect(JSON.stringify(invoiceOf(run.stInvoiceId))).toBe(before);
  expect(await cluster.db.stWrite.count({ where: { runId: run.id } })).toBe(0);
  expect(await cluster.db.reviewItem.count({ where: { runId: run.id, status: 'open' } })).toBe(1);
});

it('three posting jobs at once write each line once', async () => {
  const { run, added } = await runWithAddedLines(used);
  const itemsBefore = activeItems(run.stInvoiceId).length;
  await transitionRun(cluster.db, run, 'approved', { stage: 'post' });
  const payload = { tenantId: run.tenantId, runId: run.id, revision: 2 };
  await Promise.all(['a', 'b', 'c'].map((owner) => handlers['invoice.post'](payload, job(owner))));
  const posted = await cluster.db.pipelineRun.findUniqueOrThrow({ where: { id: run.id } });
  expect(posted.status).toBe('posted');
  expect(activeItems(run.stInvoiceId)).toHaveLength(itemsBefore + added.length);
  const writes = await cluster.db.stWrite.findMany({ where: { runId: run.id } });
  expect(writes.filter((w) => w.operation === 'invoice.item.append')).toHaveLength(added.length);
  expect(writes.every((w) => w.status === 'completed' && w.attempts === 1)).toBe(true);
});

it('a write that reached ServiceTitan before a crash is recovered from the read-back, not sent again', async () => {
  const { run, added } = await runWithAddedLines(used);
  const itemsBefore = activeItems(run.stInvoiceId).length;
  await transitionRun(cluster.db, run, 'approved', { stage: 'post' });
  // The state a crash leaves: the ledger row recorded, the item appended, nothing confirmed.
  const line = added[0]!;
  const key = `post:${run.id}:r2:add:${line.key}`;
  await claimWrite(cluster.db, {
    key,
    tenantId: run.tenantId,
    runId: run.id,
    operation: 'invoice.item.append',
    request: {},
  });
  const client = await cluster.workers.services.runtime.client(run.tenantId);
  await client.patchInvoiceItem(Number(run.stInvoiceId), {
    skuId: line.skuId,
    description: line.description,
    quantity: Number(line.quantity),
    unitPrice: Number(line.unitPrice),
  });

  await handlers['invoice.post']({ tenantId: run.tenantId, runId: run.id, revision: 2 }, job('after-crash'));
  expect((await cluster.db.pipelineRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('posted');
  expect(activeItems(run.stInvoiceId)).toHaveLength(itemsBefore + added.length);
  const write = await cluster.db.stWrite.findUniqueOrThrow({ where: { key } });
  expect(write.status).toBe('completed');
  expect(write.attempts).toBe(2);
});

it('the sweeper re-drives a run whose job is gone, and fails one that made no progress after its re-drives', async () => {
  const [moving, exhausted] = (await reviewRuns()).filter((r) => !used.has(r.id)).slice(-2);
  for (const run of [moving!, exhausted!]) {
    used.add(run.id);
    await cluster.db.stageOutput.deleteMany({ where: { runId: run.id, stage: 'route' } });
    await cluster.db.reviewItem.deleteMany({ where: { runId: run.id } });
    await (
      await cluster.workers.services.queues.get('invoice.route').getJob(`run-${run.id}.route`)
    )?.remove();
  }
  // Left running at route with no job (as when the final failure could not be recorded).
  await cluster.db.pipelineRun.update({
    where: { id: moving!.id },
    data: { status: 'running', stage: 'route' },
  });
  await cluster.db.pipelineRun.update({
    where: { id: exhausted!.id },
    data: { status: 'running', stage: 'route', redrives: 3 },
  });
  const services = cluster.workers.services;
  const hooks = failureHooks(services.db, services.runtime, {});
  // Not yet past its bound: nothing happens.
  expect(await sweepRuns(services, hooks, { maxRedrives: 3 })).toEqual({
    checked: 0,
    redriven: 0,
    failed: 0,
    errors: 0,
  });

  const swept = await sweepRuns(services, hooks, { maxRedrives: 3, boundScale: 0 });
  expect(swept).toMatchObject({ redriven: 1, failed: 1 });
  await waitFor(
    () => runState(moving!.id),
    (r) => r.status === 'awaiting_review',
    { timeoutMs: 30_000, what: 'the re-driven run to reach review' },
  );
  expect((await cluster.db.pipelineRun.findUniqueOrThrow({ where: { id: moving!.id } })).redrives).toBe(1);
  expect((await runState(exhausted!.id)).status).toBe('failed');
  const item = await cluster.db.reviewItem.findFirstOrThrow({ where: { runId: exhausted!.id } });
  expect(item.reasons).toContain('stage_failed');
  expect(item.summary).toMatch(/no progress at invoice.route after 3 re-drive/);
});

it('a crash between marking the invoice Reviewed and writing our status field still ends with both', async () => {
  const { run } = await runWithAddedLines(used);
  await transitionRun(cluster.db, run, 'approved', { stage: 'post' });
  const payload = { tenantId: run.tenantId, runId: run.id, revision: 2 };
  // First attempt dies after its line writes and the reviewStatus PATCH, before the field.
  const client = await cluster.workers.services.runtime.client(run.tenantId);
  const original = client.setInvoiceCustomFields.bind(client);
  client.setInvoiceCustomFields = async () => {
    throw new Error('worker killed');
  };
  const first = await handlers['invoice.post'](payload, job('dies')).catch((e: unknown) => e);
  client.setInvoiceCustomFields = original;
  expect(first).toBeInstanceOf(Error);
  expect(invoiceOf(run.stInvoiceId).reviewStatus).toBe('Reviewed');

  await handlers['invoice.post'](payload, job('dies'));
  expect((await runState(run.id)).status).toBe('posted');
  const field = (invoiceOf(run.stInvoiceId).customFields ?? []).find((f) => f.name === 'AI Draft Status');
  expect(field?.value).toBe('posted r2');
});

/** ServiceTitan calls by endpoint while `act` runs (the simulator's own count). */
async function callsDuring(act: () => Promise<unknown>): Promise<Record<string, number>> {
  cluster.sim.stats.reset();
  await act();
  const calls = cluster.sim.stats.snapshot().byEndpoint as Record<string, number>;
  return Object.fromEntries(Object.entries(calls).filter(([endpoint]) => endpoint.includes('/invoices')));
}

it('posting sends the lines and the Reviewed status in one PATCH, the marker beside it, and reads back once', async () => {
  const { run, added } = await runWithAddedLines(used);
  const itemsBefore = activeItems(run.stInvoiceId).length;
  await transitionRun(cluster.db, run, 'approved', { stage: 'post' });
  const payload = { tenantId: run.tenantId, runId: run.id, revision: 2 };
  const calls = await callsDuring(() => handlers['invoice.post'](payload, job('one-patch')));
  expect((await runState(run.id)).status).toBe('posted');
  expect(activeItems(run.stInvoiceId)).toHaveLength(itemsBefore + added.length);
  expect(invoiceOf(run.stInvoiceId).reviewStatus).toBe('Reviewed');
  // One read to check the invoice is still Pending before its lines change, one read-back.
  expect(calls).toEqual({
    'GET /accounting/v2/tenant/:tenant/invoices': 2,
    'PATCH /accounting/v2/tenant/:tenant/invoices/:id': 1,
    'PATCH /accounting/v2/tenant/:tenant/invoices/custom-fields': 1,
  });
});

it('an API that ignores the items of the invoice PATCH gets them one by one, each once', async () => {
  const { run, added } = await runWithAddedLines(used);
  const itemsBefore = activeItems(run.stInvoiceId).length;
  await transitionRun(cluster.db, run, 'approved', { stage: 'post' });
  const client = await cluster.workers.services.runtime.client(run.tenantId);
  const original = client.patchInvoice.bind(client);
  client.patchInvoice = (id, { items: _ignored, ...rest }) => original(id, rest);
  try {
    const payload = { tenantId: run.tenantId, runId: run.id, revision: 2 };
    const calls = await callsDuring(() => handlers['invoice.post'](payload, job('ignored-items')));
    expect(calls['PATCH /accounting/v2/tenant/:tenant/invoices/:invoiceId/items']).toBe(added.length);
  } finally {
    client.patchInvoice = original;
  }
  expect((await runState(run.id)).status).toBe('posted');
  expect(activeItems(run.stInvoiceId)).toHaveLength(itemsBefore + added.length);
  const writes = await cluster.db.stWrite.findMany({ where: { runId: run.id } });
  expect(writes.every((w) => w.status === 'completed' && w.attempts === 1)).toBe(true);
});

it('an invoice that does not verify after posting loses our status and marker again and goes back to review', async () => {
  const { run } = await runWithAddedLines(used);
  await transitionRun(cluster.db, run, 'approved', { stage: 'post' });
  const client = await cluster.workers.services.runtime.client(run.tenantId);
  const original = client.patchInvoice.bind(client);
  // ServiceTitan prices the appended items its own way (as on a tenant with dynamic pricing).
  client.patchInvoice = (id, body) =>
    original(id, { ...body, items: body.items?.map((item) => ({ ...item, unitPrice: 0 })) });
  try {
    await handlers['invoice.post']({ tenantId: run.tenantId, runId: run.id, revision: 2 }, job('mispriced'));
  } finally {
    client.patchInvoice = original;
  }
  expect((await runState(run.id)).status).toBe('awaiting_review');
  const invoice = invoiceOf(run.stInvoiceId);
  expect(invoice.reviewStatus).toBe('NeedsReview');
  expect(invoice.customFields?.find((f) => f.name === 'AI Draft Status')?.value).toBe('did not verify r2');
  const item = await cluster.db.reviewItem.findFirstOrThrow({ where: { runId: run.id, status: 'open' } });
  expect(item.reasons).toContain('post_mismatch');
});

it('an invoice PATCH applied but answered 500 is recovered from the read-back on retry, nothing appended twice', async () => {
  const { run, added } = await runWithAddedLines(used);
  const itemsBefore = activeItems(run.stInvoiceId).length;
  await transitionRun(cluster.db, run, 'approved', { stage: 'post' });
  const payload = { tenantId: run.tenantId, runId: run.id, revision: 2 };
  // The one PATCH carrying the lines and the status is applied, then its answer is lost.
  cluster.sim.faults.update({
    failAfterCommit: {
      rate: 1,
      mode: 'error',
      match: 'PATCH /accounting/v2/tenant/:tenant/invoices/:id',
      times: 1,
    },
  });
  const first = await handlers['invoice.post'](payload, job('lost-answer')).catch((e: unknown) => e);
  expect(first).toBeInstanceOf(Error);
  expect(activeItems(run.stInvoiceId)).toHaveLength(itemsBefore + added.length);

  await handlers['invoice.post'](payload, job('lost-answer'));
  expect((await runState(run.id)).status).toBe('posted');
  expect(activeItems(run.stInvoiceId)).toHaveLength(itemsBefore + added.length);
  const appends = await cluster.db.stWrite.findMany({
    where: { runId: run.id, operation: 'invoice.item.append' },
  });
  expect(appends).toHaveLength(added.length);
  expect(appends.every((w) => w.status === 'completed' && w.attempts === 2)).toBe(true);
});
