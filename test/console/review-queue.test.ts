// The review-queue repository on real Postgres: filters, counts, keyset pagination that stays
// stable while items arrive, exclusive expiring claims, and speed at 100k items.
import { randomUUID } from 'node:crypto';
import {
  ClaimConflictError,
  claimNextReviewItem,
  claimReviewItem,
  countReviewQueue,
  type Db,
  listReviewQueue,
  lockClaimedItem,
  type QueueFilters,
  type QueueSort,
  releaseReviewClaim,
} from '@invoicer/db';
import { createTestDatabase, type TestDatabase } from '@invoicer/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

interface Row {
  tenantId?: string;
  status?: string;
  kind?: string;
  reasons?: string[];
  amount?: string;
  businessUnitId?: number;
  ageHours?: number;
  claimedBy?: string | null;
  claimMinutes?: number;
}

async function insert(db: Db, rows: Row[]): Promise<string[]> {
  const ids: string[] = [];
  for (const r of rows) {
    const id = randomUUID();
    const created = new Date(Date.now() - (r.ageHours ?? 0) * 3600_000);
    await db.reviewItem.create({
      data: {
        id,
        tenantId: r.tenantId ?? 'acme',
        kind: r.kind ?? 'invoice',
        subjectKey: `test:${id}`,
        status: r.status ?? 'open',
        reasons: r.reasons ?? ['low_confidence'],
        amount: r.amount ?? '100.00',
        businessUnitId: r.businessUnitId ?? 10,
        summary: '',
        slaDueAt: new Date(created.getTime() + 24 * 3600_000),
        createdAt: created,
        claimedBy: r.claimedBy ?? null,
        claimExpiresAt: r.claimedBy ? new Date(Date.now() + (r.claimMinutes ?? 10) * 60_000) : null,
      },
    });
    ids.push(id);
  }
  return ids;
}

describe('filters and counts', () => {
  const tenantId = 'filters';
  let ids: Record<string, string>;
  beforeAll(async () => {
    const [a, b, c, d, e, f, g] = await insert(t.db, [
      { tenantId, reasons: ['low_confidence'], amount: '50.00', ageHours: 30 },
      {
        tenantId,
        reasons: ['amount_over_threshold', 'low_confidence'],
        amount: '6000.00',
        businessUnitId: 20,
        ageHours: 2,
      },
      { tenantId, status: 'on_hold', reasons: ['validation_flag'], amount: '300.00', ageHours: 5 },
      { tenantId, status: 'escalated', reasons: ['post_mismatch'], amount: '999.99', claimedBy: 'u-1' },
      { tenantId, status: 'posted', reasons: ['low_confidence'], amount: '75.00' },
      {
        tenantId,
        kind: 'payment',
        reasons: ['short_pay'],
        amount: '120.00',
        claimedBy: 'u-2',
        claimMinutes: -5,
      },
      { tenantId: 'other', reasons: ['low_confidence'] },
    ]);
    ids = { a: a!, b: b!, c: c!, d: d!, e: e!, f: f!, g: g! };
  });
  const list = async (f: Partial<QueueFilters>) =>
    (await listReviewQueue(t.db, { tenantId, ...f }, { limit: 50 })).items.map((i) => i.id).sort();
  const ids_ = (...keys: string[]) => keys.map((k) => ids[k]!).sort();

  it('defaults to items that need work, in this tenant only', async () => {
    expect(await list({})).toEqual(ids_('a', 'b', 'c', 'd', 'f'));
  });
  it('filters by status, kind, reason, business unit and amount', async () => {
    expect(await list({ statuses: ['posted'] })).toEqual(ids_('e'));
    expect(await list({ kind: 'payment' })).toEqual(ids_('f'));
    expect(await list({ reason: 'low_confidence' })).toEqual(ids_('a', 'b'));
    expect(await list({ businessUnitId: 20 })).toEqual(ids_('b'));
    expect(await list({ minAmount: '100', maxAmount: '999.99' })).toEqual(ids_('c', 'd', 'f'));
  });
  it('filters by age and by who holds the item (expired claims count as unclaimed)', async () => {
    expect(await list({ minAgeHours: 24 })).toEqual(ids_('a'));
    expect(await list({ maxAgeHours: 3 })).toEqual(ids_('b', 'd', 'f'));
    expect(await list({ assignee: 'u-1' })).toEqual(ids_('d'));
    expect(await list({ assignee: 'u-2' })).toEqual([]);
    expect(await list({ assignee: 'unclaimed' })).toEqual(ids_('a', 'b', 'c', 'f'));
  });
  it('counts per reason (ignoring the reason filter) and in total (honouring it)', async () => {
    const counts = await countReviewQueue(t.db, { tenantId, reason: 'low_confidence' });
    expect(counts.total).toBe(2);
    expect(counts.byReason).toEqual({
      low_confidence: 2,
      amount_over_threshold: 1,
      validation_flag: 1,
      post_mismatch: 1,
      short_pay: 1,
    });
  });
  it('sorts by amount both ways', async () => {
    const desc = (await listReviewQueue(t.db, { tenantId }, { sort: 'amount_desc' })).items.map(
      (i) => i.amount,
    );
    expect(desc).toEqual(['6000.00', '999.99', '300.00', '120.00', '50.00']);
    const asc = (await listReviewQueue(t.db, { tenantId }, { sort: 'amount_asc' })).items.map(
      (i) => i.amount,
    );
    expect(asc).toEqual([...desc].reverse());
  });
});

