// Pipeline runs and their persisted stage outputs. A stage output is written (with the run's
// progress) before the next stage is enqueued, so Postgres alone can resume any run.
import type { PipelineStage } from '@invoicer/core';
import type { Db, Tx } from '../client.ts';
import type { PipelineRun } from '../generated/prisma/client.ts';

export type RunStatus =
  | 'queued'
  | 'running'
  | 'awaiting_review'
  | 'approved'
  | 'posting'
  | 'posted'
  | 'rejected'
  | 'shadow'
  | 'failed';

export const TERMINAL_RUN_STATUSES: RunStatus[] = ['posted', 'rejected', 'shadow'];

export type RunTrigger = 'webhook' | 'poll' | 'replay' | 'manual' | 'backtest';

export interface RunKey {
  tenantId: string;
  stJobId: number;
}

/** Create the run for a completed job, or return the one that exists (never a duplicate). */
export async function upsertRun(
  db: Db,
  input: RunKey & { trigger: RunTrigger; jobCompletedOn?: Date | null },
): Promise<{ run: PipelineRun; created: boolean }> {
  const existing = await db.pipelineRun.findUnique({
    where: { tenantId_stJobId: { tenantId: input.tenantId, stJobId: input.stJobId } },
  });
  if (existing) return { run: existing, created: false };
  try {
    const run = await db.pipelineRun.create({
      data: {
        tenantId: input.tenantId,
        stJobId: input.stJobId,
        trigger: input.trigger,
        status: 'queued',
        stage: 'extract',
        jobCompletedOn: input.jobCompletedOn ?? null,
      },
    });
    return { run, created: true };
  } catch (error) {
    // Lost a race with another ingest process: the unique key holds, use the winner's row.
    if ((error as { code?: string }).code === 'P2002') {
      const run = await db.pipelineRun.findUniqueOrThrow({
        where: { tenantId_stJobId: { tenantId: input.tenantId, stJobId: input.stJobId } },
      });
      return { run, created: false };
    }
    throw error;
  }
}

export async function getRun(db: Db | Tx, runId: string): Promise<PipelineRun | null> {
  return db.pipelineRun.findUnique({ where: { id: runId } });
}

export async function getStageOutput<T = unknown>(
  db: Db | Tx,
  runId: string,
  stage: string,
): Promise<T | null> {
  const row = await db.stageOutput.findUnique({ where: { runId_stage: { runId, stage } } });
  return row ? (row.output as T) : null;
}

export async function getStageOutputs(db: Db, runId: string): Promise<Record<string, unknown>> {
  const rows = await db.stageOutput.findMany({ where: { runId }, orderBy: { createdAt: 'asc' } });
  return Object.fromEntries(rows.map((r) => [r.stage, r.output]));
}

/**
 * Persist a stage's output and advance the run, in one transaction. Re-saving the same stage
 * overwrites it (a retry that recomputed) and counts the attempt.
 */
export async function saveStageOutput(
  db: Db,
  input: {
    runId: string;
    stage: PipelineStage;
    output: unknown;
    durationMs: number;
    inputDigest?: string;
    nextStage: string | null;
    status?: RunStatus;
    patch?: Partial<Pick<PipelineRun, 'stInvoiceId' | 'mode' | 'flags' | 'jobCompletedOn'>>;
  },
  also?: (tx: Tx) => Promise<void>,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const output = JSON.parse(JSON.stringify(input.output)) as object;
    await tx.stageOutput.upsert({
      where: { runId_stage: { runId: input.runId, stage: input.stage } },
      create: {
        runId: input.runId,
        stage: input.stage,
        output,
        durationMs: Math.round(input.durationMs),
        inputDigest: input.inputDigest ?? null,
      },
      update: {
        output,
        durationMs: Math.round(input.durationMs),
        inputDigest: input.inputDigest ?? null,
        attempt: { increment: 1 },
      },
    });
    await tx.pipelineRun.update({
      where: { id: input.runId },
      data: {
        stage: input.nextStage ?? input.stage,
        status: input.status ?? 'running',
        error: undefined,
        ...(input.patch ?? {}),
        ...(input.status && TERMINAL_RUN_STATUSES.includes(input.status) ? { finishedAt: new Date() } : {}),
      },
    });
    if (also) await also(tx);
  });
}

export async function setRunStatus(
  db: Db | Tx,
  runId: string,
  status: RunStatus,
  extra: { error?: object | null; stage?: string } = {},
): Promise<void> {
  await db.pipelineRun.update({
    where: { id: runId },
    data: {
      status,
      ...(extra.stage ? { stage: extra.stage } : {}),
      ...(extra.error !== undefined ? { error: extra.error ?? undefined } : {}),
      ...(TERMINAL_RUN_STATUSES.includes(status) ? { finishedAt: new Date() } : {}),
    },
  });
}

/** Runs that are neither finished nor waiting on a person: what `resume` re-enqueues. */
export async function listResumableRuns(db: Db, tenantId?: string): Promise<PipelineRun[]> {
  return db.pipelineRun.findMany({
    where: {
      status: { in: ['queued', 'running', 'approved', 'posting'] },
      ...(tenantId ? { tenantId } : {}),
    },
    orderBy: { createdAt: 'asc' },
  });
}
