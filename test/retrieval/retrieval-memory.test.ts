// Price-book search served from memory (issue 12) gives what Postgres gives: word similarity and
// ts_rank_cd to the bit, and CatalogSearchIndex the same hits, values and order as
// searchSkusBatch, for every mention the notes of two generated shops and (when ../shared is
// next to the repository) the four eval shops yield, plus awkward and random texts. Whatever it
// cannot prove equal (non-ASCII, a word to_tsquery splits) it declines, and Postgres answers.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildVocabulary, findMentions, htmlToText } from '@invoicer/billing';
import {
  type CatalogRow,
  CatalogSearchIndex,
  type Db,
  getCursor,
  HISTORY_VERSION_CURSOR,
  type HistoryLineRow,
  HistoryVoteIndex,
  historyLineVotesBatch,
  historyLineVotesIndexed,
  type MentionQuery,
  parseTextVector,
  queryWordLexemes,
  rankCoverDensity,
  replaceHistoryLines,
  SearchHitCache,
  searchSkusBatch,
  searchSkusCached,
  sql,
  trigramPattern,
  trigrams,
  upsertCatalog,
  wordSimilarity,
} from '@invoicer/db';
import { createTestDatabase, type TestDatabase } from '@invoicer/db/testing';
import { loadTenantFixture, type TenantFixture } from '@invoicer/servicetitan';
import { generateTenant } from '@invoicer/st-sim/generator';
import { categoryNames, feeRow, skuRow, toCatalogSku } from '@invoicer/tenant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const LIMIT = 8;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EVAL_SHOPS = path.resolve(root, '../shared/eval-shops');
const evalShops = ['A', 'B', 'C', 'D'].filter((s) => existsSync(path.join(EVAL_SHOPS, s, 'tenant.json')));
if (!evalShops.length) console.warn(`retrieval-memory: eval shops skipped, ${EVAL_SHOPS} is absent`);

const AWKWARD: MentionQuery[] = [
  { text: '', words: [] },
  { text: '   ', words: [] },
  { text: '(', words: ['('] },
  { text: 'capacitor!!', words: ['capacitor!!'] },
  { text: 'R-410A refrigerant (2 lbs)', words: ['r-410a', 'refrigerant', 'lbs', '2'] },
  { text: 'trip & dispatch | fee', words: ['trip', '&', 'dispatch', '|', 'fee'] },
  { text: 'tech\'s 1/2" pvc ball-valve', words: ["tech's", '1/2"', 'pvc', 'ball-valve'] },
  { text: 'WATER HEATER', words: ['WATER', 'HEATER'] },
  { text: 'water water heater heater', words: ['water', 'water', 'heater'] },
  { text: 'diag', words: ['diagnostic'] },
  { text: 'x 1e5 12e3 3e 0x1f', words: ['x', '1e5', '12e3', '3e', '0x1f'] },
];

interface Shop {
  tenant: string;
  mentions: MentionQuery[];
  /** Two completion times inside the shop's history (votes count only lines before them). */
  dates: Date[];
}

/** Deterministic pseudo-random texts from the catalogue's own words, cut and misspelt. */
function randomTexts(names: string[], count: number, seed: number): MentionQuery[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const words = names.flatMap((n) => n.split(/\s+/)).filter(Boolean);
  const out: MentionQuery[] = [];
  for (let i = 0; i < count; i++) {
    const picked = Array.from({ length: 1 + Math.floor(next() * 4) }, () => {
      let w = words[Math.floor(next() * words.length)]!;
      const r = next();
      if (r < 0.2) w = w.slice(0, Math.max(2, Math.floor(w.length * 0.6)));
      else if (r < 0.3) w = `${w.slice(0, 2)}${w.slice(3)}`;
      return w;
    });
    out.push({ text: picked.join(' '), words: picked.map((w) => w.toLowerCase()) });
  }
  return out;
}

async function loadShop(db: Db, tenant: string, fixture: TenantFixture, notes: number): Promise<Shop> {
  const names = categoryNames(fixture['pricebook/categories']);
  const rows: CatalogRow[] = [
    ...fixture['pricebook/services'].map((s) => skuRow('service', s as never, names)),
    ...fixture['pricebook/materials'].map((s) => skuRow('material', s as never, names)),
    ...fixture['pricebook/equipment'].map((s) => skuRow('equipment', s as never, names)),
    ...fixture['pricebook/discounts-and-fees'].map(feeRow),
  ];
  await upsertCatalog(db, tenant, rows);
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
  await replaceHistoryLines(db, tenant, [...new Set(lines.map((l) => l.stJobId))], lines);
  const times = [...completed.values()].sort();
  const skus = rows.map(toCatalogSku);
  const vocabulary = buildVocabulary(skus.map((s) => `${s.name} ${s.categoryNames.join(' ')}`));
  const found = fixture['jpm/job-notes']
    .slice(0, notes)
    .flatMap((n, index) => findMentions([{ index, text: String(n.text ?? '') }], vocabulary).mentions);
  return {
    tenant,
    mentions: [
      ...found.map((m) => ({ text: m.text, words: m.words })),
      ...AWKWARD,
      ...randomTexts(
        rows.map((r) => r.name),
        150,
        tenant.length * 7919,
      ),
    ],
    dates: [0.3, 0.9].map((q) => new Date(times[Math.floor(q * (times.length - 1))]!)),
  };
}

