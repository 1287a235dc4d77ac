// The workers queue each day's collections evaluation themselves, once per tenant with collections
// on, however often they tick.

import { randomBytes } from 'node:crypto';
import { putTenantSettings, upsertTenant } from '@invoicer/db';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { createLogger, createProducerConnection, QueueSet } from '@invoicer/platform';
import { TenantRuntime } from '@invoicer/tenant';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { enqueueEvaluations } from '../../apps/workers/src/collections/schedule.ts';

let t: TestDatabase;
let queues: QueueSet;
let redis: ReturnType<typeof createProducerConnection>;
let runtime: TenantRuntime;

beforeAll(async () => {
  t = await createTestDatabase();
  redis = createProducerConnection(testRedisUrl());
  const prefix = testQueuePrefix('coll-schedule');
  queues = new QueueSet(redis, prefix, ['collections.evaluate']);
  runtime = new TenantRuntime({
    db: t.db,
    redis,
    prefix,
    credentialsKey: randomBytes(32),
    log: createLogger({ name: 'test', level: 'silent' }),
  });
  for (const id of ['on', 'off'])
    await upsertTenant(t.db, {
      id,
      stTenantId: id === 'on' ? 1 : 2,
      name: id,
      apiBaseUrl: 'http://127.0.0.1:9',
      authUrl: 'http://127.0.0.1:9/connect/token',
    });
  await putTenantSettings(t.db, 'on', { collections: { enabled: true } } as never, 'test');
});
afterAll(async () => {
  await queues?.close();
  redis?.disconnect();
  await t?.drop();
});

it('queues one evaluation a day for each tenant with collections on, and none for the others', async () => {
  const services = { db: t.db, queues, runtime } as never;
  const morning = new Date('2026-12-05T08:00:00Z');
  expect(await enqueueEvaluations(services, morning)).toBe(1);
  expect(await enqueueEvaluations(services, new Date('2026-12-05T20:00:00Z'))).toBe(1);
  const jobs = await queues.get('collections.evaluate').getJobs(['waiting', 'delayed', 'prioritized']);
  expect(jobs.map((j) => j.data)).toEqual([{ tenantId: 'on', day: '2026-12-05' }]);
  await enqueueEvaluations(services, new Date('2026-12-06T01:00:00Z'));
  const next = await queues.get('collections.evaluate').getJobs(['waiting', 'delayed', 'prioritized']);
  expect(next.map((j) => (j.data as { day: string }).day).sort()).toEqual(['2026-12-05', '2026-12-06']);
});
