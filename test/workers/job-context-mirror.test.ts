// Job contexts from the export-feed mirror equal the ones the direct GETs give, byte for byte,
// on a generated tenant served by the simulator; a burst of completions costs one catch-up pass
// of the feeds (not GETs per job); what the mirror is behind on (a stuck feed, a job the feeds
// have not shown yet) is read by GET and still gives the same context.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { JobContext } from '@invoicer/billing';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { createLogger, type Logger } from '@invoicer/platform';
import type { StClient } from '@invoicer/servicetitan';
import { type RunningSim, startSim } from '@invoicer/st-sim';
import { generateTenant } from '@invoicer/st-sim/generator';
import { registerTenant, TenantRuntime } from '@invoicer/tenant';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadJobContextOptions, loadJobContextWithSources } from '../../apps/workers/src/context.ts';
import { freshnessChecker, syncTenant } from '../../apps/workers/src/freshness.ts';
import { catchUpStats } from '../../apps/workers/src/sync/catch-up.ts';

const TENANT = 'acme';
const HELD_BACK = 45;

let database: TestDatabase;
let sim: RunningSim;
let redis: Redis;
let runtime: TenantRuntime;
let client: StClient;
let log: Logger;
const logLines: string[] = [];
let historyJobIds: number[] = [];

beforeAll(async () => {
  const { fixture } = generateTenant({ jobs: 320, seed: 11, payments: false, months: 3 });
  historyJobIds = fixture['jpm/jobs']
    .filter((j) => j.jobStatus === 'Completed' && j.completedOn)
    .sort((a, b) => (a.completedOn ?? '').localeCompare(b.completedOn ?? ''))
    .slice(0, -HELD_BACK)
    .map((j) => j.id);
  // Pay items the per-technician, per-day query leaves out, which the mirror must leave out too:
  // dated after the completion day, another employee's, a non-technician's.
  const sample = new Set(historyJobIds.filter((_, i) => i % 2 === 0).slice(0, 120));
  const pay = fixture['payroll/gross-pay-items'];
  let extraId = 990_000_000;
  for (const item of pay.filter((p) => p.jobId && sample.has(p.jobId)).slice(0, 6)) {
    const later = new Date(Date.parse(item.date ?? '') + 3 * 86_400_000).toISOString();
    pay.push(
      { ...item, id: ++extraId, date: later },
      { ...item, id: ++extraId, employeeId: item.employeeId + 7777 },
      { ...item, id: ++extraId, employeeType: 'Employee' },
    );
  }
  sim = await startSim({
    fixture,
    replay: true,
    replayLast: HELD_BACK,
    faults: { rateLimitPerSecond: null },
  });
  database = await createTestDatabase();
  const credentialsKey = randomBytes(32);
  await registerTenant(database.db, {
    id: TENANT,
    stTenantId: sim.tenantId,
    name: sim.tenant.meta.name,
    apiBaseUrl: sim.url,
    authUrl: `${sim.url}/connect/token`,
    credentials: sim.credentials,
    credentialsKey,
  });
  redis = new Redis(testRedisUrl(), { lazyConnect: true });
  log = createLogger({
    name: 'test',
    level: 'debug',
    destination: new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  });
  runtime = new TenantRuntime({
    db: database.db,
    redis,
    prefix: testQueuePrefix('ctx'),
    credentialsKey,
    log,
    rateLimitPerSecond: 0,
  });
  client = await runtime.client(TENANT);
  // The tenant's first sync: catalogue, mirror (every feed), history.
  await syncTenant(database.db, runtime, log, TENANT);
});

afterAll(async () => {
  await sim?.close();
  await database?.drop();
  redis?.disconnect();
});

const load = (jobId: number, options: LoadJobContextOptions = {}) =>
  loadJobContextWithSources(client, database.db, runtime, TENANT, jobId, options);

async function expectSameAsLive(jobId: number, context: JobContext) {
  const live = (await load(jobId, { source: 'live' })).context;
  expect(context).toEqual(live);
  expect(JSON.stringify(context)).toBe(JSON.stringify(live));
}

function callsSince(): { exports: number; other: string[] } {
  const byEndpoint = sim.stats.snapshot().byEndpoint as Record<string, number>;
  let exports = 0;
  const other: string[] = [];
  for (const [endpoint, n] of Object.entries(byEndpoint)) {
    if (endpoint.includes('/export/')) exports += n;
    else other.push(`${endpoint} ×${n}`);
  }
  return { exports, other };
}