let database: TestDatabase;
const shops: Shop[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  for (const seed of [11, 5]) {
    const { fixture } = generateTenant({ jobs: 300, seed, payments: false });
    shops.push(await loadShop(database.db, `gen-${seed}`, fixture, 400));
  }
  for (const shop of evalShops)
    shops.push(
      await loadShop(database.db, `eval-${shop}`, loadTenantFixture(path.join(EVAL_SHOPS, shop)), 600),
    );
}, 180_000);

afterAll(async () => {
  await database?.drop();
});

describe('word similarity and ts_rank_cd in process', () => {
  it("word_similarity: Postgres's float4, to the bit, for mentions against SKU names", async () => {
    const pairs: [string, string][] = [];
    for (const shop of shops) {
      const [names] = [
        await sql<{ t: string }>(
          database.db,
          `SELECT name || ' ' || coalesce(code, '') AS t FROM catalog_items WHERE tenant_id = $1 ORDER BY st_id LIMIT 60`,
          [shop.tenant],
        ),
      ];
      for (const [i, m] of shop.mentions.entries())
        if (i % 3 === 0) for (const n of names.slice(i % 20, (i % 20) + 12)) pairs.push([m.text, n.t]);
    }
    pairs.push(
      ['', 'x'],
      ['abc', ''],
      ['a', 'a'],
      ['ab ab ab', 'ab'],
      ['cap', 'capacitor cap cap'],
      ['hello', 'hel lo hello'],
    );
    const rows = await sql<{ s: number }>(
      database.db,
      `SELECT word_similarity(a, b)::float8 AS s FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(a, b, i) ORDER BY i`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
    const mine = pairs.map(([a, b]) => wordSimilarity(trigramPattern(a), trigrams(b)));
    expect(pairs.length).toBeGreaterThan(3000);
    expect(mine).toEqual(rows.map((r) => Number(r.s)));
    expect(mine.filter((s) => s > 0 && s < 1).length).toBeGreaterThan(500);
  });

  it("ts_rank_cd(vector, a | b, 1): Postgres's float4, to the bit", async () => {
    const rows = await sql<{ v: string; q: string; r: number; m: boolean }>(
      database.db,
      `SELECT c.search_vector::text AS v, q.q, ts_rank_cd(c.search_vector, to_tsquery('simple', q.q), 1)::float8 AS r,
              c.search_vector @@ to_tsquery('simple', q.q) AS m
       FROM (SELECT search_vector FROM catalog_items ORDER BY tenant_id, st_id LIMIT 400) c
       CROSS JOIN unnest(ARRAY['water | heater', 'capacitor', 'fee | trip | fee', 'valve | 1 | 2', 'the | a', 'zzz']) AS q(q)`,
      [],
    );
    let matched = 0;
    for (const r of rows) {
      const lexemes = r.q.split(' | ');
      const vector = parseTextVector(r.v);
      expect(rankCoverDensity(vector, lexemes)).toBe(Number(r.r));
      if (r.m) matched++;
    }
    expect(matched).toBeGreaterThan(20);
  });

  it('parses tsvector text: quotes, positions and weights', () => {
    const v = parseTextVector(`'a''b':1,4B 'c\\\\d':2 'plain' 'x':3A`);
    expect([...v.entries.keys()]).toEqual(["a'b", 'c\\d', 'plain', 'x']);
    expect(v.entries.get("a'b")).toEqual({ positions: [1, 4], weights: [0, 2] });
    expect(v.length).toBe(5);
    expect(() => parseTextVector('not a vector')).toThrow();
  });
});

describe('CatalogSearchIndex', () => {
  it('gives searchSkusBatch its hits, values and order for every mention it answers', async () => {
    let answered = 0;
    let declined = 0;
    for (const shop of shops) {
      const index = await CatalogSearchIndex.load(database.db, shop.tenant);
      expect(index, shop.tenant).not.toBeNull();
      const expected = await searchSkusBatch(database.db, shop.tenant, shop.mentions, LIMIT);
      const lexemes = await queryWordLexemes(
        database.db,
        shop.mentions.flatMap((m) =>
          m.words.map((w) => w.replace(/[^a-z0-9]/gi, '')).filter((w) => w.length > 1),
        ),
      );
      for (const [i, m] of shop.mentions.entries()) {
        const hits = index!.search(m, LIMIT, lexemes);
        if (!hits) {
          declined++;
          continue;
        }
        answered++;
        expect(hits, `${shop.tenant}: ${JSON.stringify(m)}`).toEqual(expected[i]);
      }
    }
    expect(answered).toBeGreaterThan(1000);
    // Only the awkward texts with words to_tsquery splits ('12e3' is not among them: it is one).
    expect(declined).toBeLessThan(shops.length * 2 + 1);
  });

  it('declines what it cannot prove equal; searchSkusCached then asks Postgres', async () => {
    const shop = shops[0]!;
    const index = (await CatalogSearchIndex.load(database.db, shop.tenant))!;
    const odd: MentionQuery[] = [
      { text: 'café crème', words: ['café'] },
      { text: 'part 1e5x', words: ['part', '1e5x'] },
    ];
    const lexemes = await queryWordLexemes(database.db, ['caf', 'part', '1e5x']);
    expect(lexemes.get('1e5x')).toBeNull();
    expect(lexemes.get('part')).toBe('part');
    for (const m of odd) expect(index.search(m, LIMIT, lexemes)).toBeNull();
    const mixed = [...odd, ...shop.mentions.slice(0, 40)];
    const cached = await searchSkusCached(
      database.db,
      shop.tenant,
      mixed,
      LIMIT,
      new SearchHitCache(),
      index,
    );
    expect(cached).toEqual(await searchSkusBatch(database.db, shop.tenant, mixed, LIMIT));
  });

  it('is not built for a catalogue with a non-ASCII name (Postgres keeps answering)', async () => {
    await upsertCatalog(database.db, 'accented', [
      {
        kind: 'material',
        stId: 1,
        code: 'M-1',
        name: 'Détendeur thermostatique',
        searchText: 'détendeur',
        active: true,
        data: {},
        modifiedOn: null,
      },
    ]);
    expect(await CatalogSearchIndex.load(database.db, 'accented')).toBeNull();
  });
});

describe('HistoryVoteIndex', () => {
  it('gives historyLineVotesBatch its votes and order for every text, at two dates', async () => {
    let voted = 0;
    for (const shop of shops) {
      const version = await getCursor(database.db, shop.tenant, HISTORY_VERSION_CURSOR);
      expect(version, 'replaceHistoryLines moves the version').not.toBeNull();
      const index = await HistoryVoteIndex.load(database.db, shop.tenant);
      expect(index, shop.tenant).not.toBeNull();
      const texts = shop.mentions.map((m) => m.text);
      for (const before of shop.dates) {
        const expected = await historyLineVotesBatch(database.db, shop.tenant, texts, before);
        const mine = await historyLineVotesIndexed(database.db, shop.tenant, texts, before, index);
        expect(mine.map((v) => [...v])).toEqual(expected.map((v) => [...v]));
        voted += mine.filter((v) => v.size).length;
      }
    }
    expect(voted).toBeGreaterThan(1000);
  });

  it('moves the version on every write, and a description with a non-ASCII letter is not indexed', async () => {
    const tenant = 'history-accented';
    const line = (id: number, description: string): HistoryLineRow => ({
      stItemId: id,
      stJobId: id,
      stInvoiceId: id,
      skuId: 7,
      itemType: 'Material',
      description,
      quantity: '1',
      unitPrice: '1',
      createdOn: '2026-01-01T00:00:00.000Z',
      officeAdded: false,
    });
    await replaceHistoryLines(database.db, tenant, [1], [line(1, 'Capacitor 45/5 \u00b0F \u2013 dual')]);
    const first = await getCursor(database.db, tenant, HISTORY_VERSION_CURSOR);
    const index = await HistoryVoteIndex.load(database.db, tenant);
    expect(index?.size).toBe(1);
    expect([...index!.votes('capacitor', new Date('2026-02-01'))!]).toEqual([[7, 1]]);
    expect([...index!.votes('capacitor', new Date('2026-01-01'))!]).toEqual([]);
    await replaceHistoryLines(database.db, tenant, [2], [line(2, 'Détendeur')]);
    const second = await getCursor(database.db, tenant, HISTORY_VERSION_CURSOR);
    expect(second).not.toBe(first);
    expect(await HistoryVoteIndex.load(database.db, tenant)).toBeNull();
    // Without an index every text is counted by Postgres, with the same answer.
    const texts = ['capacitor', 'détendeur', 'dual'];
    const at = new Date('2026-02-01');
    expect(await historyLineVotesIndexed(database.db, tenant, texts, at, null)).toEqual(
      await historyLineVotesBatch(database.db, tenant, texts, at),
    );
  });
});
