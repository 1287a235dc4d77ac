// The shared ServiceTitan limiter: no Redis round trip at all when it is off, and one per batch
// of calls when it is on, while processes sharing a tenant's budget still stay under it in every
// one-second window.
import { randomBytes } from 'node:crypto';
import { testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { clientForTenant, noRateLimit, RedisRateLimiter, sealCredentials } from '@invoicer/servicetitan';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';

let redis: Redis;
beforeAll(() => {
  redis = new Redis(testRedisUrl());
});
afterAll(() => {
  redis.disconnect();
});

/** The Redis client with its EVALs counted. */
function counted(target: Redis): { redis: Redis; evals: () => number } {
  let evals = 0;
  const proxy = new Proxy(target, {
    get(t, prop, receiver) {
      if (prop === 'eval')
        return (...args: unknown[]) => {
          evals += 1;
          return (t.eval as (...a: unknown[]) => unknown).apply(t, args);
        };
      return Reflect.get(t, prop, receiver);
    },
  });
  return { redis: proxy, evals: () => evals };
}

it('costs no Redis round trip when the limit is off', async () => {
  const { redis: spy, evals } = counted(redis);
  const limiter = new RedisRateLimiter(spy, `${testQueuePrefix('rl')}:off`, 0);
  for (let i = 0; i < 100; i++) await limiter.acquire();
  expect(evals()).toBe(0);

  const key = randomBytes(32);
  const tenant = {
    id: 'acme',
    stTenantId: 42,
    apiBaseUrl: 'http://127.0.0.1:1',
    authUrl: 'http://127.0.0.1:1/connect/token',
    credentialsSealed: sealCredentials({ clientId: 'c', clientSecret: 's', appKey: 'a' }, key),
  };
  const off = clientForTenant(tenant, {
    credentialsKey: key,
    redis: spy,
    prefix: 'p',
    rateLimitPerSecond: 0,
  });
  expect(off.http.rateLimiter).toBe(noRateLimit);
  const on = clientForTenant(tenant, { credentialsKey: key, redis: spy, prefix: 'p' });
  expect(on.http.rateLimiter).toBeInstanceOf(RedisRateLimiter);
});

it('reserves calls in batches: one round trip for many calls', async () => {
  const { redis: spy, evals } = counted(redis);
  const limiter = new RedisRateLimiter(spy, `${testQueuePrefix('rl')}:batch`, 10_000);
  let done = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (done < 400) {
        done += 1;
        await limiter.acquire();
        await new Promise((r) => setImmediate(r));
      }
    }),
  );
  expect(evals()).toBe(limiter.reservations);
  expect(evals()).toBeLessThanOrEqual(400 / 8);
});

it('keeps limiters sharing a budget under it in every one-second window', async () => {
  const key = `${testQueuePrefix('rl')}:shared`;
  const limit = 40;
  const times: number[] = [];
  const limiters = [new RedisRateLimiter(redis, key, limit), new RedisRateLimiter(redis, key, limit)];
  let done = 0;
  await Promise.all(
    limiters.flatMap((limiter) =>
      Array.from({ length: 4 }, async () => {
        while (done < 110) {
          done += 1;
          await limiter.acquire();
          times.push(performance.now());
        }
      }),
    ),
  );
  times.sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1000) j += 1;
    worst = Math.max(worst, i - j + 1);
  }
  expect(worst).toBeLessThanOrEqual(limit);
  // Still a useful rate, and still batched.
  expect(worst).toBeGreaterThan(limit / 2);
  const reservations = limiters.reduce((s, l) => s + l.reservations, 0);
  expect(reservations).toBeLessThan(times.length);
});
