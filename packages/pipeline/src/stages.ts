// The pipeline's stages, defined once: queue, payload (the queue catalogue in core), the saved
// inputs each one reads, its output schema (outputs.ts) and where it hands over. The stage
// runner, resume, the sweeper, the failure path, the console and the backtest all read this.
import {
  PIPELINE_STAGES,
  type PipelineStage,
  QUEUE_CATALOG,
  type QueueName,
  queueForStage,
} from '@invoicer/core';
import type { Db, Tx } from '@invoicer/db';
import { getStageOutput } from '@invoicer/db';
import { checkStageOutput, type StageOutputs } from './outputs.ts';

export interface StageDefinition<S extends PipelineStage> {
  stage: S;
  queue: QueueName;
  /** Earlier outputs the stage computes from; loaded with the run in one round trip. */
  inputs: readonly PipelineStage[];
  /** Earlier outputs it reads when saved (a run from before that stage existed has none). */
  optional: readonly PipelineStage[];
  /** The queue it hands over to by default (the catalogue's `next`); route may also post. */
  next: QueueName | null;
}

const INPUTS: { [S in PipelineStage]: readonly PipelineStage[] } = {
  extract: [],
  detect: ['extract'],
  price: ['extract', 'detect'],
  draft: ['extract', 'detect', 'price'],
  evidence: ['extract', 'draft'],
  route: ['extract', 'draft'],
};

const OPTIONAL: { [S in PipelineStage]?: readonly PipelineStage[] } = {
  route: ['evidence'],
};

export const STAGES: { [S in PipelineStage]: StageDefinition<S> } = Object.fromEntries(
  PIPELINE_STAGES.map((stage) => {
    const queue = queueForStage(stage);
    return [
      stage,
      {
        stage,
        queue,
        inputs: INPUTS[stage],
        optional: OPTIONAL[stage] ?? [],
        next: QUEUE_CATALOG[queue].next,
      },
    ];
  }),
) as { [S in PipelineStage]: StageDefinition<S> };

/** The stage a pipeline queue runs, or null for posting and reconciliation. */
export function stageOfQueue(queue: QueueName): PipelineStage | null {
  const stage = QUEUE_CATALOG[queue].stage;
  return (PIPELINE_STAGES as readonly string[]).includes(stage) ? (stage as PipelineStage) : null;
}

/** How a stage output is saved: its value and the step it handed over to. */
export interface SavedOutput<T> {
  value: T;
  next: { queue: QueueName; payload: Record<string, unknown> } | null;
}

/** A saved row as read: its handover and its value, checked against the stage's schema. */
export function readSaved<S extends PipelineStage>(stage: S, raw: unknown): SavedOutput<StageOutputs[S]> {
  const saved = raw as Partial<SavedOutput<unknown>> | null;
  return { value: checkStageOutput(stage, saved?.value), next: saved?.next ?? null };
}

/** One stage's saved value for a run, checked; null when the stage has not run. */
export async function stageValue<S extends PipelineStage>(
  db: Db | Tx,
  runId: string,
  stage: S,
): Promise<StageOutputs[S] | null> {
  const raw = await getStageOutput(db, runId, stage);
  return raw === null ? null : readSaved(stage, raw).value;
}
