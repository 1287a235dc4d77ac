// Bank imports checked against the shop before anything is stored (issue 14): a file in another
// currency, for an account the shop never imported, or dated years before its first job is
// refused with the reasons unless confirmed; a dry run reports them and shows the rows. Also
// every statement of a multi-statement OFX is stored. Fixtures: packages/reconcile/src/testing/
// fixtures (SOURCES.md) and shared public files by path.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Db, upsertTenant } from '@invoicer/db';
import { createTestDatabase, type TestDatabase, testQueuePrefix, testRedisUrl } from '@invoicer/db/testing';
import { ImportNeedsConfirmation, importBankStatement, PREVIEW_ROWS } from '@invoicer/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const fixture = (...parts: string[]) =>
  readFileSync(path.join(ROOT, 'packages/reconcile/src/testing/fixtures', ...parts));
const CAMT_EUR = path.resolve(ROOT, '../shared/data/bank_statements/camt/genkgo/camt053.v2.minimal.xml');

let database: TestDatabase;
let db: Db;

async function shop(id: string, stTenantId: number, firstJob: string) {
  await upsertTenant(db, {
    id,
    stTenantId,
    name: id,
    apiBaseUrl: 'http://127.0.0.1:1',
    authUrl: 'http://127.0.0.1:1',
  });
  await db.historyJob.createMany({
    data: [
      { tenantId: id, stJobId: 1n, completedOn: new Date(`${firstJob}T15:00:00Z`) },
      {
        tenantId: id,
        stJobId: 2n,
        completedOn: new Date(Date.parse(`${firstJob}T15:00:00Z`) + 90 * 86_400_000),
      },
    ],
  });
}

async function refusal(run: () => Promise<unknown>): Promise<ImportNeedsConfirmation> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ImportNeedsConfirmation) return error;
    throw error;
  }
  throw new Error('expected the import to be refused');
}

const statements = (tenantId: string) => db.bankStatement.count({ where: { tenantId } });

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  await shop('usd-shop', 9101, '2023-11-02');
  await shop('new-shop', 9102, '2027-06-01');
});
afterAll(async () => {
  await database?.drop();
});

describe('importing into a USD shop', () => {
  it('stores every statement of a multi-statement OFX, with no mismatch', async () => {
    const report = await importBankStatement(db, null, 'usd-shop', fixture('ofx/two-message-sets.ofx'), {
      fileName: 'two-message-sets.ofx',
    });
    expect(report.checks).toEqual([]);
    expect(report.statements.map((s) => [s.accountId, s.transactions])).toEqual([
      ['000111222', 2],
      ['000333444', 1],
      ['000555666', 1],
      ['4111111111111111', 1],
    ]);
    expect(report.newTransactions).toBe(5);
    expect(await statements('usd-shop')).toBe(4);
  });

  it('refuses a GBP file for an account never imported, naming both reasons; nothing is stored', async () => {
    const gbp = Buffer.from(
      fixture('ofx/unclosed-transaction-list.ofx').toString('latin1').replace('<CURDEF>USD', '<CURDEF>GBP'),
      'latin1',
    );
    const error = await refusal(() => importBankStatement(db, null, 'usd-shop', gbp, { fileName: 'uk.ofx' }));
    expect(error.checks.map((c) => c.code)).toEqual(['currency', 'account']);
    expect(error.checks[0]?.message).toBe("the file is in GBP, but this shop's books are in USD");
    expect(error.checks[1]?.message).toMatch(/account …9876 was never imported for this shop/);
    expect(error.message).toMatch(/Confirm to import it anyway/);
    expect(await statements('usd-shop')).toBe(4);

    // A dry run refuses nothing: it reports the mismatches and shows the rows.
    const preview = await importBankStatement(db, null, 'usd-shop', gbp, {
      fileName: 'uk.ofx',
      dryRun: true,
    });
    expect(preview.checks.map((c) => c.code)).toEqual(['currency', 'account']);
    expect(preview.rows.map((r) => [r.date, r.amount, r.currency, r.description, r.reference])).toEqual([
      ['2024-03-05', '612.00', 'GBP', 'DEPOSIT', 'U-1'],
      ['2024-03-11', '-12.00', 'GBP', 'MONTHLY FEE', 'U-2'],
    ]);
    expect(preview.moreRows).toBe(0);
    expect(preview.issues.map((i) => [i.line, i.code, i.severity])).toEqual([
      [36, 'unclosed_element', 'warning'],
    ]);

    // Confirmed explicitly: imported, and the report says what was overridden.
    const confirmed = await importBankStatement(db, null, 'usd-shop', gbp, {
      fileName: 'uk.ofx',
      confirm: true,
    });
    expect(confirmed.confirmed).toBe(true);
    expect(confirmed.newTransactions).toBe(2);
    expect(await statements('usd-shop')).toBe(5);
  });

  it.skipIf(!existsSync(CAMT_EUR))('refuses a EUR camt.053 dated years before the first job', async () => {
    const error = await refusal(() =>
      importBankStatement(db, null, 'usd-shop', readFileSync(CAMT_EUR), { fileName: 'camt053' }),
    );
    expect(error.checks.map((c) => c.code)).toContain('currency');
    expect(error.checks.find((c) => c.code === 'dates')?.message).toMatch(
      /start on \d{4}-\d\d-\d\d, more than 1 year\(s\) before this shop's first job \(2023-11-02\)/,
    );
  });
});

