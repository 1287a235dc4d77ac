import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing.ts';
import { FAILED_RUN_PENDING_DAYS, pendingDrafts } from './pending-drafts.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

async function run(job: number, status: string, daysAgo: number): Promise<void> {
  const r = await t.db.pipelineRun.create({
    data: { tenantId: 'acme', stJobId: job, stInvoiceId: job + 1, trigger: 'test', status, stage: 'post' },
  });
  await t.db.draft.create({
    data: {
      runId: r.id,
      revision: 1,
      lines: [],
      subTotal: '10',
      salesTax: '0',
      total: '10',
      document: {},
      createdBy: 'pipeline',
    },
  });
  await t.db
    .$executeRaw`UPDATE pipeline_runs SET updated_at = now() - make_interval(days => ${daysAgo}) WHERE id = ${r.id}::uuid`;
}

describe('pending drafts', () => {
  it('keeps drafts in review whatever their age, and a failed run only while it is recent', async () => {
    await run(100, 'awaiting_review', 90);
    await run(200, 'failed', 2);
    await run(300, 'failed', FAILED_RUN_PENDING_DAYS + 5);
    await run(400, 'posted', 1);
    const jobs = (await pendingDrafts(t.db, 'acme')).map((d) => d.stJobId).sort((a, b) => a - b);
    expect(jobs).toEqual([100, 200]);
  });
});
