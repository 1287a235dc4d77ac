// Resume from Postgres alone (after Redis was lost or flushed): every run that is neither
// finished nor waiting on a person is put back on the queue at the stage it had reached.
import { type QueueName, queueForStage } from '@invoicer/core';
import type { Db } from '@invoicer/db';
import { listResumableRuns } from '@invoicer/db';
import type { QueueSet } from '@invoicer/platform';

export async function resumeRuns(
  db: Db,
  queues: QueueSet,
  tenantId?: string,
): Promise<{ runs: number; byQueue: Record<string, number> }> {
  const runs = await listResumableRuns(db, tenantId);
  const byQueue: Record<string, number> = {};
  for (const run of runs) {
    let queue: QueueName;
    if (run.status === 'approved' || run.status === 'posting') {
      queue = 'invoice.post';
      await queues.enqueue(queue, {
        tenantId: run.tenantId,
        runId: run.id,
        revision: Math.max(1, run.draftRevision),
      });
    } else {
      const stage =
        (['extract', 'detect', 'price', 'draft', 'route'] as const).find((s) => s === run.stage) ?? 'extract';
      queue = queueForStage(stage);
      await queues.enqueue(queue, { tenantId: run.tenantId, runId: run.id } as never);
    }
    byQueue[queue] = (byQueue[queue] ?? 0) + 1;
  }
  return { runs: runs.length, byQueue };
}
