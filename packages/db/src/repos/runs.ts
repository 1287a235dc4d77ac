// Pipeline runs and their persisted stage outputs. A stage output is written (with the run's
// progress) before the next stage is enqueued, so Postgres alone can resume any run.
import {
  ACTIVE_RUN_STATUSES,
  eventsFrom,
  isFinalStatus,
  type PipelineStage,
  RUN_STATUSES,
  type RunEvent,
  type RunStatus,
  transition,
} from '@invoicer/core';
import {
  type Db,
  rawQuery,
  type SqlTx,
  type StatementPart,
  sql,
  sqlTransaction,
  type Tx,
  type Writer,
} from '../client.ts';
import type { PipelineRun } from '../generated/prisma/client.ts';
import { type AuditInput, auditAppend } from './audit.ts';
import { type DraftInput, draftUpsert } from './drafts.ts';

export type { RunStatus };

export type RunTrigger = 'webhook' | 'poll' | 'replay' | 'manual' | 'backtest';

export interface RunKey {
  tenantId: string;
  stJobId: number;
}

/** A run row's identity and state as plain SQL returns them (st_job_id as text), mapped once. */
function runBasics(row: {
  id: string;
  tenant_id: string;
  st_job_id: string;
  status: RunStatus;
  stage: string;
}) {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    stJobId: BigInt(row.st_job_id),
    status: row.status,
    stage: row.stage,
  };
}

/** What ingest reads of a run it created or found. */
export type IngestedRun = Pick<PipelineRun, 'id' | 'tenantId' | 'stJobId' | 'status' | 'stage' | 'error'>;

/**
 * Create the run for a completed job, or return the one that exists (never a duplicate): one
 * statement, the insert and, when the unique key already holds a run, that run.
 */
