// History models cached by the period they describe (issue 12): whatever order periods are asked
// for, each model is exactly the one built from scratch for its cutoff, a model handed out never
// changes, concurrent requests share one build, and a later period starts from a copy of an
// earlier one instead of reading all history again.
import { HistoryModel, learnPolicies, policyPredictions, shopPolicies } from '@invoicer/billing';
import {
  type HistoryJobRow,
  type HistoryLineRow,
  historyEvents,
  replaceHistoryLines,
  upsertHistoryJobs,
} from '@invoicer/db';
import { createTestDatabase, type TestDatabase } from '@invoicer/db/testing';
import { createLogger } from '@invoicer/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyModel, TenantRuntime } from './runtime.ts';

const TENANT = 'models';
const DAY = 24 * 3600_000;
const START = Date.parse('2026-03-01T00:00:00Z');
const JOBS = 360;
const FEATURES = [
  'jt:1',
  'jt:2',
  'jt:3',
  'w:leak',
  'w:filter',
  'w:trip',
  'w:valve',
  'after_hours',
  'tech:7',
  'tech:8',
];
const SKUS = [101, 102, 103, 104, 105, 106, 107, 108];

let database: TestDatabase;

/** The model's state in order (maps and sets in insertion order), without its version and memo. */
function state(model: HistoryModel): string {
  return JSON.stringify(
    Object.fromEntries(Object.entries(model).filter(([k]) => k !== 'derived' && k !== 'version')),
    (_, v) =>
      v instanceof Map
        ? { map: [...v] }
        : v instanceof Set
          ? { set: [...v] }
          : typeof v === 'number' && !Number.isFinite(v)
            ? String(v)
            : v,
  );
}

/** Equal states, or a failure that shows where they first differ (they are long). */
function expectSame(actual: string, expected: string): void {
  if (actual === expected) return;
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  expect(actual.slice(Math.max(0, i - 300), i + 200)).toBe(expected.slice(Math.max(0, i - 300), i + 200));
}

async function fromScratch(cutoff: number): Promise<HistoryModel> {
  const model = new HistoryModel();
  const events = await historyEvents(database.db, TENANT, null, new Date(cutoff));
  model.advance(cutoff, events.jobs, events.lines);
  return model;
}

function runtime(budget?: number): TenantRuntime {
  return new TenantRuntime({
    db: database.db,
    redis: null as never,
    prefix: 'models-test',
    credentialsKey: Buffer.alloc(32),
    log: createLogger({ name: 'models-test', level: 'silent' }),
    ...(budget !== undefined ? { historyModelBudgetJobs: budget } : {}),
  });
}

/** Noon of the given day after START: its model holds the days before it. */
const day = (n: number) => new Date(START + n * DAY + 12 * 3600_000);
const cutoffOf = (n: number) => START + n * DAY - 1;

beforeAll(async () => {
  database = await createTestDatabase();
  let seed = 7;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const jobs: HistoryJobRow[] = [];
  const lines: HistoryLineRow[] = [];
  for (let i = 0; i < JOBS; i++) {
    // Distinct instants (events are applied in time order; ties have no defined order).
    const completed = START + Math.floor((i * 60 * DAY) / JOBS) + i * 1000;
    const features = FEATURES.filter(() => rand() < 0.35);
    jobs.push({
      stJobId: 1000 + i,
      jobTypeId: 1 + (i % 3),
      businessUnitId: null,
      locationId: null,
      customerId: null,
      completedOn: new Date(completed).toISOString(),
      noteText: '',
      features,
      laborHours: rand() < 0.8 ? (1 + Math.floor(rand() * 8) / 2).toFixed(2) : null,
    });
    // At most one technician line a job: its lines count from the job's completion, and events at
    // one instant have no defined order (historyEvents sorts by time only), which a model built
    // by another path may apply differently. Office additions come hours to days later.
    const technician = rand() < 0.85 ? 1 : 0;
    for (let k = 0; k < technician + Math.floor(rand() * 3); k++) {
      const office = k >= technician;
      lines.push({
        stItemId: 100_000 + i * 10 + k,
        stJobId: 1000 + i,
        stInvoiceId: 5000 + i,
        skuId: SKUS[Math.floor(rand() * SKUS.length)]!,
        itemType: 'Material',
        description: `item ${k}`,
        quantity: String(1 + Math.floor(rand() * 3)),
        unitPrice: '10.00',
        createdOn: new Date(
          office ? completed + 3600_000 + Math.floor(rand() * 5 * DAY) + k * 7 + 17 : completed - 3600_000,
        ).toISOString(),
        officeAdded: office,
      });
    }
  }
  await upsertHistoryJobs(database.db, TENANT, jobs);
  await replaceHistoryLines(
    database.db,
    TENANT,
    jobs.map((j) => j.stJobId),
    lines,
  );
}, 120_000);

