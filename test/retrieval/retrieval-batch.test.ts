// Batched retrieval (issue 12) returns exactly what one query per mention returned before it:
// the same hits, the same similarity values (to the last bit) and the same order, for every
// mention a generated shop's notes yield plus awkward texts (punctuation, empty word lists,
// tsquery operators, non-ASCII), over a real Postgres with the migrated indexes. The oracle is
// the per-mention SQL as it was before the batch (kept here verbatim).
import { buildVocabulary, findMentions, htmlToText } from '@invoicer/billing';
import {
  type CatalogRow,
  type Db,
  type HistoryLineRow,
  historyLineVotes,
  historyLineVotesBatch,
  type MentionQuery,
  replaceHistoryLines,
  type SearchHit,
  SearchHitCache,
  SKU_KINDS,
  searchSkus,
  searchSkusBatch,
  searchSkusCached,
  upsertCatalog,
} from '@invoicer/db';
import { createTestDatabase, type TestDatabase } from '@invoicer/db/testing';
import { generateTenant } from '@invoicer/st-sim/generator';
import { categoryNames, feeRow, skuRow, toCatalogSku } from '@invoicer/tenant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TENANT = 'retrieval';
const LIMIT = 8;

/** searchSkus before the batch, verbatim (recomputes every row's vector, one query a mention). */
async function searchSkusOracle(db: Db, text: string, words: string[], limit: number): Promise<SearchHit[]> {
  const query = words
    .map((w) => w.replace(/[^a-z0-9]/gi, ''))
    .filter((w) => w.length > 1)
    .join(' | ');
  const rows = await db.$queryRawUnsafe<{ kind: string; st_id: bigint; similarity: number }[]>(
    `SELECT kind, st_id, GREATEST(word_similarity($2, name || ' ' || coalesce(code, '')),
              CASE WHEN $3 <> '' THEN ts_rank_cd(to_tsvector('simple', search_text), to_tsquery('simple', $3), 1) ELSE 0 END
            )::float8 AS similarity
     FROM catalog_items
     WHERE tenant_id = $1 AND kind = ANY($5::text[])
       AND ($2 <% (name || ' ' || coalesce(code, '')) OR ($3 <> '' AND to_tsvector('simple', search_text) @@ to_tsquery('simple', $3)))
     ORDER BY similarity DESC, st_id
     LIMIT $4`,
    TENANT,
    text,
    query,
    limit,
    [...SKU_KINDS],
  );
  return rows.map((r) => ({
    kind: r.kind,
    stId: Number(r.st_id),
    similarity: Math.min(1, Number(r.similarity)),
  }));
}

/** historyLineVotes before the batch, verbatim. */
async function historyLineVotesOracle(db: Db, text: string, before: Date): Promise<[number, number][]> {
  const rows = await db.$queryRawUnsafe<{ sku_id: bigint; votes: bigint }[]>(
    `WITH matching AS MATERIALIZED (
       SELECT digest FROM history_descriptions WHERE tenant_id = $1 AND $2 <% description
     )
     SELECT l.sku_id, count(*) AS votes
     FROM matching d
     JOIN history_lines l ON l.tenant_id = $1 AND md5(l.description) = d.digest
     WHERE l.sku_id IS NOT NULL AND l.created_on < $3
     GROUP BY l.sku_id ORDER BY votes DESC, l.sku_id LIMIT 10`,
    TENANT,
    text,
    before,
  );
  return rows.map((r) => [Number(r.sku_id), Number(r.votes)]);
}

/** Texts that stress the query building: punctuation, operators, empty and one-letter words. */
const AWKWARD: MentionQuery[] = [
  { text: '', words: [] },
  { text: '   ', words: [] },
  { text: '(', words: ['('] },
  { text: 'capacitor', words: [] },
  { text: 'capacitor!!', words: ['capacitor!!'] },
  { text: 'R-410A refrigerant (2 lbs)', words: ['r-410a', 'refrigerant', 'lbs', '2'] },
  { text: 'trip & dispatch | fee', words: ['trip', '&', 'dispatch', '|', 'fee'] },
  { text: 'tech\'s 1/2" pvc ball-valve', words: ["tech's", '1/2"', 'pvc', 'ball-valve'] },
  { text: 'a b c', words: ['a', 'b', 'c'] },
  { text: 'disposal:*', words: ['disposal:*', '!', ':', '*'] },
  { text: 'café crème — chauffe-eau', words: ['café', 'crème', 'chauffe-eau'] },
  { text: 'water heater', words: ['water', 'heater'] },
  { text: 'WATER HEATER', words: ['WATER', 'HEATER'] },
  { text: 'water heater', words: [] },
  { text: 'xx', words: ['xx', 'yy'] },
  { text: 'diag', words: ['diagnostic'] },
  { text: "o'clock after-hours", words: ["o'clock", 'after-hours'] },
];

