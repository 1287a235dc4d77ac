// The whole chain on a small tenant: webhook → extract → detect → price → draft → route →
// post, against the simulator over HTTP, with real Postgres and Redis.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { miniTenant } from '../support/mini-tenant.ts';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({
    fixture: miniTenant(60),
    replayLast: 6,
    settings: { policy: { mode: 'auto' } as never },
  });
});
afterAll(async () => {
  await cluster?.stop();
});

it('processes every completed job once and posts or queues each', async () => {
  const played = cluster.sim.play();
  expect(played).toHaveLength(6);
  const settled = await cluster.settle(6);
  const runs = await cluster.db.pipelineRun.findMany();
  expect(runs).toHaveLength(6);
  expect(settled.find((s) => s.status === 'failed')).toBeUndefined();
  const reviews = await cluster.db.reviewItem.count();
  const posted = runs.filter((r) => r.status === 'posted').length;
  expect(posted + reviews).toBe(6);
});
