// Make sure the demo's database exists and is migrated (`prisma migrate deploy`), so a fresh
// machine needs nothing but running Postgres.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ServiceUnavailableError } from '@invoicer/core';
import pg from 'pg';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');

export async function prepareDatabase(databaseUrl: string): Promise<void> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    throw new ServiceUnavailableError(
      'postgres',
      `Postgres is not reachable at ${target.hostname}:${target.port || 5432} (${(error as Error).message}). ` +
        'Start it with `docker compose up -d postgres`, or on this machine: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    );
  }
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!exists.rowCount) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
  await run(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/prisma/build/index.js'),
      'migrate',
      'deploy',
      '--config',
      'prisma/prisma.config.ts',
    ],
    {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    },
  );
}
