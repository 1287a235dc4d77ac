// Resume from Postgres alone (after Redis was lost or flushed, or jobs failed for good): every
// run that is neither finished nor waiting on a person is put back on the queue at the stage it
// had reached. A job under the same id that already failed or completed is replaced, so a run
// whose job died for good moves again.
import { PIPELINE_STAGES, type PipelineStage, type QueueName } from '@invoicer/core';
import type { Db } from '@invoicer/db';
import { listResumableRuns } from '@invoicer/db';
import { STAGES } from '@invoicer/pipeline';
import type { QueueSet } from '@invoicer/platform';

export async function resumeRuns(
  db: Db,
  queues: QueueSet,
  tenantId?: string,
): Promise<{ runs: number; byQueue: Record<string, number>; replaced: number }> {
  const runs = await listResumableRuns(db, tenantId);
  const byQueue: Record<string, number> = {};
  let replaced = 0;
  for (const run of runs) {
    let queue: QueueName;
    let outcome: Awaited<ReturnType<QueueSet['enqueueAgain']>>;
    if (run.status === 'approved' || run.status === 'posting') {
      queue = 'invoice.post';
      outcome = await queues.enqueueAgain(queue, {
        tenantId: run.tenantId,
        runId: run.id,
        revision: Math.max(1, run.draftRevision),
      });
    } else {
      const stage: PipelineStage = PIPELINE_STAGES.find((s) => s === run.stage) ?? 'extract';
      queue = STAGES[stage].queue;
      outcome = await queues.enqueueAgain(queue, { tenantId: run.tenantId, runId: run.id } as never);
    }
    if (outcome === 'replaced') replaced += 1;
    byQueue[queue] = (byQueue[queue] ?? 0) + 1;
  }
  return { runs: runs.length, byQueue, replaced };
}
