// Reachability checks that turn "ECONNREFUSED" into instructions a person can follow.
import { ServiceUnavailableError } from '@invoicer/core';
import { Redis } from 'ioredis';
import { maskUrl } from './logger.ts';

export const START_POSTGRES_HELP =
  'Start it with `docker compose up -d postgres`, or on this machine: ' +
  'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';
export const START_REDIS_HELP =
  'Start it with `docker compose up -d redis`, or on this machine: ' +
  'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no';

export async function checkRedis(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new ServiceUnavailableError(
      'redis',
      `Redis is not reachable at ${maskUrl(url)} (${error instanceof Error ? error.message : String(error)}). ${START_REDIS_HELP}`,
    );
  } finally {
    client.disconnect();
  }
}

/** Redis's eviction policy must be noeviction, or BullMQ can silently lose job locks. */
export async function redisEvictionPolicy(client: Redis): Promise<string> {
  const reply = (await client.config('GET', 'maxmemory-policy')) as string[];
  return reply[1] ?? 'unknown';
}
