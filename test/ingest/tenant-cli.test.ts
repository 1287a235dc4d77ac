// The tenant commands as a user runs them (real processes): tenant:add checks the credentials
// against ServiceTitan (the simulator) before sealing and storing them, and starts the feeds
// at now; tenant:settings prints and replaces a tenant's settings with field-level errors.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  replaceHistoryLines,
  TIME_RESOURCES,
  upsertCatalog,
  upsertHistoryJobs,
  upsertMirror,
} from '@invoicer/db';
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

  it('prints the learned labor convention under "learned", with its agreement and support', async () => {
    // Twelve past jobs with timesheets, billed on the hourly SKU in half hours rounded up.
    const HOUR = 3_600_000;
    const onSite = [0.3, 1.2, 1.7, 0.8];
    const billed = ['1.00', '1.50', '2.00', '1.00'];
    const start = (n: number) => Date.UTC(2026, 0, 6 + 7 * n, 16);
    const iso = (ms: number) => new Date(ms).toISOString();
    const jobs = Array.from({ length: 12 }, (_, n) => n);
    const labor = async () => {
      const printed = await run('tenant-settings', ['--tenant', 'acme']);
      expect(printed.code, printed.out).toBe(0);
      return (JSON.parse(printed.out) as { learned: { labor: Record<string, unknown> } }).learned.labor;
    };
    await upsertCatalog(database.db, 'acme', [
      {
        kind: 'service',
        stId: 20,
        code: 'LAB',
        name: 'Labor per hour',
        searchText: 'LAB Labor per hour',
        active: true,
        data: { id: 20, code: 'LAB', price: 120, isLabor: true, unitOfMeasure: 'Hour' },
        modifiedOn: null,
      },
    ]);
    // Hourly labor in the price book but no history yet: the settings are in force.
    const thin = await labor();
    expect(thin).toMatchObject({ status: 'thin', inUse: 'settings', support: 0, agreement: null });
    expect(String(thin.summary)).toMatch(/history too thin: settings in force/i);
    await upsertHistoryJobs(
      database.db,
      'acme',
      jobs.map((n) => ({
        stJobId: 200 + n,
        jobTypeId: 1,
        businessUnitId: 1,
        locationId: 1,
        customerId: 1,
        completedOn: iso(start(n) + 3 * HOUR),
        noteText: '',
        features: ['jt:1'],
        laborHours: null,
      })),
    );
    await upsertMirror(
      database.db,
      'acme',
      TIME_RESOURCES.timesheets,
      jobs.map((n) => ({
        stId: 3000 + n,
        parentId: 200 + n,
        data: {
          technicianId: 7,
          appointmentId: null,
          arrivedOn: iso(start(n)),
          doneOn: iso(start(n) + onSite[n % 4]! * HOUR),
        },
        modifiedOn: null,
      })),
    );
    await replaceHistoryLines(
      database.db,
      'acme',
      jobs.map((n) => 200 + n),
      jobs.map((n) => ({
        stItemId: 5000 + n,
        stJobId: 200 + n,
        stInvoiceId: 200 + n,
        skuId: 20,
        itemType: 'Service',
        description: 'Labor',
        quantity: billed[n % 4]!,
        unitPrice: '120.00',
        createdOn: iso(start(n) + 3 * HOUR),
        officeAdded: false,
      })),
    );
    const learned = await labor();
    expect(learned).toMatchObject({
      status: 'learned',
      inUse: 'learned',
      support: 12,
      agreement: 1,
      convention: { source: 'onsite', increment: 0.5, rounding: 'up', minimum: 1 },
    });
    expect(learned.agreementLowerBound).toBeGreaterThan(0.5);
    expect(learned.agreementLowerBound).toBeLessThan(1);
    expect(String(learned.summary)).toMatch(/^Learned: on-site hours .*12\/12 past time-and-materials/);
  });

  it('says so for an unknown tenant', async () => {
    const result = await run('tenant-settings', ['--tenant', 'nobody']);
    expect(result.code).toBe(2);
    expect(result.out).toContain('There is no tenant "nobody"');
  });
});

