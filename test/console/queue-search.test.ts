// Queue search (customer, service address, job number, invoice number; with the other filters,
// per tenant, injection-safe, served by the trigram index) and dollars waiting per reason
// (exact to the cent), through the console over HTTP on a real database.
import type { ConsoleApp } from '@invoicer/console';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoleUsers, seedInvoiceItem, startTestConsole, TestClient } from './support.ts';

let t: TestDatabase;
let app: ConsoleApp;
let clerk: TestClient;
const ids: Record<string, string> = {};

/** A seeded item at another service address (the seed's context says 1 Main St). */
async function moveTo(runId: string, itemId: string, address: string) {
  await t.db.$executeRaw`UPDATE stage_outputs
    SET output = jsonb_set(output, '{value,context,location,address}', to_jsonb(${address}::text))
    WHERE run_id = ${runId}::uuid AND stage = 'extract'`;
  // Any write of the searched columns refreshes the search text (a trigger).
  await t.db.$executeRaw`UPDATE review_items SET customer_name = customer_name WHERE id = ${itemId}::uuid`;
}

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startTestConsole({
    DATABASE_URL: t.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: testQueuePrefix('search'),
  });
  const emails = await createRoleUsers(t.db);
  const seed = async (key: string, o: Parameters<typeof seedInvoiceItem>[1]) => {
    const seeded = await seedInvoiceItem(t.db, o);
    ids[key] = seeded.itemId;
    return seeded;
  };
  const smith = await seed('smith', {
    stJobId: 7101,
    customerName: 'Jane Smith',
    amount: '0.10',
    reasons: ['low_confidence'],
  });
  await moveTo(smith.runId, smith.itemId, '42 Elm Road, Springfield');
  await seed('smithers', {
    stJobId: 7102,
    customerName: 'Waylon Smithers',
    amount: '0.20',
    reasons: ['low_confidence', 'amount_over_threshold'],
  });
  await seed('garcia', {
    stJobId: 7203,
    customerName: "O'Brien & Garcia_Co 100%",
    amount: '1234.56',
    reasons: ['validation_flag'],
  });
  // Another tenant's Jane Smith must never show.
  await seed('beta', {
    tenantId: 'beta',
    tenantName: 'Beta Plumbing',
    stTenantId: 5353,
    stJobId: 7999,
    customerName: 'Jane Smith',
  });
  clerk = new TestClient(app.app);
  await clerk.signIn(emails.billing_specialist);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

interface QueueJson {
  items: { id: string; tenantId: string }[];
  next: string | null;
  counts: { total: number; totalAmount: string; amountByReason: Record<string, string> };
}

