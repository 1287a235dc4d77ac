// Credentials replaced with `tenant:add` (rotated, or a typo fixed) reach a running ingest at
// its next poll: its ServiceTitan client is rebuilt when the tenant's row changes, not cached
// for the life of the process.
import { randomBytes } from 'node:crypto';
import { setCursor } from '@invoicer/db';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { type IngestApp, IngestEnv, startIngestApp } from '@invoicer/ingest';
import { createLogger, loadConfig } from '@invoicer/platform';
import { Job, Payment, StClient } from '@invoicer/servicetitan';
import { type RunningSim, startSim } from '@invoicer/st-sim';
import { registerTenant } from '@invoicer/tenant';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { miniTenant } from '../support/mini-tenant.ts';

let database: TestDatabase;
let sim: RunningSim;
let app: IngestApp;
const key = randomBytes(32);

const register = (clientSecret: string) =>
  registerTenant(database.db, {
    id: 'acme',
    stTenantId: sim.tenantId,
    name: 'Acme',
    apiBaseUrl: sim.url,
    authUrl: `${sim.url}/connect/token`,
    credentials: { ...sim.credentials, clientSecret },
    credentialsKey: key,
  });

beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startSim({ fixture: miniTenant(), replay: true, replayLast: 2 });
  const client = new StClient({
    tenantId: sim.tenantId,
    apiBaseUrl: sim.url,
    authUrl: `${sim.url}/connect/token`,
    ...sim.credentials,
  });
  // A typo in the secret (or a secret ServiceTitan has since revoked).
  await register('not-the-secret');
  for (const [feed, module, resource, schema] of [
    ['ingest/jobs', 'jpm', 'jobs', Job],
    ['ingest/payments', 'accounting', 'payments', Payment],
  ] as const) {
    let token: string | null = null;
    for await (const page of client.exportFeed(module, resource, schema, null)) token = page.continueFrom;
    if (token) await setCursor(database.db, 'acme', feed, token);
  }
  app = await startIngestApp(
    loadConfig(IngestEnv, {
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: testQueuePrefix('rotation'),
      CREDENTIALS_KEY: key.toString('base64'),
      INGEST_PORT: '0',
      POLL_INTERVAL_MS: '0',
    }),
    createLogger({ name: 'ingest', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  );
});
afterAll(async () => {
  await app?.close();
  await sim?.close();
  await database?.drop();
});

it('polls with the new credentials once they are stored, without a restart', async () => {
  const [first] = sim.play(1);
  await app.pollNow(); // refused by ServiceTitan: logged, nothing queued
  expect(await database.db.pipelineRun.count()).toBe(0);
  await register(sim.credentials.clientSecret);
  await app.pollNow();
  const runs = await database.db.pipelineRun.findMany({ select: { stJobId: true } });
  expect(runs.map((r) => Number(r.stJobId))).toEqual([first]);
});