describe('dates against the shop', () => {
  it("refuses a file dated years before the shop's first job unless confirmed", async () => {
    const file = fixture('ofx/two-transaction-lists.ofx'); // March 2024; this shop's first job is June 2027
    const error = await refusal(() =>
      importBankStatement(db, null, 'new-shop', file, { fileName: 'old.ofx' }),
    );
    expect(error.checks).toEqual([
      {
        code: 'dates',
        message:
          "the file's transactions start on 2024-03-05, more than 1 year(s) before this shop's first job (2027-06-01)",
      },
    ]);
    const report = await importBankStatement(db, null, 'new-shop', file, {
      fileName: 'old.ofx',
      confirm: true,
    });
    expect(report.newTransactions).toBe(3);
  });
});

describe('the command line', () => {
  it('refuses with the reasons, previews the rows, and imports with --confirm', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bank-checks-'));
    const file = path.join(dir, 'eur.ofx');
    writeFileSync(
      file,
      fixture('ofx/two-statements-one-response.ofx')
        .toString('utf8')
        .replaceAll('<CURDEF>USD', '<CURDEF>EUR'),
    );
    // The CLI queues the imported lines for reconciliation: on this run's own Redis prefix.
    const env = {
      ...process.env,
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: testQueuePrefix('bank-import-cli'),
      LOG_LEVEL: 'error',
    };
    const cli = (...args: string[]) =>
      promisify(execFile)(
        process.execPath,
        [
          '--import',
          'tsx',
          'apps/workers/src/cli/reconcile-import.ts',
          file,
          '--tenant',
          'usd-shop',
          ...args,
        ],
        { env, cwd: ROOT },
      ).catch((e: { stdout: string; stderr: string; code: number }) => e);
    const refused = (await cli()) as { stderr: string; code: number };
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("the file is in EUR, but this shop's books are in USD");
    expect(refused.stderr).toContain('--confirm');
    const dry = await cli('--dry-run');
    expect(dry.stdout).toContain('importing needs an explicit confirmation');
    expect(dry.stdout).toMatch(/2024-02-16 +75\.25 EUR {2}CARD SETTLEMENT {2}B-1/);
    const confirmed = await cli('--confirm');
    expect(confirmed.stdout).toContain('imported despite 2 mismatch(es) with the shop (confirmed)');
    expect(confirmed.stdout).toMatch(/added 3 transaction\(s\)/);
  }, 60_000);
});

describe('the preview', () => {
  it(`keeps the first ${PREVIEW_ROWS} rows and counts the rest`, async () => {
    const lines = ['date,amount,description,reference'];
    for (let i = 1; i <= 120; i++)
      lines.push(`2024-02-${String((i % 28) + 1).padStart(2, '0')},${i}.00,Deposit ${i},REF-${i}`);
    const report = await importBankStatement(db, null, 'usd-shop', Buffer.from(lines.join('\n')), {
      fileName: 'big.csv',
      dryRun: true,
      csvMapping: {
        date: 'date',
        amount: 'amount',
        description: 'description',
        reference: 'reference',
        dateFormat: 'YYYY-MM-DD',
      },
    });
    expect(report.rows).toHaveLength(PREVIEW_ROWS);
    expect(report.moreRows).toBe(70);
    expect(report.rows[0]).toMatchObject({
      date: '2024-02-02',
      amount: '1.00',
      description: 'Deposit 1',
      reference: 'REF-1',
      isNew: true,
    });
  });
});
