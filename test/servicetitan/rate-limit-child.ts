// Child process for the shared rate-limiter test: makes N calls through a client whose limiter
// lives in Redis, then reports how many it made.
import { RedisRateLimiter, StClient } from '@invoicer/servicetitan';
import { Redis } from 'ioredis';

const config = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  tenantId: number;
  credentials: { clientId: string; clientSecret: string; appKey: string };
  redisUrl: string;
  key: string;
  limit: number;
  calls: number;
};
const redis = new Redis(config.redisUrl);
const client = new StClient({
  tenantId: config.tenantId,
  apiBaseUrl: config.url,
  authUrl: `${config.url}/connect/token`,
  ...config.credentials,
  rateLimiter: new RedisRateLimiter(redis, config.key, config.limit),
  maxInlineRetryAfterMs: 0,
});
let done = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (done < config.calls) {
      done += 1;
      await client.getJob(1001 + (done % 100));
    }
  }),
);
redis.disconnect();
process.stdout.write(JSON.stringify({ done }));