export async function upsertRun(
  db: Db,
  input: RunKey & { trigger: RunTrigger; jobCompletedOn?: Date | null },
): Promise<{ run: IngestedRun; created: boolean }> {
  const key = [input.tenantId, String(input.stJobId)];
  type Row = {
    id: string;
    tenant_id: string;
    st_job_id: string;
    status: RunStatus;
    stage: string;
    error: PipelineRun['error'];
    created: boolean;
  };
  const columns = 'id, tenant_id, st_job_id::text AS st_job_id, status, stage, error';
  const rows = await sql<Row>(
    db,
    `WITH ins AS (
       INSERT INTO pipeline_runs (id, tenant_id, st_job_id, trigger, status, stage, job_completed_on, created_at, updated_at)
       VALUES (gen_random_uuid(), $1, $2::bigint, $3, 'queued', 'extract', $4::timestamptz, now(), now())
       ON CONFLICT (tenant_id, st_job_id) DO NOTHING
       RETURNING ${columns}, true AS created
     )
     SELECT * FROM ins
     UNION ALL
     SELECT ${columns}, false FROM pipeline_runs
      WHERE tenant_id = $1 AND st_job_id = $2::bigint AND NOT EXISTS (SELECT 1 FROM ins)`,
    [...key, input.trigger, input.jobCompletedOn?.toISOString() ?? null],
  );
  // A run another ingest process committed after this statement began is neither inserted nor
  // seen by it: read it now.
  const row =
    rows[0] ??
    (
      await sql<Row>(
        db,
        `SELECT ${columns}, false AS created FROM pipeline_runs WHERE tenant_id = $1 AND st_job_id = $2::bigint`,
        key,
      )
    )[0];
  if (!row) throw new Error(`run for job ${input.stJobId} was neither created nor found`);
  return { run: { ...runBasics(row), error: row.error }, created: row.created };
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

/** A run as the stage runner needs it, read with plain SQL. */
export interface RunState {
  id: string;
  tenantId: string;
  stJobId: bigint;
  status: RunStatus;
  stage: string;
  draftRevision: number;
  flags: string[];
}

/**
 * A run and the saved outputs of `stages` (its own and its inputs), in one round trip: what a
 * stage needs to decide whether to compute and with what.
 */
export async function loadRunForStage(
  db: Db,
  runId: string,
  stages: readonly string[],
): Promise<{ run: RunState; outputs: Record<string, unknown> } | null> {
  const rows = await sql<{
    id: string;
    tenant_id: string;
    st_job_id: string;
    status: RunStatus;
    stage: string;
    draft_revision: number;
    flags: string[];
    outputs: Record<string, unknown> | null;
  }>(
    db,
    `SELECT r.id, r.tenant_id, r.st_job_id::text AS st_job_id, r.status, r.stage, r.draft_revision, r.flags,
            (SELECT jsonb_object_agg(o.stage, o.output) FROM stage_outputs o
              WHERE o.run_id = r.id AND o.stage = ANY($2::text[])) AS outputs
       FROM pipeline_runs r WHERE r.id = $1::uuid`,
    [runId, stages],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    run: { ...runBasics(row), draftRevision: row.draft_revision, flags: row.flags ?? [] },
    outputs: row.outputs ?? {},
  };
}

export class RunMovedError extends Error {
  constructor(runId: string, expected: string) {
    super(`run ${runId} is no longer ${expected}: another writer moved it`);
    this.name = 'RunMovedError';
  }
}

export interface RunPatch {
  stage?: string;
  stInvoiceId?: bigint | null;
  mode?: string | null;
  flags?: string[];
  jobCompletedOn?: Date | null;
  draftRevision?: number;
  error?: object | null;
}

/**
 * Move a run by the state machine, with a compare-and-set on the status it was read in: when
 * another writer moved it first nothing is written and RunMovedError is thrown. Returns the
 * new status.
 */
export async function transitionRun(
  db: Writer,
  run: { id: string; status: string; stage?: string | null },
  event: RunEvent,
  patch: RunPatch = {},
): Promise<RunStatus> {
  const { to, text, values } = runUpdate(run, event, patch);
  const moved = await rawQuery<{ id: string }>(db, `${text} RETURNING id`, values);
  if (moved.length !== 1) throw new RunMovedError(run.id, run.status);
  return to;
}

/** The compare-and-set UPDATE that moves a run by the state machine (not yet run). */
function runUpdate(
  run: { id: string; status: string },
  event: RunEvent,
  patch: RunPatch,
): { to: RunStatus; text: string; values: unknown[] } {
  const to = transition(run, event);
  const sets: string[] = ['status = $3', 'updated_at = now()'];
  const values: unknown[] = [run.id, run.status, to];
  const set = (column: string, value: unknown, cast = '') => {
    values.push(value);
    sets.push(`${column} = $${values.length}${cast}`);
  };
  if (patch.stage !== undefined) set('stage', patch.stage);
  if (patch.stInvoiceId !== undefined)
    set('st_invoice_id', patch.stInvoiceId?.toString() ?? null, '::bigint');
  if (patch.mode !== undefined) set('mode', patch.mode);
  if (patch.flags !== undefined) set('flags', patch.flags, '::text[]');
  if (patch.jobCompletedOn !== undefined)
    set('job_completed_on', patch.jobCompletedOn?.toISOString() ?? null, '::timestamptz');
  if (patch.draftRevision !== undefined) set('draft_revision', patch.draftRevision);
  if (patch.error !== undefined)
    set('error', patch.error === null ? null : JSON.stringify(patch.error), '::jsonb');
  if (isFinalStatus(to)) sets.push('finished_at = now()');
  if (to !== 'posting') sets.push('lease_owner = NULL', 'lease_until = NULL');
  return {
    to,
    text: `UPDATE pipeline_runs SET ${sets.join(', ')} WHERE id = $1::uuid AND status = $2`,
    values,
  };
}

/**
 * Persist a stage's output and move the run, atomically. Without `also` that is one statement
 * (the run's compare-and-set, the output's upsert, and the stage's audit event and draft in one
 * CTE: no transaction round trips); with it, one plain-SQL transaction in which `also` writes
 * what else belongs with it (a review item and its audit event). Re-saving the same stage
 * overwrites it (a retry that recomputed) and counts the attempt. Throws RunMovedError, saving
 * nothing, when another writer moved the run.
 */
export async function saveStageResult(
  db: Db,
  input: {
    run: { id: string; status: string; stage: string };
    stage: PipelineStage;
    output: unknown;
    durationMs: number;
    inputDigest?: string;
    event: RunEvent;
    patch: RunPatch;
    /** An audit event recorded in the same statement, only if the output is saved. */
    audit?: AuditInput;
    /** A draft revision saved in the same statement, only if the output is saved. */
    draft?: DraftInput;
  },
  also?: (tx: SqlTx) => Promise<void>,
): Promise<void> {
  const move = runUpdate(input.run, input.event, input.patch);
  const at = move.values.length;
  const values: unknown[] = [
    ...move.values,
    input.stage,
    JSON.stringify(input.output),
    input.inputDigest ?? null,
    Math.round(input.durationMs),
  ];
  // Writes that belong with the output ride in the same statement, each only if it was saved;
  // each part's parameters follow those before it.
  const withIt: StatementPart[] = [];
  const add = (build: (offset: number) => StatementPart) => {
    const part = build(values.length);
    values.push(...part.values);
    withIt.push(part);
  };
  if (input.audit) add((offset) => auditAppend(input.audit!, offset, 'saved'));
  if (input.draft) add((offset) => draftUpsert(input.draft!, offset, 'saved'));
  const text = `WITH moved AS (${move.text} RETURNING id),
     saved AS (
       INSERT INTO stage_outputs (id, run_id, stage, output, input_digest, duration_ms, attempt, created_at, updated_at)
       SELECT gen_random_uuid(), moved.id, $${at + 1}, $${at + 2}::jsonb, $${at + 3}, $${at + 4}, 1, now(), now() FROM moved
       ON CONFLICT (run_id, stage) DO UPDATE SET output = EXCLUDED.output, input_digest = EXCLUDED.input_digest,
         duration_ms = EXCLUDED.duration_ms, attempt = stage_outputs.attempt + 1, updated_at = now()
       RETURNING run_id
     )${withIt.map((w) => `, ${w.ctes}`).join('')}
     SELECT run_id FROM saved`;
  const save = async (writer: Writer) => {
    const saved = await rawQuery<{ run_id: string }>(writer, text, values);
    if (saved.length !== 1) throw new RunMovedError(input.run.id, input.run.status);
  };
  if (!also) return save(db);
  await sqlTransaction(db, async (tx) => {
    await save(tx);
    await also(tx);
  });
}

/** Runs that are neither finished nor waiting on a person: what `resume` re-enqueues. */
export async function listResumableRuns(db: Db, tenantId?: string): Promise<PipelineRun[]> {
  return db.pipelineRun.findMany({
    where: {
      status: { in: [...ACTIVE_RUN_STATUSES] },
      ...(tenantId ? { tenantId } : {}),
    },
    orderBy: { createdAt: 'asc' },
  });
}

export type PostingClaim =
  | { outcome: 'claimed'; run: RunState }
  /** Already posted at this revision: nothing to do. */
  | { outcome: 'posted' }
  /** Another posting job holds the run and its lease has not run out. */
  | { outcome: 'busy'; holder: string }
  /** Not approved at this revision (in review, rejected, a newer revision…): never post. */
  | { outcome: 'refused'; status: RunStatus; revision: number };

/**
 * Claim a run for posting revision `revision`: only an approved run at exactly that revision,
 * or one this owner (a BullMQ job, across its retries) was already posting, or one whose
 * holder's lease ran out. One statement, so two posting jobs can never both hold it.
 */
export async function claimPosting(
  db: Db,
  runId: string,
  revision: number,
  owner: string,
  leaseMs: number,
): Promise<PostingClaim> {
  // The state machine's rule, checked here once: only approved or posting runs may post.
  const from = RUN_STATUSES.filter((status) => eventsFrom(status).includes('post_started'));
  const rows = await sql<{ id: string }>(
    db,
    `UPDATE pipeline_runs SET status = 'posting', stage = 'post', lease_owner = $3,
            lease_until = now() + ($4::int * interval '1 millisecond'), updated_at = now()
      WHERE id = $1::uuid AND draft_revision = $2 AND status = ANY($5::text[])
        AND (status = 'approved' OR lease_owner IS NULL OR lease_owner = $3 OR lease_until < now())
      RETURNING id`,
    [runId, revision, owner, leaseMs, from],
  );
  const loaded = await loadRunForStage(db, runId, []);
  if (!loaded) return { outcome: 'refused', status: 'failed', revision: 0 };
  const { run } = loaded;
  if (rows.length === 1) return { outcome: 'claimed', run };
  if (run.status === 'posted' && run.draftRevision === revision) return { outcome: 'posted' };
  if (run.status === 'posting' && run.draftRevision === revision) {
    const holder = await sql<{ lease_owner: string | null }>(
      db,
      'SELECT lease_owner FROM pipeline_runs WHERE id = $1::uuid',
      [runId],
    );
    return { outcome: 'busy', holder: holder[0]?.lease_owner ?? 'unknown' };
  }
  return { outcome: 'refused', status: run.status, revision: run.draftRevision };
}

/** Extend the posting lease; false when this owner no longer holds it. */
export async function renewPostingLease(
  db: Db,
  runId: string,
  owner: string,
  leaseMs: number,
): Promise<boolean> {
  const rows = await sql<{ id: string }>(
    db,
    `UPDATE pipeline_runs SET lease_until = now() + ($3::int * interval '1 millisecond')
      WHERE id = $1::uuid AND status = 'posting' AND lease_owner = $2 RETURNING id`,
    [runId, owner, leaseMs],
  );
  return rows.length === 1;
}
