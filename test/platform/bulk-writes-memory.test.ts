// Bulk writes (mirror, history, catalogue syncs) must not stay in the worker's heap. Prisma keys
// its query-plan cache (1,000 entries) by each raw query with its parameters, so a long-running
// worker that synced through Prisma's raw queries kept every chunk's arrays alive.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { upsertMirror } from '@invoicer/db';
import { createTestDatabase, type TestDatabase } from '@invoicer/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

it('a hundred synced chunks of 1,000 records leave no copy of their parameters in the heap', async () => {
  const chunk = (n: number) =>
    Array.from({ length: 1000 }, (_, i) => ({
      stId: n * 1000 + i,
      parentId: null,
      data: { id: n * 1000 + i, note: `record ${n}-${i} `.repeat(4) },
      modifiedOn: null,
    }));
  // Warm up (the client, its pool, the first plan) before measuring.
  await upsertMirror(database.db, 'acme', 'jpm/jobs', chunk(0));
  const before = heapAfterGc();
  for (let n = 1; n <= 100; n++) await upsertMirror(database.db, 'acme', 'jpm/jobs', chunk(n));
  const grown = (heapAfterGc() - before) / 1048576;
  // About 100 KB of parameters per chunk: kept, they would be about 10 MiB.
  expect(grown).toBeLessThan(3);
});