describe('tenant:settings: the recommended auto-approval threshold', () => {
  const recommendation = {
    autoApproveConfidence: 0.8765,
    share: 0.42,
    exactness: 1,
    wilsonLow: 0.9712,
    jobs: 93,
    target: 0.995,
    window: { from: '2026-08-24T00:00:00.000Z', to: '2026-09-21T00:00:00.000Z' },
    computedAt: '2026-11-30T12:00:00.000Z',
    source: 'backtest',
    businessUnits: [
      { businessUnitId: 12, autoApproveConfidence: 0.8, share: 0.6, exactness: 1, wilsonLow: 0.95, jobs: 50 },
    ],
  };
  const policyOf = async () =>
    (
      (await database.db.tenantSettings.findUniqueOrThrow({ where: { tenantId: 'acme' } })).settings as {
        policy: Record<string, unknown> & { autoApproveConfidence: number; overrides: unknown[] };
      }
    ).policy;

  it('refuses to accept when nothing was recommended, and changes nothing', async () => {
    const before = await policyOf();
    const result = await run('tenant-settings', ['--tenant', 'acme', '--accept-threshold']);
    expect(result.code).toBe(2);
    expect(result.out).toContain('no recommended threshold to accept');
    expect(await policyOf()).toEqual(before);
  });

  it('stores a backtest report’s recommendation beside the threshold in force, changing nothing in force', async () => {
    const file = path.join(dir, 'report.json');
    writeFileSync(
      file,
      JSON.stringify({ jobs: 120, recommendation: { threshold: 0.8765, settings: recommendation } }),
    );
    const before = await policyOf();
    const result = await run('tenant-settings', ['--tenant', 'acme', '--recommendation', file]);
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain('Nothing in force changed');
    const after = await policyOf();
    expect(after.autoApproveConfidence).toBe(before.autoApproveConfidence);
    expect(after.overrides).toEqual(before.overrides);
    expect(after.recommendation).toMatchObject({ autoApproveConfidence: 0.8765, source: 'backtest' });
    expect(
      await database.db.auditEvent.count({
        where: { action: 'settings.threshold_recommended', tenantId: 'acme' },
      }),
    ).toBe(1);
    // Printed beside the one in force; the printout still works as a settings file.
    const printed = await run('tenant-settings', ['--tenant', 'acme']);
    expect(printed.code).toBe(0);
    const json = JSON.parse(printed.out) as { autoApproval: Record<string, unknown> };
    expect(json.autoApproval).toMatchObject({
      inForce: before.autoApproveConfidence,
      recommended: 0.8765,
      accepted: false,
      businessUnits: [{ businessUnitId: 12, inForce: before.autoApproveConfidence, recommended: 0.8 }],
    });
    expect(String(json.autoApproval.recommendation)).toMatch(
      /42\.0% of 93 jobs .*\(Wilson 95% lower bound 97\.1%\)/,
    );
  });

  it('refuses a malformed recommendation file, naming the field', async () => {
    const file = path.join(dir, 'bad-recommendation.json');
    writeFileSync(file, JSON.stringify({ ...recommendation, share: 'most' }));
    const result = await run('tenant-settings', ['--tenant', 'acme', '--recommendation', file]);
    expect(result.code).toBe(2);
    expect(result.out).toContain('share');
  });

  it('puts it in force only on --accept-threshold, versioned and audited with before and after', async () => {
    const before = await database.db.tenantSettings.findUniqueOrThrow({ where: { tenantId: 'acme' } });
    const was = (before.settings as { policy: { autoApproveConfidence: number } }).policy
      .autoApproveConfidence;
    const result = await run('tenant-settings', ['--tenant', 'acme', '--accept-threshold']);
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain(`default: ${was} → 0.8765`);
    expect(result.out).toContain(`business unit 12: ${was} → 0.8`);
    const after = await database.db.tenantSettings.findUniqueOrThrow({ where: { tenantId: 'acme' } });
    expect(after.version).toBe(before.version + 1);
    const policy = await policyOf();
    expect(policy.autoApproveConfidence).toBe(0.8765);
    expect(policy.overrides).toContainEqual({ businessUnitId: 12, autoApproveConfidence: 0.8 });
    const audit = await database.db.auditEvent.findFirstOrThrow({
      where: { action: 'settings.threshold_accepted', tenantId: 'acme' },
    });
    expect(audit.actor).toMatch(/^cli:/);
    expect(audit.data).toMatchObject({
      before: { autoApproveConfidence: was },
      after: {
        autoApproveConfidence: 0.8765,
        overrides: [{ businessUnitId: 12, autoApproveConfidence: 0.8 }],
      },
    });
    const again = await run('tenant-settings', ['--tenant', 'acme', '--accept-threshold']);
    expect(again.out).toContain('already in force');
    expect(
      (await database.db.tenantSettings.findUniqueOrThrow({ where: { tenantId: 'acme' } })).version,
    ).toBe(after.version);
  });
});
