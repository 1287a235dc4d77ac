// The benchmark's own database and Redis prefix: checked first (with instructions when a
// service is down), created and migrated for this run, and removed at the end.
import { ServiceUnavailableError } from '@invoicer/core';
import { prepareDatabase } from '@invoicer/demo';
import { checkRedis, START_POSTGRES_HELP } from '@invoicer/platform';
import { Redis } from 'ioredis';
import pg from 'pg';

export interface BenchInfra {
  databaseUrl: string;
  databaseName: string;
  redisUrl: string;
  /** Redis key prefix of the product's queues; the raw baseline uses `${prefix}-raw`. */
  prefix: string;
  cleanup(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function checkPostgresServer(baseUrl: string): Promise<void> {
  const client = new pg.Client({
    connectionString: withDatabase(baseUrl, 'postgres'),
    connectionTimeoutMillis: 3000,
  });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    const u = new URL(baseUrl);
    throw new ServiceUnavailableError(
      'postgres',
      `Postgres is not reachable at ${u.hostname}:${u.port || 5432} (${(error as Error).message}). ${START_POSTGRES_HELP}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

export async function setUpInfra(options: {
  baseDatabaseUrl: string;
  redisUrl: string;
}): Promise<BenchInfra> {
  await checkPostgresServer(options.baseDatabaseUrl);
  await checkRedis(options.redisUrl);
  const stamp = new Date()
    .toISOString()
    .replace(/[-:TZ.]/g, '')
    .slice(0, 14);
  const suffix = `${stamp}_${process.pid}`;
  const databaseName = `invoicer_bench_${suffix}`;
  const databaseUrl = withDatabase(options.baseDatabaseUrl, databaseName);
  const prefix = `bench-${suffix}`;
  const infra: BenchInfra = {
    databaseUrl,
    databaseName,
    redisUrl: options.redisUrl,
    prefix,
    async cleanup() {
      await dropDatabase(options.baseDatabaseUrl, databaseName).catch((error: unknown) =>
        console.error(`could not drop ${databaseName}: ${(error as Error).message}`),
      );
      await deleteKeys(options.redisUrl, `${prefix}*`).catch((error: unknown) =>
        console.error(`could not delete Redis keys ${prefix}*: ${(error as Error).message}`),
      );
    },
  };
  try {
    // CREATE DATABASE + `prisma migrate deploy`, exactly as the demo prepares its database.
    await prepareDatabase(databaseUrl);
  } catch (error) {
    await infra.cleanup();
    throw error;
  }
  return infra;
}

async function dropDatabase(baseUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(baseUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function deleteKeys(redisUrl: string, pattern: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => {});
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
