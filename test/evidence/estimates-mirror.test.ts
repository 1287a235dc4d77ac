// The estimates feed into the mirror (Sales v2 export against the simulator): incremental from
// its token, refused and failing APIs, and the sold SKUs the history learner reads back.

import { mirrorChildren, upsertMirror } from '@invoicer/db';
import { createTestDatabase, type TestDatabase } from '@invoicer/db/testing';
import type { StClient } from '@invoicer/servicetitan';
import { type RunningSim, simEstimates } from '@invoicer/st-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ESTIMATES_FEED,
  loadJobEstimates,
  mirroredSoldSkuIds,
  refreshEstimates,
  soldSkusOfJobs,
  syncEstimates,
} from '../../apps/workers/src/evidence/estimates-feed.ts';
import { simWithClient } from '../support/sim-client.ts';

let database: TestDatabase;
let sim: RunningSim;
let client: StClient;
const TENANT = 'acme';

const estimate = (
  id: number,
  jobId: number,
  status: string,
  soldOn: string | null,
  skus: number[],
  modifiedOn = '2026-01-01T00:00:00Z',
) => ({
  id,
  jobId,
  name: `E${id}`,
  status: { value: 1, name: status },
  soldOn,
  active: true,
  modifiedOn,
  items: skus.map((sku, i) => ({
    id: id * 10 + i,
    sku: { id: sku },
    qty: 1,
    unitRate: 10,
    total: 10,
    chargeable: true,
  })),
});

beforeAll(async () => {
  database = await createTestDatabase();
  ({ sim, client } = await simWithClient({ faults: { rateLimitPerSecond: null } }));
});
afterAll(async () => {
  await sim?.close();
  await database?.drop();
});

describe('estimates through the mirror', () => {
  it('follows the export from its token: everything once, then only what changed', async () => {
    const store = simEstimates(sim.tenant);
    store.put(estimate(1, 1001, 'Sold', '2026-01-01T10:00:00Z', [601, 501]) as never);
    store.put(estimate(2, 999, 'Sold', '2026-01-01T10:00:00Z', [701]) as never);
    store.put(estimate(3, 1003, 'Dismissed', null, [601]) as never);
    expect(await syncEstimates(client, database.db, TENANT)).toBe(3);
    expect(await syncEstimates(client, database.db, TENANT)).toBe(0);
    store.put(estimate(3, 1003, 'Sold', '2026-01-09T10:00:00Z', [601], '2026-01-09T10:00:00Z') as never);
    expect(await syncEstimates(client, database.db, TENANT)).toBe(1);
    const rows = await mirrorChildren<{ id: number; status: { name: string } }>(
      database.db,
      TENANT,
      ESTIMATES_FEED,
      [1003],
    );
    expect(rows.map((r) => r.status.name)).toEqual(['Sold']);
  });

  it('reads back the sold SKUs known at completion, through the job and the estimate it came from', async () => {
    const jobs = [
      { id: 1001, completedOn: '2026-01-05T15:00:00Z' },
      { id: 1002, completedOn: '2026-01-05T15:00:00Z', createdFromEstimateId: 2 },
      { id: 1003, completedOn: '2026-01-05T15:00:00Z' }, // sold on the 9th: after completion
    ];
    await upsertMirror(
      database.db,
      TENANT,
      'jpm/jobs',
      jobs.map((j) => ({ stId: j.id, parentId: null, data: j, modifiedOn: null })),
    );
    const sold = await soldSkusOfJobs(database.db, TENANT, jobs);
    expect(Object.fromEntries(sold)).toEqual({ 1001: [501, 601], 1002: [701] });
    expect(await mirroredSoldSkuIds(database.db, TENANT, 1002, new Date('2026-01-05T15:00:00Z'))).toEqual([
      701,
    ]);
    expect((await loadJobEstimates(client, database.db, TENANT, 1002))?.map((e) => e.id)).toEqual([2]);
  });

  it('reports a refused API (and waits before asking again) and a failing one, without throwing', async () => {
    const other = 'refused-shop';
    sim.faults.script({ status: 404, match: 'estimates/export' });
    expect(await refreshEstimates(client, database.db, other)).toBe('refused');
    expect(await refreshEstimates(client, database.db, other)).toBe('refused');
    expect(await loadJobEstimates(client, database.db, other, 1001)).toBeNull();
    const failing = 'failing-shop';
    sim.faults.script(...Array.from({ length: 8 }, () => ({ status: 500, match: 'estimates/export' })));
    expect(await refreshEstimates(client, database.db, failing)).toBe('failed');
  });
});
