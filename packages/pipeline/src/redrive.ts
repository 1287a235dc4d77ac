// Moving stuck runs again. A run that is neither final nor waiting on a person always has one
// step it waits on: a stage job, or the posting job of its revision. If that job is not moving
// (missing after Redis was flushed, or failed for good without the failure being recorded), the
// run is re-driven: its job is enqueued again under the same id, replacing a dead one. After
// `maxRedrives` re-drives that made no progress, the run fails with a stage_failed review item.
// `runs:resume` re-drives every active run; the sweeper re-drives those past their bound.
import {
  ACTIVE_RUN_STATUSES,
  jobIdFor,
  type PayloadOf,
  PIPELINE_STAGES,
  QUEUE_CATALOG,
  type QueueName,
} from '@invoicer/core';
import { type Db, sql } from '@invoicer/db';
import type { QueueSet } from '@invoicer/platform';
import { STAGES } from './stages.ts';

export interface ActiveRun {
  id: string;
  tenantId: string;
  status: string;
  stage: string;
  draftRevision: number;
  redrives: number;
  updatedAt: Date;
}

/** The queue and payload a run waits on. */
export function pendingStep(run: ActiveRun): { queue: QueueName; payload: Record<string, unknown> } {
  if (run.status === 'approved' || run.status === 'posting')
    return {
      queue: 'invoice.post',
      payload: { tenantId: run.tenantId, runId: run.id, revision: Math.max(1, run.draftRevision) },
    };
  const stage = PIPELINE_STAGES.find((s) => s === run.stage) ?? 'extract';
  return { queue: STAGES[stage].queue, payload: { tenantId: run.tenantId, runId: run.id } };
}

/** Active runs, oldest progress first; `idleMs` keeps only those idle at least that long. */
export async function listActiveRuns(
  db: Db,
  options: { tenantId?: string; idleMs?: number; limit?: number } = {},
): Promise<ActiveRun[]> {
  const rows = await sql<{
    id: string;
    tenant_id: string;
    status: string;
    stage: string;
    draft_revision: number;
    redrives: number;
    updated_at: Date;
  }>(
    db,
    `SELECT id, tenant_id, status, stage, draft_revision, redrives, updated_at FROM pipeline_runs
      WHERE status = ANY($1::text[]) AND ($2::text IS NULL OR tenant_id = $2)
        AND updated_at <= now() - ($3::int * interval '1 millisecond')
      ORDER BY updated_at LIMIT $4`,
    [[...ACTIVE_RUN_STATUSES], options.tenantId ?? null, options.idleMs ?? 0, options.limit ?? 100_000],
  );
  return rows.map((r) => ({
    id: r.id,
    tenantId: r.tenant_id,
    status: r.status,
    stage: r.stage,
    draftRevision: r.draft_revision,
    redrives: r.redrives,
    updatedAt: r.updated_at,
  }));
}

export type RedriveOutcome = 'moving' | 'redriven' | 'replaced' | 'exhausted' | 'moved_on';

/**
 * Re-drive one run if its step is not moving. Counts the re-drive with a compare-and-set on the
 * run's last progress, so two sweepers never both re-drive it. `exhausted`: the caller fails it.
 */
export async function redriveRun(
  db: Db,
  queues: QueueSet,
  run: ActiveRun,
  options: { maxRedrives: number; count: boolean },
): Promise<RedriveOutcome> {
  const step = pendingStep(run);
  const job = await queues.get(step.queue).getJob(jobIdForStep(step));
  const state = job ? await job.getState() : 'missing';
  if (state !== 'missing' && state !== 'failed' && state !== 'completed' && state !== 'unknown')
    return 'moving';
  if (options.count) {
    if (run.redrives >= options.maxRedrives) return 'exhausted';
    const claimed = await sql<{ id: string }>(
      db,
      `UPDATE pipeline_runs SET redrives = redrives + 1, updated_at = now()
        WHERE id = $1::uuid AND updated_at = $2 AND status = $3 RETURNING id`,
      [run.id, run.updatedAt, run.status],
    );
    if (!claimed.length) return 'moved_on';
  }
  const outcome = await queues.enqueueAgain(step.queue, step.payload as PayloadOf<typeof step.queue>);
  return outcome === 'replaced' ? 'replaced' : outcome === 'in_flight' ? 'moving' : 'redriven';
}

function jobIdForStep(step: { queue: QueueName; payload: Record<string, unknown> }): string {
  const parsed = QUEUE_CATALOG[step.queue].payload.parse(step.payload);
  // Same ids as every producer (core's jobIdFor).
  return jobIdFor(step.queue, parsed as never);
}
