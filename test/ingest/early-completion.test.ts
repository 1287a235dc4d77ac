// An early "job completed" (the job is still in progress in ServiceTitan) fails its run at
// extract. When the real completion arrives later (webhook or poll), ingest re-opens that run
// with a fresh extract job, closes the stale stage_failed review item, and the run is drafted.
import { createHmac } from 'node:crypto';
import { DEMO_WEBHOOK_SECRET } from '@invoicer/demo';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { miniTenant } from '../support/mini-tenant.ts';
import { waitFor } from '../support/wait.ts';

const fixture = miniTenant(60);
let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ fixture, replayLast: 1 });
});
afterAll(async () => {
  await cluster?.stop();
});

it('re-opens a run failed by an early job.completed when the job really completes', async () => {
  // The one held-back job: the latest completed one of the fixture, in progress in the simulator.
  const held = fixture['jpm/jobs']
    .filter((j) => j.jobStatus === 'Completed' && j.completedOn)
    .sort((a, b) => (a.completedOn ?? '').localeCompare(b.completedOn ?? '') || a.id - b.id)
    .at(-1)!;
  const body = JSON.stringify({
    eventId: 'early-1',
    eventType: 'job.completed',
    tenantId: cluster.sim.tenantId,
    createdOn: new Date().toISOString(),
    data: { jobId: held.id, completedOn: new Date().toISOString() },
  });
  const early = await fetch(`${cluster.ingest.url}/webhooks/servicetitan`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-servicetitan-signature': createHmac('sha256', DEMO_WEBHOOK_SECRET).update(body).digest('hex'),
    },
    body,
  });
  expect(early.status).toBe(202);
  const db = cluster.db;
  const runOf = () =>
    db.pipelineRun.findFirst({
      where: { stJobId: held.id },
      select: { id: true, status: true, error: true },
    });
  const failed = await waitFor(runOf, (run) => run?.status === 'failed', {
    timeoutMs: 60_000,
    what: 'the early run to fail',
  });
  expect(JSON.stringify(failed!.error)).toMatch(/not Completed/);
  expect((await db.reviewItem.findFirstOrThrow({ where: { runId: failed!.id } })).reasons).toContain(
    'stage_failed',
  );

  // The real completion: ServiceTitan completes the job and sends its webhook.
  expect(cluster.sim.play(1)).toEqual([held.id]);
  const run = (await waitFor(
    runOf,
    (r) => ['awaiting_review', 'posted', 'shadow'].includes(r?.status ?? ''),
    { timeoutMs: 30_000, what: 'the real completion to draft the run' },
  ))!;
  expect(run.id).toBe(failed!.id);
  expect(await db.pipelineRun.count()).toBe(1);
  const item = await db.reviewItem.findFirst({ where: { runId: run.id } });
  expect(item?.reasons ?? []).not.toContain('stage_failed');
  const audit = await db.auditEvent.findFirst({ where: { runId: run.id, action: 'run.reopened' } });
  expect(audit?.data).toMatchObject({ trigger: 'webhook' });
});
