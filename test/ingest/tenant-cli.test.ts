// The tenant commands as a user runs them (real processes): tenant:add checks the credentials
// against ServiceTitan (the simulator) before sealing and storing them, and starts the feeds
// at now; tenant:settings prints and replaces a tenant's settings with field-level errors.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import type { RunningSim } from '@invoicer/st-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simWithClient } from '../support/sim-client.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
let database: TestDatabase;
let sim: RunningSim;
let dir: string;
const key = randomBytes(32).toString('base64');

/** Run a command as a child process (async: the simulator answers from this process). */
function run(
  script: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', `apps/ingest/src/cli/${script}.ts`, ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: testQueuePrefix('tenant-cli'),
      CREDENTIALS_KEY: key,
      ST_CLIENT_ID: undefined,
      ST_CLIENT_SECRET: undefined,
      ST_APP_KEY: undefined,
      ...env,
    },
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

function add(extra: Record<string, string | undefined> = {}, args: string[] = []) {
  return run(
    'tenant-add',
    [
      '--id',
      'acme',
      '--st-tenant',
      String(sim.tenantId),
      '--name',
      'Acme Heating',
      '--api-base-url',
      sim.url,
      '--auth-url',
      `${sim.url}/connect/token`,
      ...args,
    ],
    {
      ST_CLIENT_ID: sim.credentials.clientId,
      ST_CLIENT_SECRET: sim.credentials.clientSecret,
      ST_APP_KEY: sim.credentials.appKey,
      ...extra,
    },
  );
}

beforeAll(async () => {
  database = await createTestDatabase();
  ({ sim } = await simWithClient());
  dir = mkdtempSync(path.join(tmpdir(), 'tenant-cli-'));
});
afterAll(async () => {
  await sim?.close();
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('tenant:add', () => {
  it('names missing credentials and stores nothing', async () => {
    const result = await add({ ST_CLIENT_SECRET: undefined });
    expect(result.code).toBe(2);
    expect(result.out).toContain('ST_CLIENT_SECRET');
  });

  it('refuses credentials ServiceTitan rejects, and stores nothing', async () => {
    const result = await add({ ST_CLIENT_SECRET: 'wrong-secret' });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/did not accept these credentials/);
    expect(result.out).not.toContain('wrong-secret');
    expect(await database.db.tenant.count()).toBe(0);
  });

  it('checks, seals and stores good credentials and starts the feeds at now', async () => {
    const result = await add();
    expect(result.out).toContain('Added tenant "acme"');
    expect(result.code).toBe(0);
    const tenant = await database.db.tenant.findUniqueOrThrow({ where: { id: 'acme' } });
    expect(Number(tenant.stTenantId)).toBe(sim.tenantId);
    expect(tenant.credentialsSealed).toBeTruthy();
    expect(tenant.credentialsSealed).not.toContain(sim.credentials.clientSecret);
    const cursors = await database.db.ingestCursor.findMany({ where: { tenantId: 'acme' } });
    expect(cursors.map((c) => c.feed).sort()).toEqual(['ingest/jobs', 'ingest/payments']);
    expect((await add()).out).toContain('Updated tenant "acme"');
  });

  it('refuses a bad id before touching anything', async () => {
    const result = await run('tenant-add', ['--id', 'Not An Id', '--st-tenant', '1', '--name', 'x']);
    expect(result.code).toBe(2);
    expect(result.out).toContain('id:');
  });
});

describe('tenant:settings', () => {
  it('prints the settings with defaults filled in', async () => {
    const result = await run('tenant-settings', ['--tenant', 'acme']);
    expect(result.code).toBe(0);
    const settings = JSON.parse(result.out) as { policy: { amountThreshold: string } };
    expect(settings.policy.amountThreshold).toBe('5000.00');
  });

  it('names each invalid field and keeps the stored settings', async () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ policy: { mode: 'sometimes', amountThreshold: 'lots' } }));
    const result = await run('tenant-settings', ['--tenant', 'acme', '--set', file]);
    expect(result.code).toBe(2);
    expect(result.out).toContain('policy.mode');
    expect(result.out).toContain('policy.amountThreshold');
    const row = await database.db.tenantSettings.findUniqueOrThrow({ where: { tenantId: 'acme' } });
    expect((row.settings as { policy: { mode: string } }).policy.mode).toBe('suggest');
  });

  it('saves a valid file as a new version and audits the change', async () => {
    const file = path.join(dir, 'good.json');
    writeFileSync(file, JSON.stringify({ policy: { mode: 'auto', autoApproveConfidence: 0.97 } }));
    const before = await database.db.tenantSettings.findUniqueOrThrow({ where: { tenantId: 'acme' } });
    const result = await run('tenant-settings', ['--tenant', 'acme', '--set', file]);
    expect(result.out).toContain('Saved settings version');
    expect(result.code).toBe(0);
    const after = await database.db.tenantSettings.findUniqueOrThrow({ where: { tenantId: 'acme' } });
    expect(after.version).toBe(before.version + 1);
    expect((after.settings as { policy: { mode: string } }).policy.mode).toBe('auto');
    const audit = await database.db.auditEvent.findFirst({ where: { action: 'settings.changed' } });
    expect(audit?.tenantId).toBe('acme');
  });

  it('says so for an unknown tenant', async () => {
    const result = await run('tenant-settings', ['--tenant', 'nobody']);
    expect(result.code).toBe(2);
    expect(result.out).toContain('There is no tenant "nobody"');
  });
});
