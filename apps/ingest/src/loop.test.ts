import { createLogger } from '@invoicer/platform';
import { describe, expect, it } from 'vitest';
import { backoffDelay, startLoop } from './loop.ts';
import { RefusalLimiter } from './refusals.ts';

const log = createLogger({ name: 'loop-test', level: 'silent' });

describe('startLoop', () => {
  it('survives failing runs (no unhandled rejection), backs off, and recovers', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    let calls = 0;
    let failUntil = 3;
    const loop = startLoop({
      name: 'test',
      intervalMs: 10,
      log,
      run: async () => {
        calls += 1;
        if (calls <= failUntil) throw new Error('ECONNREFUSED 127.0.0.1:5432');
      },
    });
    try {
      await new Promise((r) => setTimeout(r, 400));
      expect(calls).toBeGreaterThan(failUntil);
      expect(loop.failures).toBe(0);
      // runNow reports its own failure to its caller.
      failUntil = Number.POSITIVE_INFINITY;
      await expect(loop.runNow()).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await loop.stop();
      process.off('unhandledRejection', onUnhandled);
    }
    const after = calls;
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(after);
    expect(unhandled).toEqual([]);
  });

  it('backs off exponentially, up to 8× the interval (at most 5 minutes beyond it)', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((f) => backoffDelay(1000, f))).toEqual([
      1000, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    expect(backoffDelay(60_000, 10)).toBe(360_000);
    expect(backoffDelay(3_600_000, 10)).toBe(3_900_000);
  });
});

describe('RefusalLimiter', () => {
  it('allows a number of refusals per source per minute, then says when to come back', () => {
    let now = 1_000_000;
    const limiter = new RefusalLimiter(3, 5, 100, () => now);
    expect([1, 2, 3, 4].map(() => limiter.hit('a').allowed)).toEqual([true, true, true, false]);
    expect(limiter.hit('a').retryAfterMs).toBe(60_000);
    expect(limiter.hit('b').allowed).toBe(true);
    expect(limiter.hit('c').allowed).toBe(true);
    // The total recorded across sources is bounded too (many addresses do not multiply the limit).
    expect(limiter.hit('d').allowed).toBe(false);
    now += 60_000;
    expect(limiter.hit('a').allowed).toBe(true);
  });
});