async function search(query: Record<string, string>): Promise<QueueJson> {
  const res = await clerk.get(`/queue?${new URLSearchParams({ tenant: 'acme', ...query })}`, {
    accept: 'application/json',
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as QueueJson;
}
const found = async (q: string, extra: Record<string, string> = {}) =>
  (await search({ q, ...extra })).items.map((i) => i.id).sort();

describe('queue search', () => {
  it('finds items by customer name, in any case and in part', async () => {
    expect(await found('jane smith')).toEqual([ids.smith]);
    expect(await found('SMITH')).toEqual([ids.smith, ids.smithers].sort());
    expect(await found('waylon')).toEqual([ids.smithers]);
  });

  it('finds items by service address, job number and invoice number', async () => {
    expect(await found('elm road')).toEqual([ids.smith]);
    expect(await found('42 Elm')).toEqual([ids.smith]);
    expect(await found('7102')).toEqual([ids.smithers]);
    expect(await found('job 7203')).toEqual([ids.garcia]);
    // The seed's invoice: reference INV-<job>, ServiceTitan invoice id 5000 + job.
    expect(await found('INV-7203')).toEqual([ids.garcia]);
    expect(await found('#12101')).toEqual([ids.smith]);
    expect(await found('nobody like this')).toEqual([]);
  });

  it('combines with the other filters, counts and pages', async () => {
    expect(await found('smith', { reason: 'amount_over_threshold' })).toEqual([ids.smithers]);
    expect(await found('smith', { min: '0.15' })).toEqual([ids.smithers]);
    expect(await found('smith', { job: '7101' })).toEqual([ids.smith]);
    const page = await search({ q: 'smith', limit: '1' });
    expect(page.items).toHaveLength(1);
    expect(page.counts.total).toBe(2);
    const second = await search({ q: 'smith', limit: '1', after: page.next! });
    expect(second.items.map((i) => i.id)).not.toContain(page.items[0]!.id);
    expect(second.next).toBeNull();
    // The page keeps the search in its form and links.
    const html = await clerk.get('/queue?tenant=acme&q=smith');
    expect(html.body).toContain('value="smith"');
    expect(html.body).toContain('Jane Smith');
    expect(html.body).not.toContain('Garcia');
  });

  it('never shows another tenant’s items', async () => {
    const all = await search({ q: 'jane' });
    expect(all.items.map((i) => i.tenantId)).toEqual(['acme']);
    expect(await found('7999')).toEqual([]);
  });

  it('takes quotes, LIKE wildcards and SQL as text to find, not as SQL', async () => {
    expect(await found("o'brien")).toEqual([ids.garcia]);
    expect(await found('garcia_co')).toEqual([ids.garcia]);
    expect(await found('100%')).toEqual([ids.garcia]);
    // A bare wildcard matches only the text that holds it.
    expect(await found('%')).toEqual([ids.garcia]);
    expect(await found('_')).toEqual([ids.garcia]);
    expect(await found("'; DROP TABLE review_items; --")).toEqual([]);
    expect(await found("x' OR '1'='1")).toEqual([]);
    expect(await t.db.reviewItem.count()).toBe(4);
    const long = await clerk.get(`/queue?tenant=acme&q=${'a'.repeat(201)}`, { accept: 'application/json' });
    expect(long.statusCode).toBe(400);
  });

  it('can be served by the trigram index (chosen over the tenant index once a shop has many items)', async () => {
    const plan = await t.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
      return tx.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
        "EXPLAIN SELECT review_item_id FROM review_item_search WHERE search_text LIKE '%elm road%'",
      );
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('review_item_search_trgm');
  });
});

describe('dollars waiting per reason', () => {
  it('sums the drafts waiting under each reason exactly, to the cent', async () => {
    await t.db.reviewItem.create({
      data: {
        tenantId: 'acme',
        kind: 'payment',
        subjectKey: 'payment:short-1',
        status: 'open',
        reasons: ['short_pay'],
        amount: '50.25',
        customerName: 'Jane Smith',
        summary: 'check 1001 short by $4.00',
        slaDueAt: new Date(Date.now() + 86_400_000),
      },
    });
    const all = await search({});
    // 0.10 + 0.20 is 0.30 here, not 0.30000000000000004.
    expect(all.counts.amountByReason).toEqual({
      low_confidence: '0.30',
      amount_over_threshold: '0.20',
      validation_flag: '1234.56',
      short_pay: '50.25',
    });
    expect(all.counts.totalAmount).toBe('1285.11');
    const page = await clerk.get('/queue?tenant=acme');
    expect(page.body).toContain('Dollars waiting');
    expect(page.body).toMatch(/id="dollars-total" data-amount="1285.11">\$1,285.11</);
    // Draft totals and payments received are shown apart.
    expect(page.body).toMatch(/Invoice drafts[\s\S]*Low confidence[\s\S]*Payments received[\s\S]*Short pay/);
    // A payment item is found by its summary (a check number) too.
    expect((await search({ q: 'check 1001' })).items).toHaveLength(1);
    expect((await search({ kind: 'invoice' })).counts.totalAmount).toBe('1234.86');
    expect(page.body).toMatch(
      /Low confidence <span class="muted small">\(2\)<\/span><\/td><td class="num" data-amount="0.30">\$0.30/,
    );
    // With a search, the dollars are those of the items found.
    expect((await search({ q: 'smithers' })).counts.totalAmount).toBe('0.20');
  });
});

describe('search at 100k items', () => {
  const tenantId = 'big';
  beforeAll(async () => {
    await t.db.$executeRawUnsafe(`
      INSERT INTO review_items (id, tenant_id, kind, subject_key, status, reasons, amount, st_job_id,
                                customer_name, summary, sla_due_at, created_at, updated_at)
      SELECT gen_random_uuid(), '${tenantId}', 'invoice', 'big:' || g,
             (ARRAY['open','open','on_hold','escalated','posted'])[1 + g % 5], ARRAY['low_confidence'],
             ((g * 7919) % 900000) / 100.0, 500000 + g,
             (ARRAY['Smith','Jones','Garcia','Nguyen','Patel'])[1 + g % 5] || ' Household ' || g,
             '', now(), now() - (g || ' seconds')::interval, now()
      FROM generate_series(1, 100000) AS g`);
    await t.db.$executeRawUnsafe('ANALYZE review_items');
    await t.db.$executeRawUnsafe('ANALYZE review_item_search');
  }, 180_000);

  it('keeps the search text of every item, and finds one among 100k quickly through the index', async () => {
    expect(await t.db.reviewItemSearch.count({ where: { tenantId } })).toBe(100_000);
    const filters = { tenantId, search: ['household', '77777'] };
    const { listReviewQueue, countReviewQueue } = await import('@invoicer/db');
    await listReviewQueue(t.db, filters);
    const started = performance.now();
    const page = await listReviewQueue(t.db, filters, { limit: 50 });
    const counts = await countReviewQueue(t.db, filters);
    const ms = performance.now() - started;
    expect(page.items.map((i) => i.customerName)).toEqual(['Garcia Household 77777']);
    expect(counts.total).toBe(1);
    expect(ms).toBeLessThan(500);
    const plan = await t.db.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
      `EXPLAIN SELECT review_item_id FROM review_item_search WHERE tenant_id = 'big' AND search_text LIKE '%household 77777%'`,
    );
    expect(plan.map((p) => p['QUERY PLAN']).join('\n')).toContain('review_item_search_trgm');
  });
});
