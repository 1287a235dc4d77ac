// Per-company call limits for the books, shared by every process through Redis: sliding windows
// (calls per minute, per day) as sorted-set logs, a concurrency cap as leases that expire (a
// crashed process cannot hold one forever), and a pause any 429 sets for everyone. One Lua
// script decides atomically with Redis's clock.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { BooksRateLimitedError } from './errors.ts';
import type { Provider } from './types.ts';

export interface BooksLimits {
  windows: { ms: number; limit: number }[];
  concurrent: number;
}

/** Xero: 60/min, 5,000/day, 5 concurrent per organisation; QBO: 500/min, 10 concurrent per company. */
export const PROVIDER_LIMITS: Record<Provider, BooksLimits> = {
  xero: {
    windows: [
      { ms: 60_000, limit: 60 },
      { ms: 86_400_000, limit: 5000 },
    ],
    concurrent: 5,
  },
  qbo: { windows: [{ ms: 60_000, limit: 500 }], concurrent: 10 },
};

export interface Lease {
  release(): Promise<void>;
}

export interface BooksLimiter {
  /** Waits for a slot; throws BooksRateLimitedError when the wait would exceed `maxWaitMs`. */
  acquire(maxWaitMs?: number): Promise<Lease>;
  /** A 429 asked every caller to wait this long. */
  pause(ms: number): Promise<void>;
}

// KEYS: pause, leases, window logs...; ARGV: lease ms, member, then (ms, limit) per window, concurrent.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = redis.call('PTTL', KEYS[1])
if paused > 0 then return {0, paused} end
local leaseMs = tonumber(ARGV[1])
local member = ARGV[2]
local n = (#ARGV - 3) / 2
local concurrent = tonumber(ARGV[#ARGV])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= concurrent then return {0, 25} end
for i = 1, n do
  local ms = tonumber(ARGV[2 + i * 2 - 1])
  local limit = tonumber(ARGV[2 + i * 2])
  redis.call('ZREMRANGEBYSCORE', KEYS[2 + i], '-inf', now - ms)
  if redis.call('ZCARD', KEYS[2 + i]) >= limit then
    local oldest = redis.call('ZRANGE', KEYS[2 + i], 0, 0, 'WITHSCORES')
    return {0, math.max(1, tonumber(oldest[2]) + ms - now)}
  end
end
for i = 1, n do
  local ms = tonumber(ARGV[2 + i * 2 - 1])
  redis.call('ZADD', KEYS[2 + i], now, member)
  redis.call('PEXPIRE', KEYS[2 + i], ms + 1000)
end
redis.call('ZADD', KEYS[2], now + leaseMs, member)
redis.call('PEXPIRE', KEYS[2], leaseMs + 1000)
return {1, 0}
`;

export class RedisBooksLimiter implements BooksLimiter {
  /** Times a caller waited for the shared budget. */
  waits = 0;

  constructor(
    private readonly redis: Redis,
    readonly provider: Provider,
    /** One per company, e.g. `${prefix}:books:xero:${organisationId}`. */
    private readonly key: string,
    private readonly limits: BooksLimits = PROVIDER_LIMITS[provider],
    /** Longer than any call's timeout, so a live call never loses its lease. */
    private readonly leaseMs = 120_000,
  ) {}

  async acquire(maxWaitMs = 30_000): Promise<Lease> {
    const member = randomBytes(8).toString('hex');
    const keys = [
      `${this.key}:pause`,
      `${this.key}:leases`,
      ...this.limits.windows.map((w) => `${this.key}:w${w.ms}`),
    ];
    const args = [
      this.leaseMs,
      member,
      ...this.limits.windows.flatMap((w) => [w.ms, w.limit]),
      this.limits.concurrent,
    ];
    for (;;) {
      const [ok, waitMs] = (await this.redis.eval(ACQUIRE, keys.length, ...keys, ...args)) as [
        number,
        number,
      ];
      if (ok === 1) {
        return { release: async () => void (await this.redis.zrem(`${this.key}:leases`, member)) };
      }
      this.waits += 1;
      if (waitMs > maxWaitMs) throw new BooksRateLimitedError(this.provider, waitMs);
      await new Promise((r) => setTimeout(r, Math.min(waitMs, 1000)));
    }
  }

  async pause(ms: number): Promise<void> {
    if (ms > 0) await this.redis.set(`${this.key}:pause`, '1', 'PX', Math.ceil(ms));
  }
}
