// The stage runner: one shape for every pipeline stage. It loads the run and the stage's saved
// inputs in one round trip; reuses a saved output when this stage already ran (a retry after
// the output was saved must not recompute it); otherwise computes, then saves the output and
// moves the run by the state machine in one transaction; only then enqueues the next stage
// with its deterministic job id. Stages are defined once in @invoicer/pipeline.
import {
  InvalidInputError,
  isFinalStatus,
  type PipelineStage,
  type QueueName,
  type RunEvent,
} from '@invoicer/core';
import type { AuditInput, DraftInput, RunPatch, RunState, SqlTx } from '@invoicer/db';
import { loadRunForStage, saveStageResult } from '@invoicer/db';
import { readSaved, type SavedOutput, STAGES, type StageOutputs } from '@invoicer/pipeline';
import type { WorkerServices } from '../services.ts';

export interface StageResult<T> {
  output: T;
  /** How the run moves (default: on to the next stage). */
  event?: RunEvent;
  /** The queue to hand over to; defaults to the stage's `next` in the catalogue. */
  next?: QueueName | null;
  patch?: RunPatch;
  inputDigest?: string;
  /** The stage's audit event, saved in the same statement as its output. */
  audit?: AuditInput;
  /** A draft revision, saved in the same statement as the output. */
  draft?: DraftInput;
  also?: (tx: SqlTx) => Promise<void>;
  /** Extra payload for the next queue (e.g. a draft revision). */
  nextPayload?: Record<string, unknown>;
}

export type StageInputs<S extends PipelineStage> = {
  [I in (typeof STAGES)[S]['inputs'][number]]: StageOutputs[I];
} & {
  /** The stage's optional inputs that were saved. */
  readonly optional: Partial<StageOutputs>;
};

export type StageCompute<S extends PipelineStage> = (
  run: RunState,
  inputs: StageInputs<S>,
) => Promise<StageResult<StageOutputs[S]>>;

/** Statuses in which a stage's saved handover may be replayed. */
const CONTINUABLE = ['queued', 'running', 'approved'];
/** Statuses in which a stage computes (a failed run is re-driven to running first). */
const COMPUTING = ['queued', 'running'];

export async function runStage<S extends PipelineStage>(
  services: WorkerServices,
  payload: { tenantId: string; runId: string },
  stage: S,
  compute: StageCompute<S>,
): Promise<void> {
  const definition = STAGES[stage];
  const loaded = await loadRunForStage(services.db, payload.runId, [
    stage,
    ...definition.inputs,
    ...definition.optional,
  ]);
  if (!loaded) throw new InvalidInputError(`run ${payload.runId} does not exist`);
  const { run, outputs } = loaded;
  if (run.tenantId !== payload.tenantId)
    throw new InvalidInputError(`run ${payload.runId} belongs to another tenant`);
  if (isFinalStatus(run.status)) return;
  const log = services.log.child({
    tenant: run.tenantId,
    stJobId: Number(run.stJobId),
    runId: run.id,
    stage,
  });
  const existing = outputs[stage];
  if (existing !== undefined) {
    // Saved before a crash or a lost enqueue: continue the chain without recomputing. The next
    // step's job may have completed or failed already under its id: it is replaced (every
    // stage skips what it has saved, so running it again is harmless).
    const saved = readSaved(stage, existing);
    if (saved.next && CONTINUABLE.includes(run.status))
      await services.queues.enqueueAgain(saved.next.queue, saved.next.payload as never);
    log.info('stage output already saved; continuing');
    return;
  }
  if (!COMPUTING.includes(run.status)) {
    // A stale job (a duplicate after a stall, or one the failure path already gave up on): the
    // run moved on without it. Computing would only end in a transition the run refuses.
    log.info({ status: run.status }, 'run is not at a computing status; stage skipped');
    return;
  }
  const optional = Object.fromEntries(
    definition.optional
      .filter((input) => outputs[input] !== undefined)
      .map((input) => [input, readSaved(input, outputs[input]).value]),
  );
  const inputs = Object.fromEntries([
    ...definition.inputs.map((input) => {
      const raw = outputs[input];
      if (raw === undefined) throw new Error(`run ${run.id} has no ${input} output yet`);
      return [input, readSaved(input, raw).value];
    }),
    ['optional', optional],
  ]) as StageInputs<S>;

  const started = performance.now();
  const result = await compute(run, inputs);
  const nextQueue = result.next === undefined ? definition.next : result.next;
  const next = nextQueue
    ? {
        queue: nextQueue,
        payload: { tenantId: run.tenantId, runId: run.id, ...(result.nextPayload ?? {}) },
      }
    : null;
  await saveStageResult(
    services.db,
    {
      run,
      stage,
      output: { value: result.output, next } satisfies SavedOutput<StageOutputs[S]>,
      durationMs: performance.now() - started,
      inputDigest: result.inputDigest,
      audit: result.audit,
      draft: result.draft,
      event: result.event ?? 'stage_done',
      patch: { stage: nextQueue ? nextQueue.split('.')[1]! : stage, error: null, ...(result.patch ?? {}) },
    },
    result.also,
  );
  if (next) await services.queues.enqueue(next.queue, next.payload as never);
  log.info({ durationMs: Math.round(performance.now() - started), next: nextQueue }, 'stage done');
}