describe('keyset pagination', () => {
  for (const sort of ['oldest', 'newest', 'amount_desc', 'amount_asc'] as QueueSort[]) {
    it(`${sort}: every item exactly once while new items arrive between pages`, async () => {
      const tenantId = `pages-${sort}`;
      const original = await insert(
        t.db,
        Array.from({ length: 37 }, (_, i) => ({
          tenantId,
          status: ['open', 'on_hold', 'escalated'][i % 3]!,
          amount: `${(i * 7919) % 500}.00`, // duplicates amounts: ties break on id
          ageHours: 100 - i,
        })),
      );
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const page = await listReviewQueue(t.db, { tenantId }, { sort, limit: 8, after });
        seen.push(...page.items.map((i) => i.id));
        after = page.next;
        pages += 1;
        // Items arrive mid-walk, with amounts across the whole range.
        if (pages <= 2)
          await insert(t.db, [
            { tenantId, amount: '0.00' },
            { tenantId, amount: '999.00' },
          ]);
      } while (after);
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of original) expect(seen).toContain(id);
    });
  }

  it('refuses a tampered cursor with a clear message', async () => {
    await expect(listReviewQueue(t.db, { tenantId: 'x' }, { after: 'bm90LWEtY3Vyc29y' })).rejects.toThrow(
      /cursor is not valid/,
    );
  });
});

