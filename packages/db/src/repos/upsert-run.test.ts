// upsertRun (issue 12): one statement creates the run or returns the one that exists; callers
// racing on the same job all get the same run, and exactly one of them created it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing.ts';
import { upsertRun } from './runs.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

describe('upsertRun', () => {
  it('creates a queued run at extract, then returns it unchanged', async () => {
    const completed = new Date('2026-11-02T10:00:00Z');
    const first = await upsertRun(t.db, {
      tenantId: 'acme',
      stJobId: 42,
      trigger: 'webhook',
      jobCompletedOn: completed,
    });
    expect(first.created).toBe(true);
    expect(first.run).toMatchObject({
      tenantId: 'acme',
      stJobId: 42n,
      status: 'queued',
      stage: 'extract',
      error: null,
    });
    const again = await upsertRun(t.db, {
      tenantId: 'acme',
      stJobId: 42,
      trigger: 'poll',
      jobCompletedOn: null,
    });
    expect(again).toEqual({ run: first.run, created: false });
    const row = await t.db.pipelineRun.findUniqueOrThrow({ where: { id: first.run.id } });
    expect(row).toMatchObject({ trigger: 'webhook', draftRevision: 0, flags: [] });
    expect(row.jobCompletedOn?.toISOString()).toBe(completed.toISOString());
  });

  it('gives racing callers one run, created once', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => upsertRun(t.db, { tenantId: 'acme', stJobId: 77, trigger: 'webhook' })),
    );
    expect(new Set(results.map((r) => r.run.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await t.db.pipelineRun.count({ where: { tenantId: 'acme', stJobId: 77 } })).toBe(1);
  });
});
