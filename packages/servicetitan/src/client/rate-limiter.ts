// Per-tenant call limiter shared by every process through Redis: a sliding one-second log
// (sorted set) per tenant, updated atomically by a Lua script that uses Redis's clock, so all
// processes together stay under ServiceTitan's 60 calls/s per app per tenant.
import type { Redis } from 'ioredis';

export interface RateLimiter {
  acquire(): Promise<void>;
}

export const noRateLimit: RateLimiter = { acquire: async () => {} };

const SLIDING_WINDOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window * 2)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

export class RedisRateLimiter implements RateLimiter {
  private counter = 0;
  private readonly nonce = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  waits = 0;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly limitPerSecond = 55,
  ) {}

  async acquire(): Promise<void> {
    for (;;) {
      this.counter += 1;
      const waitMs = Number(
        await this.redis.eval(
          SLIDING_WINDOW,
          1,
          this.key,
          1000,
          this.limitPerSecond,
          `${this.nonce}-${this.counter}`,
        ),
      );
      if (waitMs <= 0) return;
      this.waits += 1;
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}