let database: TestDatabase;
let mentions: MentionQuery[];
let dates: Date[];

beforeAll(async () => {
  database = await createTestDatabase();
  const { fixture } = generateTenant({ jobs: 400, seed: 11, payments: false });
  const names = categoryNames(fixture['pricebook/categories']);
  const rows: CatalogRow[] = [
    ...fixture['pricebook/services'].map((s) => skuRow('service', s as never, names)),
    ...fixture['pricebook/materials'].map((s) => skuRow('material', s as never, names)),
    ...fixture['pricebook/equipment'].map((s) => skuRow('equipment', s as never, names)),
    ...fixture['pricebook/discounts-and-fees'].map(feeRow),
  ];
  await upsertCatalog(database.db, TENANT, rows);

  const completed = new Map(
    fixture['jpm/jobs'].filter((j) => j.completedOn).map((j) => [j.id, j.completedOn as string]),
  );
  const lines: HistoryLineRow[] = [];
  for (const invoice of fixture['accounting/invoices']) {
    const jobId = invoice.job?.id;
    const done = jobId === undefined ? undefined : completed.get(jobId);
    if (jobId === undefined || !done) continue;
    for (const item of invoice.items ?? [])
      lines.push({
        stItemId: item.id,
        stJobId: jobId,
        stInvoiceId: invoice.id,
        skuId: item.skuId ?? null,
        itemType: item.type,
        description: htmlToText(item.description ?? item.skuName ?? ''),
        quantity: String(item.quantity),
        unitPrice: String(item.price),
        createdOn: new Date(item.createdOn ?? done).toISOString(),
        officeAdded: false,
      });
  }
  await replaceHistoryLines(database.db, TENANT, [...new Set(lines.map((l) => l.stJobId))], lines);

  const skus = rows.map(toCatalogSku);
  const vocabulary = buildVocabulary(skus.map((s) => `${s.name} ${s.categoryNames.join(' ')}`));
  const notes = fixture['jpm/job-notes'].slice(0, 160);
  const found = notes.flatMap(
    (n, index) => findMentions([{ index, text: String(n.text ?? '') }], vocabulary).mentions,
  );
  mentions = [...found.map((m) => ({ text: m.text, words: m.words })), ...AWKWARD];
  const times = [...completed.values()].sort();
  dates = [0.3, 0.9].map((q) => new Date(times[Math.floor(q * (times.length - 1))]!));
}, 120_000);

afterAll(async () => {
  await database?.drop();
});

