// Per-tenant call limiter shared by every process through Redis: a sliding one-second log
// (sorted set) per tenant, updated atomically by a Lua script that uses Redis's clock, so all
// processes together stay under ServiceTitan's 60 calls/s per app per tenant.
//
// Tokens are reserved in batches: one EVAL reserves up to `batch` calls, which this process then
// spends locally within a short validity (TOKEN_VALIDITY_MS). A reserved token occupies the
// window from its reservation until one window after its validity ends, so whenever the calls are
// made inside their validity, every window still holds at most `limit` calls across processes.
// The batch adapts to this process's demand: it doubles while batches run out before they
// expire and halves when tokens expire unused (each one wasted is a call another process could
// have made). Callers waiting at the same time share one reservation.
import type { Redis } from 'ioredis';

export interface RateLimiter {
  acquire(): Promise<void>;
}

export const noRateLimit: RateLimiter = { acquire: async () => {} };

/** Whether a configured calls-per-second value means "no limit" (0, negative, not finite, absent). */
export function rateLimitIsOff(limitPerSecond: number | null | undefined): boolean {
  return (
    limitPerSecond === null ||
    limitPerSecond === undefined ||
    !Number.isFinite(limitPerSecond) ||
    limitPerSecond <= 0
  );
}

// KEYS[1] the log; ARGV: window ms, limit, wanted, member prefix, validity ms.
// Returns {granted, waitMs}: granted > 0 → that many calls may be made within the validity.
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local validity = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local free = limit - redis.call('ZCARD', KEYS[1])
if free > 0 then
  local n = math.min(free, wanted)
  local args = {}
  for i = 1, n do
    args[#args + 1] = now + validity
    args[#args + 1] = ARGV[4] .. '-' .. i
  end
  redis.call('ZADD', KEYS[1], unpack(args))
  redis.call('PEXPIRE', KEYS[1], window * 2 + validity)
  return {n, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, math.max(1, tonumber(oldest[2]) + window - now)}
`;

const WINDOW_MS = 1000;
/** How long reserved tokens may be spent; shorter wastes fewer, longer batches more calls. */
const TOKEN_VALIDITY_MS = 250;
/** Keeps the script's ZADD argument list well inside Lua's stack. */
const MAX_BATCH = 500;

export class RedisRateLimiter implements RateLimiter {
  private counter = 0;
  private readonly nonce = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  private tokens = 0;
  private expiresAt = 0;
  private batch = 1;
  private waiting = 0;
  private reserving: Promise<void> | null = null;
  /** Times a caller had to wait for the shared budget. */
  waits = 0;
  /** Redis round trips made (one per reservation). */
  reservations = 0;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly limitPerSecond = 55,
  ) {}

  private get maxBatch(): number {
    // A quarter of the budget at most, so one process cannot hold most of a second's calls.
    return Math.max(1, Math.min(MAX_BATCH, Math.floor(this.limitPerSecond / 4)));
  }

  async acquire(): Promise<void> {
    if (rateLimitIsOff(this.limitPerSecond)) return;
    this.waiting += 1;
    try {
      for (;;) {
        if (this.tokens > 0 && performance.now() < this.expiresAt) {
          this.tokens -= 1;
          return;
        }
        if (this.tokens > 0) {
          // Expired unused: the batch was larger than this process needed.
          this.tokens = 0;
          this.batch = Math.max(1, Math.floor(this.batch / 2));
        }
        this.reserving ??= this.reserve().finally(() => {
          this.reserving = null;
        });
        await this.reserving;
      }
    } finally {
      this.waiting -= 1;
    }
  }

  private async reserve(): Promise<void> {
    const started = performance.now();
    // The last batch ran out while still valid: this process needs more per validity.
    if (this.tokens === 0 && started < this.expiresAt) this.batch = Math.min(this.maxBatch, this.batch * 2);
    const wanted = Math.min(this.maxBatch, Math.max(this.batch, this.waiting));
    this.counter += 1;
    this.reservations += 1;
    const [granted, waitMs] = (await this.redis.eval(
      RESERVE,
      1,
      this.key,
      WINDOW_MS,
      this.limitPerSecond,
      wanted,
      `${this.nonce}-${this.counter}`,
      TOKEN_VALIDITY_MS,
    )) as [number, number];
    if (Number(granted) > 0) {
      // Valid from before the request was sent: never later than Redis's own reckoning.
      this.tokens = Number(granted);
      this.expiresAt = started + TOKEN_VALIDITY_MS;
      return;
    }
    this.waits += 1;
    await new Promise((r) => setTimeout(r, Number(waitMs)));
  }
}
