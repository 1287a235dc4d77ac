import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing.ts';
import { reviewerVerdicts } from './reviewer-verdicts.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

const line = (skuId: number, origin: string) => ({ key: `k${skuId}`, skuId, origin, quantity: '1' });
const at = (day: number) => new Date(Date.UTC(2026, 10, day, 12));

/** A run whose system draft (revision 1) carried `lines`, reviewed as `status` by `by` on `day`. */
async function reviewed(
  job: number,
  lines: ReturnType<typeof line>[],
  status: string,
  by: string | null,
  day: number,
  removed: { kind: 'removed' | 'sku'; skuId: number }[] = [],
) {
  const run = await t.db.pipelineRun.create({
    data: { tenantId: 'acme', stJobId: job, trigger: 'test', status: 'posted', stage: 'post' },
  });
  await t.db.draft.create({
    data: {
      runId: run.id,
      revision: 1,
      lines,
      subTotal: '0',
      salesTax: '0',
      total: '0',
      document: {},
      createdBy: 'system',
    },
  });
  await t.db.reviewItem.create({
    data: {
      tenantId: 'acme',
      kind: 'invoice',
      subjectKey: `run:${run.id}`,
      runId: run.id,
      status,
      reasons: [],
      amount: '0',
      slaDueAt: at(day),
      resolvedAt: at(day),
      resolvedBy: by,
    },
  });
  for (const r of removed)
    await t.db.reviewCorrection.create({
      data: {
        tenantId: 'acme',
        stJobId: job,
        runId: run.id,
        fromRevision: 1,
        toRevision: 2,
        kind: r.kind,
        lineKey: `k${r.skuId}`,
        origin: 'added',
        skuId: r.kind === 'sku' ? 999 : null,
        previousSkuId: r.skuId,
        createdBy: 'u1',
      },
    });
}

describe('reviewer verdicts', () => {
  beforeAll(async () => {
    await reviewed(1, [line(10, 'added'), line(20, 'technician')], 'posted', 'u1', 1, [
      { kind: 'removed', skuId: 10 },
    ]);
    await reviewed(2, [line(10, 'added')], 'approved', 'u1', 2, [{ kind: 'sku', skuId: 10 }]);
    await reviewed(3, [line(10, 'added'), line(30, 'added')], 'posted', 'u2', 3);
    // Not a person's verdict, or not an approval: never counted.
    await reviewed(4, [line(10, 'added')], 'posted', null, 3, [{ kind: 'removed', skuId: 10 }]);
    await reviewed(5, [line(10, 'added')], 'rejected', 'u1', 3, [{ kind: 'removed', skuId: 10 }]);
    // Judged later than the cutoff below.
    await reviewed(6, [line(30, 'added')], 'posted', 'u1', 20, [{ kind: 'removed', skuId: 30 }]);
  });

  it('counts, per SKU our drafts added, the approved drafts that kept it and those that removed or swapped it', async () => {
    const verdicts = await reviewerVerdicts(t.db, 'acme', at(10));
    expect(verdicts.get(10)).toEqual({ kept: 1, removed: 2 });
    expect(verdicts.get(30)).toEqual({ kept: 1, removed: 0 });
    // The technician's own line is not a suggestion of ours.
    expect(verdicts.has(20)).toBe(false);
  });

  it('only sees judgements made before the cutoff, and only its own tenant', async () => {
    expect((await reviewerVerdicts(t.db, 'acme', at(2))).get(10)).toEqual({ kept: 0, removed: 1 });
    expect((await reviewerVerdicts(t.db, 'acme', at(21))).get(30)).toEqual({ kept: 1, removed: 1 });
    expect((await reviewerVerdicts(t.db, 'other', at(21))).size).toBe(0);
  });
});
