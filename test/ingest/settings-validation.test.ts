// Tenant settings are validated where they are written (the tenants repository, so every
// writer, and tenant:settings), and settings already stored that no longer validate give one
// clear error naming the tenant and the field when loaded, instead of failing every job.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvalidInputError } from '@invoicer/core';
import { getTenantSettings, putTenantSettings, upsertTenant } from '@invoicer/db';
import { createTestDatabase, type TestDatabase } from '@invoicer/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
let database: TestDatabase;
let dir: string;

function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'apps/ingest/src/cli/tenant-settings.ts', '--tenant', 'acme', ...args],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: database.url } },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const stored = async () =>
  (await database.db.tenantSettings.findUniqueOrThrow({ where: { tenantId: 'acme' } })).settings as {
    rules: { afterHours: { timezone: string } };
  };

beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), 'settings-validation-'));
  await upsertTenant(database.db, {
    id: 'acme',
    stTenantId: 77,
    name: 'Acme',
    apiBaseUrl: 'http://127.0.0.1:9',
    authUrl: 'http://127.0.0.1:9/connect/token',
  });
  await putTenantSettings(database.db, 'acme', {}, 'setup');
});
afterAll(async () => {
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('writing settings', () => {
  it('putTenantSettings refuses an unknown time zone with an error naming the field, storing nothing', async () => {
    const before = await database.db.tenantSettings.findUniqueOrThrow({ where: { tenantId: 'acme' } });
    const attempt = putTenantSettings(
      database.db,
      'acme',
      { rules: { afterHours: { timezone: 'Mars/Olympus' } } },
      'test',
    );
    await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
    await expect(attempt).rejects.toThrow(/rules\.afterHours\.timezone: .*Mars\/Olympus/);
    const after = await database.db.tenantSettings.findUniqueOrThrow({ where: { tenantId: 'acme' } });
    expect(after.version).toBe(before.version);
    expect((await stored()).rules.afterHours.timezone).toBe('America/Chicago');
  });

  it('tenant:settings --set refuses it too, naming the field, and keeps the stored settings', async () => {
    const file = path.join(dir, 'mars.json');
    writeFileSync(file, JSON.stringify({ rules: { afterHours: { timezone: 'Mars/Olympus' } } }));
    const result = await cli(['--set', file]);
    expect(result.code, result.out + result.err).toBe(2);
    expect(result.err).toContain('rules.afterHours.timezone');
    expect(result.err).toContain('Mars/Olympus');
    expect((await stored()).rules.afterHours.timezone).toBe('America/Chicago');
  });
});

describe('settings stored before validation', () => {
  beforeAll(async () => {
    // As a bad value stored by an older version would be.
    await database.db.tenantSettings.update({
      where: { tenantId: 'acme' },
      data: {
        settings: {
          ...(await stored()),
          rules: { ...(await stored()).rules, afterHours: { timezone: 'Mars/Olympus' } },
        },
      },
    });
  });

  it('give one clear error on load, naming the tenant, the field and the fix', async () => {
    const load = getTenantSettings(database.db, 'acme');
    await expect(load).rejects.toBeInstanceOf(InvalidInputError);
    await expect(load).rejects.toThrow(/tenant "acme".*rules\.afterHours\.timezone/s);
    await expect(load).rejects.toThrow(/tenant:settings/);
  });

  it('tenant:settings says so (exit 2), still prints what is stored, and --set repairs it', async () => {
    const printed = await cli([]);
    expect(printed.code, printed.out + printed.err).toBe(2);
    expect(printed.err).toContain('rules.afterHours.timezone');
    expect(JSON.parse(printed.out).rules.afterHours.timezone).toBe('Mars/Olympus');
    const file = path.join(dir, 'fixed.json');
    writeFileSync(file, JSON.stringify({ rules: { afterHours: { timezone: 'America/Denver' } } }));
    const fixed = await cli(['--set', file]);
    expect(fixed.code, fixed.out + fixed.err).toBe(0);
    expect((await getTenantSettings(database.db, 'acme')).rules.afterHours.timezone).toBe('America/Denver');
  });
});
