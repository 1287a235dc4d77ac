// Two processes share one Redis-backed limiter and together stay under the simulator's
// 60 calls/s per-tenant limit (which would otherwise answer 429).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import type { RunningSim } from '@invoicer/st-sim';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { simWithClient } from '../support/sim-client.ts';

const run = promisify(execFile);
let sim: RunningSim;

beforeAll(async () => {
  ({ sim } = await simWithClient({ faults: { rateLimitPerSecond: 60 } }));
});
afterAll(async () => {
  await sim.close();
});

it('keeps every process together under 60 calls/s per tenant', async () => {
  const config = {
    url: sim.url,
    tenantId: sim.tenantId,
    credentials: sim.credentials,
    redisUrl: testRedisUrl(),
    key: `${testQueuePrefix('rl')}:st-rate:${sim.tenantId}`,
    limit: 50,
    calls: 90,
  };
  const child = path.join(import.meta.dirname, 'rate-limit-child.ts');
  const results = await Promise.all(
    [1, 2].map(() =>
      run(process.execPath, ['--import', 'tsx', child, JSON.stringify(config)], { cwd: process.cwd() }),
    ),
  );
  const done = results.map((r) => (JSON.parse(r.stdout) as { done: number }).done);
  expect(done.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(180);
  expect(sim.stats.byStatus.get(429) ?? 0).toBe(0);
  expect(sim.stats.peakPerSecond).toBeLessThanOrEqual(60);
  expect(sim.stats.peakPerSecond).toBeGreaterThan(20);
});
