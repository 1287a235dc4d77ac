// saveStageResult (issue 12): the output and the run's move are saved together or not at all,
// in one statement without `also`, in one plain-SQL transaction with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, sqlTransaction } from '../client.ts';
import { createTestDatabase, type TestDatabase } from '../testing.ts';
import { appendAuditTx, verifyAuditChain } from './audit.ts';
import { RunMovedError, saveStageResult } from './runs.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

let job = 500;
async function newRun(status = 'running') {
  return t.db.pipelineRun.create({
    data: { tenantId: 'acme', stJobId: job++, trigger: 'test', status, stage: 'detect' },
  });
}

const input = (run: { id: string; status: string; stage: string }, output: unknown) => ({
  run,
  stage: 'detect' as const,
  output,
  durationMs: 12.4,
  inputDigest: 'digest-1',
  event: 'stage_done' as const,
  patch: { stage: 'price', flags: ['x'], jobCompletedOn: new Date('2026-11-02T10:00:00Z') },
});

describe('saveStageResult', () => {
  it('saves the output and moves the run in one statement', async () => {
    const run = await newRun();
    await saveStageResult(t.db, input(run, { value: { a: 1 }, next: null }));
    const saved = await t.db.stageOutput.findUnique({
      where: { runId_stage: { runId: run.id, stage: 'detect' } },
    });
    expect(saved).toMatchObject({
      output: { value: { a: 1 }, next: null },
      inputDigest: 'digest-1',
      durationMs: 12,
      attempt: 1,
    });
    const moved = await t.db.pipelineRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(moved).toMatchObject({ status: 'running', stage: 'price', flags: ['x'] });
    expect(moved.jobCompletedOn?.toISOString()).toBe('2026-11-02T10:00:00.000Z');
    // A retry that recomputed overwrites and counts the attempt.
    await saveStageResult(t.db, input(moved, { value: { a: 2 }, next: null }));
    const again = await t.db.stageOutput.findUniqueOrThrow({
      where: { runId_stage: { runId: run.id, stage: 'detect' } },
    });
    expect(again).toMatchObject({ output: { value: { a: 2 }, next: null }, attempt: 2 });
  });

  it('saves nothing when another writer moved the run first', async () => {
    const run = await newRun();
    await t.db.pipelineRun.update({ where: { id: run.id }, data: { status: 'failed' } });
    await expect(saveStageResult(t.db, input(run, { value: 1, next: null }))).rejects.toBeInstanceOf(
      RunMovedError,
    );
    expect(await t.db.stageOutput.count({ where: { runId: run.id } })).toBe(0);
    expect((await t.db.pipelineRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('failed');
  });

  it('commits what `also` writes with the output, and rolls everything back when it throws', async () => {
    const run = await newRun();
    await saveStageResult(t.db, input(run, { value: 'ok', next: null }), async (tx) => {
      await appendAuditTx(tx, {
        tenantId: 'acme',
        actorType: 'system',
        actor: 'test',
        action: 'saved',
        runId: run.id,
        data: {},
      });
    });
    expect(await t.db.auditEvent.count({ where: { runId: run.id } })).toBe(1);

    const other = await newRun();
    await expect(
      saveStageResult(t.db, input(other, { value: 'no', next: null }), async (tx) => {
        await appendAuditTx(tx, {
          tenantId: 'acme',
          actorType: 'system',
          actor: 'test',
          action: 'lost',
          runId: other.id,
          data: {},
        });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await t.db.stageOutput.count({ where: { runId: other.id } })).toBe(0);
    expect(await t.db.auditEvent.count({ where: { runId: other.id } })).toBe(0);
    expect((await t.db.pipelineRun.findUniqueOrThrow({ where: { id: other.id } })).stage).toBe('detect');
    // The rolled-back append left the chain (and its head) as they were.
    expect(await verifyAuditChain(t.db, 'acme')).toMatchObject({ ok: true, events: 1 });
  });

  it("records the stage's audit event in the same statement, and none when the run moved", async () => {
    const event = (runId: string, action: string) => ({
      tenantId: 'chain',
      actorType: 'ai' as const,
      actor: 'local:test',
      action,
      runId,
      data: { n: action },
    });
    const first = await newRun();
    const second = await newRun();
    await saveStageResult(t.db, { ...input(first, { value: 1, next: null }), audit: event(first.id, 'one') });
    await saveStageResult(t.db, {
      ...input(second, { value: 2, next: null }),
      audit: event(second.id, 'two'),
    });
    const moved = await newRun();
    await t.db.pipelineRun.update({ where: { id: moved.id }, data: { status: 'failed' } });
    await expect(
      saveStageResult(t.db, { ...input(moved, { value: 3, next: null }), audit: event(moved.id, 'three') }),
    ).rejects.toBeInstanceOf(RunMovedError);
    const events = await t.db.auditEvent.findMany({ where: { tenantId: 'chain' }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.runId, e.action])).toEqual([
      [first.id, 'one'],
      [second.id, 'two'],
    ]);
    // One statement per save, and the chain links as appendAuditTx's do.
    expect(await verifyAuditChain(t.db, 'chain')).toMatchObject({ ok: true, events: 2 });
  });

  it('saves the draft revision in the same statement, and none when the run moved', async () => {
    const draft = (runId: string, total: string) => ({
      runId,
      revision: 1,
      lines: [{ skuId: 1 }],
      subTotal: total,
      salesTax: '0.00',
      total,
      document: { total },
      createdBy: 'pipeline',
    });
    const run = await newRun();
    await saveStageResult(t.db, { ...input(run, { value: 1, next: null }), draft: draft(run.id, '12.50') });
    expect(await t.db.draft.findMany({ where: { runId: run.id } })).toMatchObject([
      { revision: 1, lines: [{ skuId: 1 }], document: { total: '12.50' }, createdBy: 'pipeline' },
    ]);
    const moved = await newRun();
    await t.db.pipelineRun.update({ where: { id: moved.id }, data: { status: 'failed' } });
    await expect(
      saveStageResult(t.db, { ...input(moved, { value: 2, next: null }), draft: draft(moved.id, '1.00') }),
    ).rejects.toBeInstanceOf(RunMovedError);
    expect(await t.db.draft.count({ where: { runId: moved.id } })).toBe(0);
  });

  it('a connection lost mid-transaction rejects the transaction; the process and the pool live on', async () => {
    // The server ends the connection while it is checked out (as when Postgres stops): its
    // 'error' event must not reach the process unhandled.
    await expect(
      sqlTransaction(t.db, async (tx) => {
        await tx.query('SELECT pg_terminate_backend(pg_backend_pid())');
      }),
    ).rejects.toThrow();
    expect(await sql<{ one: number }>(t.db, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
