// Issue 13 item 7: an export feed stuck on `hasMore: true` made 5,242 calls in 2 minutes and
// starved the other feeds and tenants. Now the client notices a feed that does not move (its
// token comes back, or it pages through nothing for ever) and the mirror sync stops that feed
// for the pass, logs it, and goes on with the other feeds and tenants.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { getCursor } from '@invoicer/db';
import { createTestDatabase, type TestDatabase } from '@invoicer/db/testing';
import { createLogger } from '@invoicer/platform';
import { Job, StClient, StFeedStuckError } from '@invoicer/servicetitan';
import type { RunningSim } from '@invoicer/st-sim';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { syncCatalog } from '../../apps/workers/src/sync/catalog.ts';
import { syncMirror } from '../../apps/workers/src/sync/history.ts';
import { simWithClient } from '../support/sim-client.ts';

type Answer = (
  from: string | null,
  call: number,
) => { hasMore: boolean; continueFrom: string; data: unknown[] };

/** A ServiceTitan stand-in whose every export feed answers with `answer` (and lists are empty). */
async function fakeServiceTitan(answer: Answer) {
  const calls: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.setHeader('content-type', 'application/json');
    if (url.pathname === '/connect/token') {
      res.end(JSON.stringify({ access_token: 'token', expires_in: 900, token_type: 'Bearer' }));
      return;
    }
    if (!url.pathname.includes('/export/')) {
      res.end(JSON.stringify({ page: 1, pageSize: 50, hasMore: false, data: [] }));
      return;
    }
    calls.push(url.pathname);
    res.end(JSON.stringify(answer(url.searchParams.get('from'), calls.length)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new StClient({
    tenantId: 1,
    apiBaseUrl: url,
    authUrl: `${url}/connect/token`,
    clientId: 'cid',
    clientSecret: 'cs',
    appKey: 'ak',
    baseBackoffMs: 1,
  });
  return { client, calls, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function drain(feed: AsyncIterable<unknown>): Promise<number> {
  let pages = 0;
  for await (const _ of feed) pages += 1;
  return pages;
}

const job = (id: number) => ({
  id,
  customerId: 1,
  locationId: 1,
  jobStatus: 'Completed',
  businessUnitId: 1,
  jobTypeId: 1,
});

it('stops a feed that gives back the token it was sent', async () => {
  const fake = await fakeServiceTitan((from) => ({
    hasMore: true,
    continueFrom: from ?? 'T1',
    data: [job(1)],
  }));
  try {
    const error = await drain(fake.client.exportFeed('jpm', 'jobs', Job, null)).catch((e) => e);
    expect(error).toBeInstanceOf(StFeedStuckError);
    expect((error as StFeedStuckError).reason).toBe('repeated-token');
    expect(fake.calls).toHaveLength(2);
  } finally {
    await fake.close();
  }
});

it('stops a feed whose tokens go round in a circle', async () => {
  const fake = await fakeServiceTitan((from) => ({
    hasMore: true,
    continueFrom: from === 'A' ? 'B' : 'A',
    data: [job(1)],
  }));
  try {
    const error = await drain(fake.client.exportFeed('jpm', 'jobs', Job, null)).catch((e) => e);
    expect(error).toBeInstanceOf(StFeedStuckError);
    expect(fake.calls.length).toBeLessThanOrEqual(3);
  } finally {
    await fake.close();
  }
});

it('stops a feed that pages through nothing for ever', async () => {
  const fake = await fakeServiceTitan((_from, call) => ({
    hasMore: true,
    continueFrom: `T${call}`,
    data: [],
  }));
  try {
    const error = await drain(fake.client.exportFeed('jpm', 'jobs', Job, null, { maxEmptyPages: 5 })).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(StFeedStuckError);
    expect((error as StFeedStuckError).reason).toBe('no-progress');
    expect(fake.calls).toHaveLength(5);
  } finally {
    await fake.close();
  }
});

it('follows a healthy feed to its end', async () => {
  const fake = await fakeServiceTitan((_from, call) => ({
    hasMore: call < 4,
    continueFrom: `T${call}`,
    data: call === 2 ? [] : [job(call)],
  }));
  try {
    expect(await drain(fake.client.exportFeed('jpm', 'jobs', Job, null))).toBe(4);
  } finally {
    await fake.close();
  }
});

let database: TestDatabase;
let sim: RunningSim;
let simClient: StClient;

beforeAll(async () => {
  database = await createTestDatabase();
  ({ sim, client: simClient } = await simWithClient({ faults: { rateLimitPerSecond: null } }));
});
afterAll(async () => {
  await sim?.close();
  await database?.drop();
});

it('skips a stuck feed for the pass, logs it, and syncs the other feeds and tenants', async () => {
  const lines: string[] = [];
  const log = createLogger({
    name: 'test',
    level: 'info',
    destination: new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  });
  const db = database.db;
  // Tenant "stuck": every feed answers hasMore: true with the token it was sent.
  const fake = await fakeServiceTitan((from) => ({ hasMore: true, continueFrom: from ?? 'T1', data: [] }));
  try {
    const started = Date.now();
    const stuck = await syncMirror(fake.client, db, 'stuck', { log });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(Object.values(stuck).every((n) => n === -2)).toBe(true);
    expect(Object.keys(stuck)).toContain('jpm/jobs');
    // Two calls per feed: the first page, then its token coming back.
    expect(fake.calls.length).toBe(Object.keys(stuck).length * 2);
    const errors = lines.filter((l) => l.includes('"level":50'));
    expect(errors).toHaveLength(Object.keys(stuck).length);
    expect(errors[0]).toContain('stuck on hasMore: true');
    expect(errors[0]).toContain('"tenant":"stuck"');
    // The token it did get is kept, so the next sync starts from there.
    expect(await getCursor(db, 'stuck', 'jpm/jobs')).toBe('T1');
    // The catalogue's feeds (price book, technicians) likewise.
    lines.length = 0;
    expect(await syncCatalog(fake.client, db, 'stuck', log)).toEqual({ rows: 0 });
    expect(lines.filter((l) => l.includes('"level":50') && l.includes('stuck'))).toHaveLength(4);
  } finally {
    await fake.close();
  }

  // Tenant "acme" on the simulator, with its notes feed stuck: the other feeds sync.
  sim.faults.update({ stuckExportFeeds: ['jpm/job-notes'] });
  try {
    const counts = await syncMirror(simClient, db, 'acme', { log });
    expect(counts['jpm/job-notes']).toBe(-2);
    expect(counts['jpm/jobs']).toBeGreaterThan(0);
    expect(counts['accounting/invoices']).toBeGreaterThan(0);
    expect(counts['crm/locations']).toBeGreaterThan(0);
    expect(counts['memberships/memberships']).toBe(0); // the mini tenant has none, but the feed answered
    expect(await db.stRecord.count({ where: { tenantId: 'acme', resource: 'jpm/jobs' } })).toBe(
      counts['jpm/jobs'],
    );
  } finally {
    sim.faults.update({ stuckExportFeeds: [] });
  }
  // Unstuck, the next pass catches the notes up.
  const again = await syncMirror(simClient, db, 'acme', { log });
  expect(again['jpm/job-notes']).toBeGreaterThan(0);
});
