// Resume from Postgres alone (after Redis was lost or flushed, or jobs failed for good): every
// run that is neither finished nor waiting on a person is re-driven at the step it had reached.
// A job under the same id that already failed or completed is replaced, so a run whose job died
// for good moves again; a job still moving is left alone.
import type { Db } from '@invoicer/db';
import { listActiveRuns, pendingStep, redriveRun } from '@invoicer/pipeline';
import type { QueueSet } from '@invoicer/platform';

export async function resumeRuns(
  db: Db,
  queues: QueueSet,
  tenantId?: string,
): Promise<{ runs: number; byQueue: Record<string, number>; replaced: number; moving: number }> {
  const runs = await listActiveRuns(db, { tenantId });
  const byQueue: Record<string, number> = {};
  let replaced = 0;
  let moving = 0;
  for (const run of runs) {
    const { queue } = pendingStep(run);
    const outcome = await redriveRun(db, queues, run, {
      maxRedrives: Number.POSITIVE_INFINITY,
      count: false,
    });
    if (outcome === 'replaced') replaced += 1;
    if (outcome === 'moving') moving += 1;
    byQueue[queue] = (byQueue[queue] ?? 0) + 1;
  }
  return { runs: runs.length, byQueue, replaced, moving };
}
