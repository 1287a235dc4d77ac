// The shape every pipeline stage shares: load the run, reuse a persisted output when this
// stage already ran (a retry after the output was saved must not recompute it), otherwise
// compute; persist the output and the run's progress in one transaction; only then enqueue
// the next stage with its deterministic job id.
import { InvalidInputError, type PipelineStage, type QueueName } from '@invoicer/core';
import type { PipelineRun, Tx } from '@invoicer/db';
import { getRun, getStageOutput, type RunStatus, saveStageOutput } from '@invoicer/db';
import type { WorkerServices } from '../services.ts';

export interface StageResult<T> {
  output: T;
  status?: RunStatus;
  next: QueueName | null;
  patch?: Partial<Pick<PipelineRun, 'stInvoiceId' | 'mode' | 'flags' | 'jobCompletedOn'>>;
  inputDigest?: string;
  also?: (tx: Tx) => Promise<void>;
  /** Extra payload for the next queue (e.g. a draft revision). */
  nextPayload?: Record<string, unknown>;
}

export async function loadRun(
  services: WorkerServices,
  tenantId: string,
  runId: string,
): Promise<PipelineRun> {
  const run = await getRun(services.db, runId);
  if (!run) throw new InvalidInputError(`run ${runId} does not exist`);
  if (run.tenantId !== tenantId) throw new InvalidInputError(`run ${runId} belongs to another tenant`);
  return run;
}

/** What a stage persists: its value and the step it hands over to. */
interface SavedOutput<T> {
  value: T;
  next: { queue: QueueName; payload: Record<string, unknown> } | null;
}

export async function requireOutput<T>(
  services: WorkerServices,
  runId: string,
  stage: PipelineStage,
): Promise<T> {
  const output = await getStageOutput<SavedOutput<T>>(services.db, runId, stage);
  if (output === null) throw new Error(`run ${runId} has no ${stage} output yet`);
  return output.value;
}

export async function runStage<T>(
  services: WorkerServices,
  payload: { tenantId: string; runId: string },
  stage: PipelineStage,
  compute: (run: PipelineRun) => Promise<StageResult<T>>,
): Promise<void> {
  const run = await loadRun(services, payload.tenantId, payload.runId);
  if (['posted', 'rejected', 'shadow'].includes(run.status)) return;
  const existing = await getStageOutput<SavedOutput<T>>(services.db, run.id, stage);
  const log = services.log.child({
    tenant: run.tenantId,
    stJobId: Number(run.stJobId),
    runId: run.id,
    stage,
  });
  if (existing !== null) {
    // Saved before a crash or a lost enqueue: continue the chain without recomputing.
    if (existing.next && ['running', 'approved'].includes(run.status)) {
      await services.queues.enqueue(existing.next.queue, existing.next.payload as never);
    }
    log.info('stage output already saved; continuing');
    return;
  }
  const started = performance.now();
  const result = await compute(run);
  const next = result.next
    ? {
        queue: result.next,
        payload: { tenantId: run.tenantId, runId: run.id, ...(result.nextPayload ?? {}) },
      }
    : null;
  await saveStageOutput(
    services.db,
    {
      runId: run.id,
      stage,
      output: { value: result.output, next } satisfies SavedOutput<T>,
      durationMs: performance.now() - started,
      inputDigest: result.inputDigest,
      nextStage: result.next ? result.next.split('.')[1]! : stage,
      status: result.status ?? 'running',
      patch: result.patch,
    },
    result.also,
  );
  if (next) await services.queues.enqueue(next.queue, next.payload as never);
  log.info({ durationMs: Math.round(performance.now() - started), next: result.next }, 'stage done');
}
