// From "job completed" to a queued run: one run per (tenant, job), created once; the extract
// stage is enqueued with its deterministic job id, so repeats are no-ops.
import type { Db } from '@invoicer/db';
import { type RunTrigger, upsertRun } from '@invoicer/db';
import type { QueueSet } from '@invoicer/platform';

export async function queueCompletedJob(
  db: Db,
  queues: QueueSet,
  input: { tenantId: string; stJobId: number; completedOn: Date | null; trigger: RunTrigger },
): Promise<{ runId: string; created: boolean; enqueued: boolean }> {
  const { run, created } = await upsertRun(db, input);
  // Only a run that has not started is (re)enqueued; later stages enqueue themselves.
  if (run.status !== 'queued') return { runId: run.id, created, enqueued: false };
  await queues.enqueue('invoice.extract', { tenantId: input.tenantId, runId: run.id });
  return { runId: run.id, created, enqueued: true };
}
