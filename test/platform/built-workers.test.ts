// `npm run build:workers` then `npm run workers:built`: the workers bundled by
// scripts/build-workers.mjs run on plain node (no tsx), reach Postgres and Redis, answer
// /readyz, and stop cleanly on SIGTERM. Proves the bundle resolves every import it left to
// node_modules and that its lazily loaded handler chunks are where it looks for them.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../accounting/harness.ts';
import { type LoggedChild, spawnLogged } from '../support/child.ts';
import { scriptNodeFlags } from '../support/node-flags.ts';
import { waitFor } from '../support/wait.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
let database: TestDatabase;
let child: LoggedChild | null = null;

beforeAll(async () => {
  database = await createTestDatabase();
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-workers.mjs')], {
    cwd: ROOT,
    stdio: 'pipe',
  });
}, 120_000);

afterAll(async () => {
  if (child && child.exited() === null) child.process.kill('SIGKILL');
  await database?.drop();
});

it('builds the workers into dist/ and runs them on plain node until SIGTERM', async () => {
  const entry = path.join(ROOT, 'dist/workers/main.js');
  expect(existsSync(entry)).toBe(true);
  const port = await freePort();
  // As `npm run workers:built` starts them, node flags included.
  const flags = scriptNodeFlags('workers:built');
  const workers = spawnLogged([...flags, entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: testQueuePrefix('built-workers'),
      WORKER_HTTP_PORT: String(port),
      SWEEP_INTERVAL_MS: '0',
      LOG_LEVEL: 'error',
    },
  });
  child = workers;
  const ready = await waitFor(
    async () => {
      if (workers.exited()) return 'exited';
      return fetch(`http://127.0.0.1:${port}/readyz`)
        .then((r) => r.status)
        .catch(() => 0);
    },
    (status) => status === 200 || status === 'exited',
    { timeoutMs: 60_000, what: 'the built workers to be ready' },
  );
  expect(ready, workers.output()).toBe(200);
  // No tsx anywhere in the process: it runs the bundle.
  expect(workers.process.spawnargs).not.toContain('tsx');
  workers.process.kill('SIGTERM');
  const stopped = await waitFor(
    async () => workers.exited(),
    (e) => e !== null,
    { timeoutMs: 30_000, what: 'the built workers to stop' },
  );
  expect(stopped, workers.output()).toEqual({ code: 0, signal: null });
}, 120_000);
