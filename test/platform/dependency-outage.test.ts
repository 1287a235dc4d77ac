// A Postgres outage is told apart from a job's own failure, on the errors pg and Prisma really
// raise, so the worker pauses its queue instead of spending the job's attempts.
import { createServer } from 'node:net';
import { createDb } from '@invoicer/db';
import { isDependencyOutage } from '@invoicer/platform';
import { StNetworkError } from '@invoicer/servicetitan';
import pg from 'pg';
import { describe, expect, it } from 'vitest';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('isDependencyOutage', () => {
  it('recognises Postgres being unreachable, through pg and through Prisma', async () => {
    const url = `postgresql://postgres@127.0.0.1:${await closedPort()}/nothing`;
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 2000 });
    pool.on('error', () => {});
    const fromPg = await pool.query('SELECT 1').catch((e: unknown) => e);
    await pool.end().catch(() => {});
    expect(isDependencyOutage(fromPg)).toBe(true);

    const db = createDb(url, { poolSize: 1 });
    const fromPrisma = await db.pipelineRun.count().catch((e: unknown) => e);
    const fromRaw = await db.$queryRawUnsafe('SELECT 1').catch((e: unknown) => e);
    await db.$disconnect().catch(() => {});
    expect(isDependencyOutage(fromPrisma)).toBe(true);
    expect(isDependencyOutage(fromRaw)).toBe(true);
  });

  it('does not take a job’s own failure or ServiceTitan’s network errors for an outage', () => {
    expect(isDependencyOutage(new Error('run 1 has no draft revision 2'))).toBe(false);
    const unique = Object.assign(new Error('Unique constraint failed'), { code: 'P2002' });
    expect(isDependencyOutage(unique)).toBe(false);
    const st = new StNetworkError('GET /jpm/v2/jobs/1', new Error('connect ECONNREFUSED 10.0.0.1:443'));
    expect(isDependencyOutage(st)).toBe(false);
  });
});