afterAll(async () => {
  await database?.drop();
});

describe('history models cached by period', () => {
  it('gives, in any order of periods, exactly the model built from scratch for each', async () => {
    const rt = runtime();
    const order = [30, 10, 45, 20, 30, 50, 5, 46, 10, 61];
    const seen = new Map<number, HistoryModel>();
    for (const n of order) {
      const model = await rt.model(TENANT, day(n));
      expect(model.asOf).toBe(cutoffOf(n));
      expectSame(state(model), state(await fromScratch(cutoffOf(n))));
      if (seen.has(n)) expect(model).toBe(seen.get(n));
      seen.set(n, model);
    }
    // From scratch only when no earlier period is cached (30, 10, 5); the rest start from a copy.
    expect(rt.modelCacheStats()).toMatchObject({ hits: 2, builds: 3, extensions: 5, evictions: 0 });
  });

  it('never changes a model once handed out', async () => {
    const rt = runtime();
    const early = await rt.model(TENANT, day(12));
    const before = state(early);
    const probe = () => [
      early.officeAddRules(['jt:1', 'w:leak'], 2),
      early.wordVotes(['leak', 'filter'], 1),
      early.missingRisk(['jt:2'], new Set([101])),
    ];
    const answers = JSON.stringify(probe());
    for (const n of [20, 40, 13, 60]) await rt.model(TENANT, day(n));
    expect(state(early)).toBe(before);
    expect(JSON.stringify(probe())).toBe(answers);
  });

  it('shares one build among concurrent requests for a period', async () => {
    const rt = runtime();
    const models = await Promise.all(
      [day(33), day(33), new Date(day(33).getTime() + 3600_000), day(34), day(33)].map((at) =>
        rt.model(TENANT, at),
      ),
    );
    expect(new Set(models).size).toBe(2);
    expect(models[0]).toBe(models[4]);
    expect(rt.modelCacheStats()).toMatchObject({ hits: 3, builds: 1, extensions: 1 });
    expectSame(state(models[3]!), state(await fromScratch(cutoffOf(34))));
  });

  it('keeps within its memory budget, least recently used out first, still exact', async () => {
    // Each model here holds up to 360 jobs: a budget of 700 keeps about two.
    const rt = runtime(700);
    for (const n of [50, 51, 52, 53, 54]) await rt.model(TENANT, day(n));
    const stats = rt.modelCacheStats();
    expect(stats.evictions).toBeGreaterThanOrEqual(2);
    expect(stats.builds).toBe(1);
    // 50 is gone: asked again, it is rebuilt (from scratch: nothing earlier is left), and exact.
    const again = await rt.model(TENANT, day(50));
    expect(rt.modelCacheStats().builds).toBe(2);
    expectSame(state(again), state(await fromScratch(cutoffOf(50))));
  });

  it('learns policies for its own date when a later period brings no new events', async () => {
    // A shop whose office adds SKU 201 within the hour: its jobs settle a day after completion.
    // Its last jobs complete on day 20, so the models of days 21 and 30 hold the same events, but
    // day 20's jobs have settled only by day 30: its policies must count them.
    const tenant = 'models-settle';
    const jobs: HistoryJobRow[] = [];
    const lines: HistoryLineRow[] = [];
    for (let i = 0; i < 120; i++) {
      const completed = START + Math.floor((i * 21 * DAY) / 120) + i * 1000;
      jobs.push({
        stJobId: 9000 + i,
        jobTypeId: 1,
        businessUnitId: null,
        locationId: null,
        customerId: null,
        completedOn: new Date(completed).toISOString(),
        noteText: '',
        features: ['jt:1', i % 3 ? 'w:leak' : 'w:trip'],
        laborHours: null,
      });
      if (i % 3)
        lines.push({
          stItemId: 900_000 + i,
          stJobId: 9000 + i,
          stInvoiceId: 9500 + i,
          skuId: 201,
          itemType: 'Material',
          description: 'kit',
          quantity: '1',
          unitPrice: '10.00',
          createdOn: new Date(completed + 1800_000).toISOString(),
          officeAdded: true,
        });
    }
    await upsertHistoryJobs(database.db, tenant, jobs);
    await replaceHistoryLines(
      database.db,
      tenant,
      jobs.map((j) => j.stJobId),
      lines,
    );
    const scratch = async (cutoff: number) => {
      const model = new HistoryModel();
      const events = await historyEvents(database.db, tenant, null, new Date(cutoff));
      model.advance(cutoff, events.jobs, events.lines);
      return model;
    };
    const rt = runtime();
    const summary = (policies: ReturnType<typeof learnPolicies>) =>
      [...policies].map(([sku, p]) => [sku, p.opportunities, p.adds]);
    const earlier = await rt.model(tenant, day(21));
    const early = summary(shopPolicies(earlier));
    const later = await rt.model(tenant, day(30));
    expect(rt.modelCacheStats()).toMatchObject({ builds: 1, extensions: 1 });
    expectSame(state(later), state(await scratch(cutoffOf(30))));
    const expected = summary(learnPolicies(await scratch(cutoffOf(30))));
    expect(expected).not.toEqual(early);
    expect(summary(shopPolicies(later))).toEqual(expected);
    expect(summary(shopPolicies(earlier))).toEqual(early);
    // Day 31 holds the same events and settles no more jobs than day 30: its copy keeps day 30's
    // policies, and values that read only the events (an index) survive the move to a new date.
    const index = later.memo('test-index', () => ({ built: 'day 30' }));
    const next = await rt.model(tenant, day(31));
    expect(rt.modelCacheStats()).toMatchObject({ builds: 1, extensions: 2 });
    expect(shopPolicies(next)).toBe(shopPolicies(later));
    expect(next.memo('test-index', () => ({ built: 'day 31' }))).toBe(index);
  });

  it('learns, in any order of days, exactly the policies learned afresh for each', async () => {
    // The last jobs complete on day 60 and the office adds lines up to five days later: from day 61
    // on there are days with no new events whose settled jobs still change, then days where
    // neither does.
    const rt = runtime();
    const learned = new Map<number, ReturnType<typeof shopPolicies>>();
    for (const n of [70, 62, 75, 66, 61, 80, 64, 63, 76, 71]) {
      const policies = shopPolicies(await rt.model(TENANT, day(n)));
      expect(policies).toEqual(learnPolicies(await fromScratch(cutoffOf(n))));
      learned.set(n, policies);
    }
    // Days 61–64 settle more jobs each day: learned for each.
    expect(new Set([61, 62, 63, 64].map((n) => learned.get(n))).size).toBe(4);
    // 71 and 76 are copies of 70 and 75, with the same events and settled jobs: theirs reused.
    expect(learned.get(71)).toBe(learned.get(70));
    expect(learned.get(76)).toBe(learned.get(75));
  });

  it('copies a model completely: the copy advances alone, with the same answers', async () => {
    const base = await fromScratch(cutoffOf(25));
    const derivedBefore = policyPredictions(base, new Map(), ['jt:1'], new Set());
    const copy = copyModel(base);
    expect(copy).toBeInstanceOf(HistoryModel);
    expect(state(copy)).toBe(state(base));
    expect(copy.officeAddRules(['jt:1', 'w:trip'], 1)).toEqual(base.officeAddRules(['jt:1', 'w:trip'], 1));
    expect(copy.quantityStats(101)).toEqual(base.quantityStats(101));
    expect(copy.laborNorm(1)).toEqual(base.laborNorm(1));
    const before = state(base);
    const events = await historyEvents(database.db, TENANT, new Date(cutoffOf(25)), new Date(cutoffOf(55)));
    copy.advance(cutoffOf(55), events.jobs, events.lines);
    expect(state(base)).toBe(before);
    expectSame(state(copy), state(await fromScratch(cutoffOf(55))));
    expect(policyPredictions(base, new Map(), ['jt:1'], new Set())).toEqual(derivedBefore);
  });
});