describe('job context from the mirror', () => {
  it('reads a burst of completions after one shared catch-up pass, with no per-job GETs', async () => {
    const played = sim.play(30);
    expect(played).toHaveLength(30);
    sim.stats.reset();
    const passesBefore = catchUpStats.passes;
    const loaded = await Promise.all(played.map((id) => load(id)));
    const calls = callsSince();
    expect(calls.other).toEqual([]);
    const passes = catchUpStats.passes - passesBefore;
    expect(passes).toBeGreaterThanOrEqual(1);
    expect(passes).toBeLessThanOrEqual(2);
    // Nine context feeds per pass, each caught up in one page.
    expect(calls.exports).toBeLessThanOrEqual(passes * 9);
    for (const { sources } of loaded) expect(sources.live).toEqual([]);
    for (const [i, id] of played.entries()) await expectSameAsLive(id, loaded[i]!.context);
  });

  it('reads past jobs from the mirror with no ServiceTitan call, equal to the GETs', async () => {
    const jobs = historyJobIds.filter((_, i) => i % 2 === 0).slice(0, 120);
    expect(jobs.length).toBeGreaterThanOrEqual(100);
    sim.stats.reset();
    const loaded = [];
    for (const id of jobs) loaded.push(await load(id));
    expect(sim.stats.total).toBe(0);
    // The sample covers what the context reads: labor from pay items, memberships, notes.
    const contexts = loaded.map((l) => l.context);
    expect(contexts.some((c) => c.labor.length > 0)).toBe(true);
    expect(contexts.some((c) => c.membership !== null)).toBe(true);
    expect(contexts.some((c) => c.notes.length > 1)).toBe(true);
    for (const [i, id] of jobs.entries()) await expectSameAsLive(id, contexts[i]!);
  });

  it('reads a stuck feed’s records by GET, stops following it, and the rest still comes from the mirror', async () => {
    sim.faults.update({ stuckExportFeeds: ['jpm/job-notes'] });
    try {
      const played = sim.play(3);
      sim.stats.reset();
      const first = await load(played[0]!);
      expect(first.sources.catchUp).toBe(true);
      expect(first.sources.live).toEqual(['notes']);
      expect(logLines.some((l) => l.includes('"feed":"jpm/job-notes"') && l.includes('stuck'))).toBe(true);
      // The token it was sent came back with hasMore: one call is enough to tell.
      expect(sim.stats.byEndpoint.get('GET /jpm/v2/tenant/:tenant/export/job-notes')).toBe(1);
      // The stuck feed is left to the periodic sync: later jobs read their notes by GET at once.
      const rest = await Promise.all(played.slice(1).map((id) => load(id)));
      for (const r of rest) expect(r.sources.live).toEqual(['notes']);
      for (const [i, id] of played.entries())
        await expectSameAsLive(id, (i === 0 ? first : rest[i - 1]!).context);
    } finally {
      sim.faults.update({ stuckExportFeeds: [] });
    }
    // A later full sync gets through again.
    await syncTenant(database.db, runtime, log, TENANT);
    const next = sim.play(1);
    const after = await load(next[0]!);
    expect(after.sources.live).toEqual([]);
    await expectSameAsLive(next[0]!, after.context);
  });

  it('falls back to GETs when the mirror is behind the job itself', async () => {
    // The jobs feed shows nothing new (ServiceTitan's export lag): the job is read directly.
    sim.faults.update({ stuckExportFeeds: ['jpm/jobs'] });
    try {
      const [jobId] = sim.play(1);
      const behind = await load(jobId!);
      expect(behind.sources.live).toBe('all');
      await expectSameAsLive(jobId!, behind.context);
    } finally {
      sim.faults.update({ stuckExportFeeds: [] });
    }
    // The run was queued for a later completion than the mirror shows: the mirror is behind.
    const id = historyJobIds.at(-1)!;
    const expected = new Date(Date.now() + 3600_000);
    const stale = await load(id, { completedOn: expected });
    expect(stale.sources.live).toBe('all');
    await expectSameAsLive(id, stale.context);
    // The same completion as the mirror's (sub-second digits aside): served from the mirror.
    const job = sim.tenant.jobs.get(id)!;
    const same = await load(id, { completedOn: new Date(job.completedOn!) });
    expect(same.sources).toEqual({ catchUp: false, live: [] });
  });

  it('reads attachments only when asked', async () => {
    const id = historyJobIds.find((j) => sim.tenant.attachments.by('jobId', j).length > 0)!;
    const without = await load(id);
    expect(without.context.attachments).toEqual([]);
    sim.stats.reset();
    const withAttachments = await load(id, { attachments: true });
    expect(sim.stats.total).toBe(1);
    expect(withAttachments.context.attachments.length).toBeGreaterThan(0);
    expect({ ...withAttachments.context, attachments: [] }).toEqual(without.context);
    const live = (await load(id, { source: 'live', attachments: true })).context;
    expect(withAttachments.context).toEqual(live);
  });

  it('refuses an invoice that came back without its items instead of drafting it as empty', async () => {
    const id = historyJobIds.at(-1)!;
    const job = sim.tenant.jobs.get(id)!;
    const invoice = sim.tenant.invoices.get(Number(job.invoiceId))!;
    const items = invoice.items;
    (invoice as { items: unknown }).items = null;
    try {
      const error = await load(id, { source: 'live' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/came back without its items/);
    } finally {
      invoice.items = items;
    }
  });
});

describe('periodic sync', () => {
  it('runs one sync for concurrent callers of a tenant', async () => {
    const ensureFresh = freshnessChecker(database.db, runtime, log, 0);
    sim.stats.reset();
    await Promise.all(Array.from({ length: 5 }, () => ensureFresh(TENANT)));
    expect(sim.stats.byEndpoint.get('GET /jpm/v2/tenant/:tenant/export/jobs')).toBe(1);
    expect(sim.stats.byEndpoint.get('GET /pricebook/v2/tenant/:tenant/categories')).toBe(1);
  });
});
