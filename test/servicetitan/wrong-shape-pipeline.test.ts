// ServiceTitan invoices of the wrong shape through the whole pipeline (issue 13), with
// auto-posting on: a reply the schemas refuse (an array for the invoice list) fails each run into
// review with a stage_failed item and writes nothing to ServiceTitan; the workers stay up, and the
// next jobs, once the replies are right again, go through. An HTML page or an empty answer in
// place of the invoice (transient) is retried and the runs finish as if nothing happened.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { miniTenant } from '../support/mini-tenant.ts';
import { waitFor } from '../support/wait.ts';

const INVOICE_READS = 'GET /accounting/v2/tenant/:tenant/invoices';
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({
    fixture: miniTenant(60),
    replayLast: 8,
    settings: { policy: { mode: 'auto' } as never },
  });
});
afterAll(async () => {
  await cluster?.stop();
});

const runs = () => cluster.db.pipelineRun.findMany({ orderBy: { createdAt: 'asc' } });
const writes = () => cluster.db.stWrite.count();

it('fails runs into review on invoice replies of the wrong shape, writing nothing', async () => {
  cluster.sim.faults.update({ wrongShape: { mode: 'array', match: INVOICE_READS } });
  expect(cluster.sim.play(2)).toHaveLength(2);
  await cluster.settle(2);
  const failed = await runs();
  expect(failed.map((r) => r.status)).toEqual(['failed', 'failed']);
  for (const run of failed) {
    const item = await cluster.db.reviewItem.findFirstOrThrow({ where: { runId: run.id } });
    expect(item.status).toBe('open');
    expect(item.reasons).toContain('stage_failed');
    expect(item.summary).toMatch(/Unexpected ServiceTitan response from GET \/accounting\/invoices/);
  }
  expect(await writes()).toBe(0);
});

it('keeps the workers up: with right replies again, the next jobs go through', async () => {
  cluster.sim.faults.update({ wrongShape: null });
  cluster.sim.play(2);
  await cluster.settle(4);
  const later = (await runs()).slice(2);
  expect(later).toHaveLength(2);
  for (const run of later) expect(['posted', 'awaiting_review']).toContain(run.status);
});

async function retriedAndFinished(mode: 'html' | 'empty', settled: number) {
  cluster.sim.faults.update({ wrongShape: { mode, match: INVOICE_READS, times: 2 } });
  cluster.sim.play(2);
  await cluster.settle(settled);
  const last = (await runs()).slice(settled - 2);
  for (const run of last) expect(['posted', 'awaiting_review']).toContain(run.status);
  await waitFor(
    async () => cluster.sim.faults.config.wrongShape,
    (fault) => fault === null,
    { what: 'both wrong answers to have been served' },
  );
  const items = await cluster.db.reviewItem.findMany({ where: { runId: { in: last.map((r) => r.id) } } });
  expect(items.flatMap((i) => i.reasons)).not.toContain('stage_failed');
}

it('retries an HTML page in place of the invoice and finishes the runs', async () => {
  await retriedAndFinished('html', 6);
});

it('retries an empty answer in place of the invoice and finishes the runs', async () => {
  await retriedAndFinished('empty', 8);
});