describe('batched retrieval', () => {
  it('has a realistic catalogue, history and many mentions to compare', async () => {
    const [counts] = await database.db.$queryRawUnsafe<{ skus: bigint; descriptions: bigint }[]>(
      `SELECT (SELECT count(*) FROM catalog_items WHERE tenant_id = $1) AS skus,
              (SELECT count(*) FROM history_descriptions WHERE tenant_id = $1) AS descriptions`,
      TENANT,
    );
    expect(Number(counts!.skus)).toBeGreaterThan(200);
    expect(Number(counts!.descriptions)).toBeGreaterThan(100);
    expect(mentions.length).toBeGreaterThan(300);
  });

  it('stores the full-text vector of every row, kept current on update', async () => {
    const stale = `SELECT count(*)::int AS n FROM catalog_items WHERE search_vector IS DISTINCT FROM to_tsvector('simple', search_text)`;
    expect((await database.db.$queryRawUnsafe<{ n: number }[]>(stale))[0]!.n).toBe(0);
    await database.db.$executeRawUnsafe(
      `UPDATE catalog_items SET search_text = search_text || ' zzupdated' WHERE tenant_id = $1 AND kind = 'fee'`,
      TENANT,
    );
    expect((await database.db.$queryRawUnsafe<{ n: number }[]>(stale))[0]!.n).toBe(0);
    await database.db.$executeRawUnsafe(
      `UPDATE catalog_items SET search_text = left(search_text, length(search_text) - 10) WHERE tenant_id = $1 AND kind = 'fee'`,
      TENANT,
    );
  });

  it('searchSkusBatch: the same hits, values and order as one query per mention', async () => {
    const batch = await searchSkusBatch(database.db, TENANT, mentions, LIMIT);
    expect(batch).toHaveLength(mentions.length);
    const expected: SearchHit[][] = [];
    for (const m of mentions) expected.push(await searchSkusOracle(database.db, m.text, m.words, LIMIT));
    expect(batch).toEqual(expected);
    // Most mentions find something; the empty ones find nothing.
    expect(batch.filter((h) => h.length).length).toBeGreaterThan(mentions.length / 2);
    expect(batch[mentions.length - AWKWARD.length]).toEqual([]);
    // The single-mention entry point agrees too.
    for (const [i, m] of mentions.entries())
      if (i % 7 === 0)
        expect(await searchSkus(database.db, TENANT, m.text, m.words, LIMIT)).toEqual(expected[i]);
  });

  it('searchSkusCached: the same hits, asking Postgres only for mentions it has not seen', async () => {
    const cache = new SearchHitCache(10_000);
    const half = mentions.slice(0, Math.floor(mentions.length / 2));
    const first = await searchSkusCached(database.db, TENANT, half, LIMIT, cache);
    expect(first).toEqual(await searchSkusBatch(database.db, TENANT, half, LIMIT));
    const distinct = new Set(half.map((m) => `${m.text}|${m.words.join(' ')}`)).size;
    expect(cache.size).toBeLessThanOrEqual(distinct);
    expect(cache.size).toBeGreaterThan(0);
    // Seen mentions never reach Postgres: a client that cannot query at all still answers.
    const noDatabase = {} as Db;
    expect(await searchSkusCached(noDatabase, TENANT, half, LIMIT, cache)).toEqual(first);
    // Everything again plus the rest: the same answers as the batch, in order; the copies are
    // the caller's own (changing one changes nothing remembered).
    const all = await searchSkusCached(database.db, TENANT, mentions, LIMIT, cache);
    expect(all).toEqual(await searchSkusBatch(database.db, TENANT, mentions, LIMIT));
    const hit = all.find((h) => h.length)!;
    hit[0]!.similarity = -1;
    expect(await searchSkusCached(database.db, TENANT, mentions, LIMIT, cache)).toEqual(
      await searchSkusBatch(database.db, TENANT, mentions, LIMIT),
    );
    // A limit is part of the key: a smaller list is never served for a larger one.
    const three = await searchSkusCached(database.db, TENANT, half, 3, cache);
    expect(three).toEqual(await searchSkusBatch(database.db, TENANT, half, 3));
  });

  it('SearchHitCache is bounded and drops the least recently used first', () => {
    const cache = new SearchHitCache(2);
    const hits = (n: number): SearchHit[] => [{ kind: 'material', stId: n, similarity: 1 }];
    cache.set('a', hits(1));
    cache.set('b', hits(2));
    expect(cache.get('a')).toEqual(hits(1)); // a is now the most recent
    cache.set('c', hits(3));
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual(hits(1));
    expect(cache.get('c')).toEqual(hits(3));
  });

  it('searchSkusBatch keeps the per-mention limit and the input order, duplicates included', async () => {
    const picked = [mentions[3]!, mentions[0]!, mentions[3]!, AWKWARD[11]!, AWKWARD[0]!, mentions[0]!];
    const batch = await searchSkusBatch(database.db, TENANT, picked, 3);
    const expected: SearchHit[][] = [];
    for (const m of picked) expected.push(await searchSkusOracle(database.db, m.text, m.words, 3));
    expect(batch).toEqual(expected);
    expect(batch.every((h) => h.length <= 3)).toBe(true);
    // Duplicates get lists of their own (a caller may change one).
    expect(batch[0]).not.toBe(batch[2]);
    expect(await searchSkusBatch(database.db, TENANT, [], 3)).toEqual([]);
  });

  it('historyLineVotesBatch: the same votes, in the same order, as one query per text', async () => {
    const texts = mentions.map((m) => m.text);
    for (const before of dates) {
      const batch = await historyLineVotesBatch(database.db, TENANT, texts, before);
      expect(batch).toHaveLength(texts.length);
      const expected: [number, number][][] = [];
      for (const t of texts) expected.push(await historyLineVotesOracle(database.db, t, before));
      expect(batch.map((v) => [...v])).toEqual(expected);
      expect(batch.filter((v) => v.size).length).toBeGreaterThan(0);
    }
    const single = await historyLineVotes(database.db, TENANT, texts[5]!, dates[2]!);
    expect([...single]).toEqual(await historyLineVotesOracle(database.db, texts[5]!, dates[2]!));
    expect(await historyLineVotesBatch(database.db, TENANT, [], dates[0]!)).toEqual([]);
  });
});
