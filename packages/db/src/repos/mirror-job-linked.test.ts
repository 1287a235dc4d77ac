// mirrorJobWithLinked (issue 12): the job, its child records and the records it names, in one
// statement, exactly as mirrorRecords and mirrorChildren return them for the same ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing.ts';
import { mirrorChildren, mirrorJobWithLinked, mirrorRecords, upsertMirror } from './mirror.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  const job = (id: number, extra: object) => ({
    stId: id,
    parentId: null,
    data: { id, ...extra },
    modifiedOn: null,
  });
  await upsertMirror(t.db, 'acme', 'jpm/jobs', [
    job(1, { estimateIds: [12, 11, 11], createdFromEstimateId: 10 }),
    job(2, { estimateIds: null, createdFromEstimateId: null }),
    job(3, {}),
  ]);
  const estimate = (id: number, parentId: number | null) => ({
    stId: id,
    parentId,
    data: { id },
    modifiedOn: null,
  });
  await upsertMirror(t.db, 'acme', 'sales/estimates', [
    estimate(10, null),
    estimate(11, 1),
    estimate(12, null),
    estimate(13, 1),
    estimate(14, 2),
    estimate(15, 99),
  ]);
  // Another tenant's records with the same ids are never read.
  await upsertMirror(t.db, 'other', 'sales/estimates', [estimate(13, 1), estimate(16, 1)]);
});
afterAll(async () => {
  await t.drop();
});

describe('mirrorJobWithLinked', () => {
  it('returns what the separate reads return, for jobs with and without links', async () => {
    for (const jobId of [1, 2, 3, 4]) {
      const [job] = await mirrorRecords<{
        estimateIds?: number[] | null;
        createdFromEstimateId?: number | null;
      }>(t.db, 'acme', 'jpm/jobs', [jobId]);
      const named = [
        ...(job?.estimateIds ?? []),
        ...(job?.createdFromEstimateId ? [job.createdFromEstimateId] : []),
      ];
      const expected = {
        job,
        children: await mirrorChildren(t.db, 'acme', 'sales/estimates', [jobId]),
        linked: await mirrorRecords(t.db, 'acme', 'sales/estimates', named),
      };
      expect(await mirrorJobWithLinked(t.db, 'acme', jobId, 'sales/estimates')).toEqual(expected);
    }
    const one = await mirrorJobWithLinked(t.db, 'acme', 1, 'sales/estimates');
    expect(one.children).toEqual([{ id: 11 }, { id: 13 }]);
    expect(one.linked).toEqual([{ id: 10 }, { id: 11 }, { id: 12 }]);
  });
});
