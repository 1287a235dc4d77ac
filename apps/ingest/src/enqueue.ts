// From "job completed" to a queued run: one run per (tenant, job), created once; the extract
// stage is enqueued with its deterministic job id, so repeats are no-ops.
//
// An early "job completed" (ServiceTitan still has the job Scheduled or InProgress) fails its
// run at extract. A later completion event or poll, which only ever passes Completed jobs,
// re-opens such a run from extract with a fresh extract job (the failed one is replaced).
import type { Db } from '@invoicer/db';
import { type RunTrigger, reopenRunOnCompletion, upsertRun } from '@invoicer/db';
import type { QueueSet } from '@invoicer/platform';

export async function queueCompletedJob(
  db: Db,
  queues: QueueSet,
  input: { tenantId: string; stJobId: number; completedOn: Date | null; trigger: RunTrigger },
): Promise<{ runId: string; created: boolean; enqueued: boolean; reopened?: boolean }> {
  const { run, created } = await upsertRun(db, input);
  const payload = { tenantId: input.tenantId, runId: run.id };
  if (run.status === 'failed') {
    const reopened = await reopenRunOnCompletion(db, run, input);
    if (!reopened) return { runId: run.id, created, enqueued: false };
    await queues.enqueueAgain('invoice.extract', payload);
    return { runId: run.id, created, enqueued: true, reopened: true };
  }
  // Only a run still at extract is (re)enqueued; later stages enqueue themselves. A waiting or
  // active extract job is left alone; one that failed for good without the run recording it
  // (Postgres was away), or was never added (Redis was away after a re-open), is replaced.
  const atExtract = run.status === 'queued' || (run.status === 'running' && run.stage === 'extract');
  if (!atExtract) return { runId: run.id, created, enqueued: false };
  const outcome = await queues.enqueueAgain('invoice.extract', payload);
  return { runId: run.id, created, enqueued: outcome !== 'in_flight' };
}
