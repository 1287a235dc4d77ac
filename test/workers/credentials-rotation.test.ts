// Rotated credentials reach a running worker process: the tenant runtime reads the tenant's row
// again (every 15 s in production) and builds a new ServiceTitan client when the sealed
// credentials changed, instead of keeping the first client for the life of the process.
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase, testRedisUrl } from '@invoicer/db/testing';
import { createLogger, createProducerConnection } from '@invoicer/platform';
import { type RunningSim, startSim } from '@invoicer/st-sim';
import { registerTenant, TenantRuntime } from '@invoicer/tenant';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { miniTenant } from '../support/mini-tenant.ts';

let database: TestDatabase;
let sim: RunningSim;
let redis: Redis;
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
  sim = await startSim({ fixture: miniTenant() });
  redis = createProducerConnection(testRedisUrl());
});
afterAll(async () => {
  redis?.disconnect();
  await sim?.close();
  await database?.drop();
});

it('uses the new credentials once the tenant row changes, and keeps the client while it does not', async () => {
  await register('not-the-secret');
  const runtime = new TenantRuntime({
    db: database.db,
    redis,
    prefix: 'rotation',
    credentialsKey: key,
    log: createLogger({ name: 'test', level: 'silent' }),
    rateLimitPerSecond: 0,
    clientCheckMs: 0,
  });
  const stale = await runtime.client('acme');
  const refused = await stale.getJob(1001).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(Error);
  expect(await runtime.client('acme')).toBe(stale);

  await register(sim.credentials.clientSecret);
  const fresh = await runtime.client('acme');
  expect(fresh).not.toBe(stale);
  expect((await fresh.getJob(1001)).id).toBe(1001);
});