describe('claims', () => {
  it('are exclusive, renewable, expire, and released only by the holder', async () => {
    const [id] = await insert(t.db, [{ tenantId: 'claims' }]);
    expect((await claimReviewItem(t.db, id!, 'ann', 60_000)).ok).toBe(true);
    const bob = await claimReviewItem(t.db, id!, 'bob', 60_000);
    expect(bob).toMatchObject({ ok: false, reason: 'held', heldBy: 'ann' });
    expect((await claimReviewItem(t.db, id!, 'ann', 60_000)).ok).toBe(true);
    expect(await releaseReviewClaim(t.db, id!, 'bob')).toBe(false);
    // Ann's claim lapses (time passes): Bob can take it, and then Ann cannot.
    await t.db.reviewItem.update({
      where: { id: id! },
      data: { claimExpiresAt: new Date(Date.now() - 1000) },
    });
    expect((await claimReviewItem(t.db, id!, 'bob', 60_000)).ok).toBe(true);
    expect(await claimReviewItem(t.db, id!, 'ann', 60_000)).toMatchObject({ ok: false, heldBy: 'bob' });
    expect(await releaseReviewClaim(t.db, id!, 'bob')).toBe(true);
    expect((await claimReviewItem(t.db, id!, 'ann', 60_000)).ok).toBe(true);
  });

  it('go to exactly one of many people claiming at once', async () => {
    const [id] = await insert(t.db, [{ tenantId: 'race' }]);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => claimReviewItem(t.db, id!, `user-${i}`, 60_000)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('cannot be taken on closed items, and block actions by anyone else', async () => {
    const [closed, held] = await insert(t.db, [
      { tenantId: 'closed', status: 'posted' },
      { tenantId: 'closed', claimedBy: 'ann' },
    ]);
    expect(await claimReviewItem(t.db, closed!, 'ann', 60_000)).toMatchObject({
      ok: false,
      reason: 'closed',
    });
    expect(await claimReviewItem(t.db, randomUUID(), 'ann', 60_000)).toMatchObject({
      ok: false,
      reason: 'not_found',
    });
    await expect(t.db.$transaction((tx) => lockClaimedItem(tx, held!, 'bob', 60_000))).rejects.toBeInstanceOf(
      ClaimConflictError,
    );
    const mine = await t.db.$transaction((tx) => lockClaimedItem(tx, held!, 'ann', 60_000));
    expect(mine.claimedBy).toBe('ann');
  });

  it('hand out different items to people asking for the next one at the same time', async () => {
    const tenantId = 'next';
    await insert(
      t.db,
      Array.from({ length: 6 }, (_, i) => ({ tenantId, ageHours: 10 - i })),
    );
    await insert(t.db, [{ tenantId, ageHours: 50, claimedBy: 'someone-else' }]);
    const got = await Promise.all(
      Array.from({ length: 8 }, (_, i) => claimNextReviewItem(t.db, { tenantId }, `p${i}`, 60_000)),
    );
    const ids = got.filter((g): g is string => g !== null);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    expect(got.filter((g) => g === null)).toHaveLength(2);
  });
});

describe('at 100k items', () => {
  const tenantId = 'big';
  beforeAll(async () => {
    await t.db.$executeRawUnsafe(`
      INSERT INTO review_items (id, tenant_id, kind, subject_key, status, reasons, amount, business_unit_id,
                                summary, sla_due_at, created_at, updated_at)
      SELECT gen_random_uuid(), '${tenantId}', CASE WHEN g % 10 = 0 THEN 'payment' ELSE 'invoice' END, 'big:' || g,
             (ARRAY['open','open','open','on_hold','escalated','posted','posted','rejected'])[1 + g % 8],
             ARRAY[(ARRAY['low_confidence','amount_over_threshold','validation_flag','suggest_mode','post_mismatch'])[1 + g % 5]],
             ((g * 7919) % 900000) / 100.0, 10 + g % 7, '', now(), now() - (g || ' seconds')::interval, now()
      FROM generate_series(1, 100000) AS g`);
    await t.db.$executeRawUnsafe('ANALYZE review_items');
  }, 120_000);

  const timed = async <T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> => {
    const started = performance.now();
    const value = await fn();
    return { value, ms: performance.now() - started };
  };

  it('pages from the index without sorting the backlog', async () => {
    const filters = { tenantId };
    await listReviewQueue(t.db, filters); // warm the connection and plan cache
    for (const sort of ['oldest', 'amount_desc'] as QueueSort[]) {
      const first = await timed(() => listReviewQueue(t.db, filters, { sort, limit: 50 }));
      expect(first.value.items).toHaveLength(50);
      let page = first.value;
      for (let i = 0; i < 20; i++)
        page = await listReviewQueue(t.db, filters, { sort, limit: 50, after: page.next });
      const deep = await timed(() => listReviewQueue(t.db, filters, { sort, limit: 50, after: page.next }));
      expect(first.ms, `${sort} first page`).toBeLessThan(250);
      expect(deep.ms, `${sort} page 22`).toBeLessThan(250);
    }
    const plan = await t.db.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
      `EXPLAIN SELECT id FROM review_items WHERE tenant_id = 'big' AND status = 'open' ORDER BY created_at, id LIMIT 51`,
    );
    expect(plan.map((p) => p['QUERY PLAN']).join('\n')).toContain(
      'review_items_tenant_id_status_created_at_id_idx',
    );
  });

  it('filters and counts quickly', async () => {
    const filtered = await timed(() =>
      listReviewQueue(t.db, { tenantId, reason: 'post_mismatch', minAmount: '100' }, { limit: 50 }),
    );
    expect(filtered.value.items.every((i) => i.reasons.includes('post_mismatch'))).toBe(true);
    expect(filtered.ms).toBeLessThan(250);
    const counts = await timed(() => countReviewQueue(t.db, { tenantId }));
    expect(counts.value.total).toBe(62500);
    expect(counts.ms).toBeLessThan(1000);
  });
});
