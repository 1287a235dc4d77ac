// Wait until the pipeline has finished with every expected run: each run is posted, waiting
// for a person, shadowed or failed, and no queue has work left.
import type { Logger } from '@invoicer/platform';
import type { Cluster } from './cluster.ts';

const MOVING = ['queued', 'running', 'approved', 'posting'];

export async function waitForIdle(
  cluster: Cluster,
  tenantId: string,
  expectedRuns: number,
  log: Logger,
  timeoutMs = 10 * 60_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let lastReport = 0;
  for (;;) {
    const [runs, moving, counts] = await Promise.all([
      cluster.db.pipelineRun.count({ where: { tenantId } }),
      cluster.db.pipelineRun.count({ where: { tenantId, status: { in: MOVING } } }),
      Promise.all(
        [...cluster.ingest.queues.queues.values()].map((q) =>
          q.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
        ),
      ),
    ]);
    const queued = counts.reduce((s, c) => s + Object.values(c).reduce((a, b) => a + b, 0), 0);
    if (runs >= expectedRuns && moving === 0 && queued === 0) return true;
    if (Date.now() > deadline) {
      log.error({ runs, expectedRuns, moving, queued }, 'gave up waiting for the pipeline');
      return false;
    }
    if (Date.now() - lastReport > 5000) {
      process.stdout.write(`  … ${runs - moving}/${expectedRuns} jobs done, ${queued} queued\n`);
      lastReport = Date.now();
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
