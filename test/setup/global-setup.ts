// Runs once per `vitest run`: checks Postgres and Redis (with instructions when they are
// down), migrates a fresh template database with `prisma migrate deploy`, and removes every
// database and Redis key the run created when it ends.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

import type {} from '@invoicer/db/testing';

const START_PG = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';
const START_REDIS = 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no';

export default async function setup(project: TestProject) {
  const baseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/invoicer';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const admin = new URL(baseUrl);
  admin.pathname = '/postgres';
  const adminUrl = admin.toString();
  const runId = `tr${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const template = `invoicer_${runId}`;

  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `Tests need Postgres at ${admin.host} (${(error as Error).message}). Start it with \`docker compose up -d postgres\` or: ${START_PG}`,
    );
  }
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    await client.end();
    throw new Error(
      `Tests need Redis at ${redisUrl} (${(error as Error).message}). Start it with \`docker compose up -d redis\` or: ${START_REDIS}`,
    );
  }

  await client.query(`CREATE DATABASE "${template}"`);
  const templateUrl = new URL(baseUrl);
  templateUrl.pathname = `/${template}`;
  await run('npx', ['prisma', 'migrate', 'deploy', '--config', 'prisma/prisma.config.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: templateUrl.toString() },
  });

  project.provide('templateDatabase', template);
  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('redisUrl', redisUrl);
  project.provide('runId', runId);

  return async () => {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${template}%`],
    );
    for (const { datname } of rows.filter((r) => r.datname !== template)) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await client.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    await client.end();
    // Queue keys of this run: every test prefix starts with the run id.
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${runId}-*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  };
}
