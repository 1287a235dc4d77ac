// Fixed-window counters in Redis for the public portal: per link and per source address. A lost
// Redis fails closed for questions (the assistant is not worth an unmetered endpoint) and open for
// page views (the invoice stays readable).
import type { Redis } from 'ioredis';

export interface Limit {
  key: string;
  max: number;
  windowMs: number;
}

/** True when every limit still has room; each call counts against all of them. */
export async function withinLimits(redis: Redis, prefix: string, limits: Limit[]): Promise<boolean> {
  const multi = redis.multi();
  for (const l of limits) {
    const key = `${prefix}:portal:rl:${l.key}:${Math.floor(Date.now() / l.windowMs)}`;
    multi.incr(key);
    multi.pexpire(key, l.windowMs * 2);
  }
  const results = await multi.exec();
  if (!results) throw new Error('rate limit transaction aborted');
  return limits.every((l, i) => {
    const [error, count] = results[i * 2]!;
    if (error) throw error;
    return Number(count) <= l.max;
  });
}
