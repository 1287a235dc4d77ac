// Bank-file upload through the console, over HTTP with real sessions and CSRF tokens, against a
// real cluster (simulator serving a generated shop with payments, workers reconciling): a dry
// run stores nothing, the generated BAI2 is imported, audited and reconciled, the same file
// again adds nothing, an unreadable file is refused naming the line, and the upload is closed
// to engineers and to posts without the form's token. Also one real file from ../shared.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ConsoleApp, Role } from '@invoicer/console';
import { generateTenant } from '@invoicer/st-sim/generator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditFingerprints, generatedCluster, TENANT, waitForDecisions } from '../reconcile/support.ts';
import type { TestCluster } from '../support/cluster.ts';
import { createRoleUsers, startTestConsole, TestClient } from './support.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SHARED_BANK = path.resolve(ROOT, '../shared/data/bank_statements');
const REAL_FILE = path.join(SHARED_BANK, 'bai2/moov-io/sample3.txt');
const REAL_BROKEN = path.join(SHARED_BANK, 'bai2/moov-io/errors/sample-parseError.txt');
const hasRealFiles = existsSync(REAL_FILE) && existsSync(REAL_BROKEN);
if (!hasRealFiles)
  console.warn(
    `Skipping the real-file upload test: ${REAL_FILE} (or ${REAL_BROKEN}) is missing; it comes from the shared data folder next to the repository (../shared/data/bank_statements).`,
  );

let cluster: TestCluster;
let app: ConsoleApp;
let emails: Record<Role, string>;
let bai2: Buffer;
let transactions: number;
const clients = new Map<Role, TestClient>();

beforeAll(async () => {
  let tenant: Awaited<ReturnType<typeof generatedCluster>>['tenant'];
  ({ cluster, tenant } = await generatedCluster(200, 3));
  bai2 = Buffer.from(generateTenant({ jobs: 200, seed: 3, payments: true }).bank!.bai2);
  expect(bai2.toString()).toBe(tenant.bank!.bai2);
  transactions = tenant.truth.bank.length;
  const key = cluster.workers.services.runtime.options.credentialsKey.toString('base64');
  app = await startTestConsole({ ...cluster.env, CREDENTIALS_KEY: key });
  emails = await createRoleUsers(cluster.db);
});
afterAll(async () => {
  await app?.close();
  await cluster?.stop();
});

async function as(role: Role): Promise<TestClient> {
  let client = clients.get(role);
  if (!client) {
    client = new TestClient(app.app);
    await client.signIn(emails[role]);
    clients.set(role, client);
  }
  await client.get('/bank-statements'); // a fresh page: a fresh form token
  return client;
}

const stored = async () => ({
  statements: await cluster.db.bankStatement.count({ where: { tenantId: TENANT } }),
  transactions: await cluster.db.bankTransaction.count({ where: { tenantId: TENANT } }),
});

const imports = () =>
  cluster.db.auditEvent.findMany({
    where: { tenantId: TENANT, action: 'bank_statement.imported' },
    orderBy: { id: 'asc' },
  });

describe('bank file upload', () => {
  it('shows the form with its token, the size limit, the summary and the queue link', async () => {
    const client = await as('billing_specialist');
    const page = await client.get('/bank-statements');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('enctype="multipart/form-data"');
    expect(page.body).toMatch(
      /<form method="post" action="\/bank-statements"[^>]*>\s*<input type="hidden" name="_csrf" value="[^"]+">/,
    );
    expect(page.body).toContain('up to 20 MB');
    expect(page.body).toContain('Preview only (dry run)');
    expect(page.body).toContain('No bank files have been imported');
    expect(page.body).toContain('href="/queue?tenant=acme&amp;kind=payment"');
    expect(page.body).toContain('<a href="/bank-statements" aria-current="page">Bank files</a>');
  });

  it('a dry run reports what would be added and stores, queues and audits nothing', async () => {
    const client = await as('billing_specialist');
    const res = await client.postMultipart(
      '/bank-statements',
      { dryRun: 'true' },
      { name: 'statement.bai2', data: bai2 },
    );
    expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
    expect(res.body).toContain('Preview of statement.bai2 (nothing stored)');
    expect(res.body).toContain(`would add ${transactions} transaction(s)`);
    expect(res.body).toContain('Preview only, nothing was stored');
    expect(await stored()).toEqual({ statements: 0, transactions: 0 });
    expect(await imports()).toEqual([]);
    const json = await client.postMultipart(
      '/bank-statements',
      { dryRun: 'true' },
      { name: 'statement.bai2', data: bai2 },
      { headers: { accept: 'application/json' } },
    );
    expect(json.json()).toMatchObject({
      report: { dryRun: true, enqueued: 0, newTransactions: transactions },
    });
    expect(await stored()).toEqual({ statements: 0, transactions: 0 });
  });

  it('imports the generated BAI2, audits it, and the workers reconcile every credit', async () => {
    const client = await as('billing_specialist');
    const res = await client.postMultipart('/bank-statements', {}, { name: 'statement.bai2', data: bai2 });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
    expect(res.body).toContain('Import report: statement.bai2');
    expect(res.body).toContain(`added ${transactions} transaction(s)`);
    expect(res.body).toMatch(/queued \d+ credit\(s\) for reconciliation/);
    expect((await stored()).transactions).toBe(transactions);

    const credits = await creditFingerprints(cluster.db);
    expect(credits.length).toBeGreaterThan(0);
    const [event, ...more] = await imports();
    expect(more).toEqual([]);
    expect(event!.actor).toBe(emails.billing_specialist);
    expect(event!.data).toMatchObject({
      fileName: 'statement.bai2',
      digest: createHash('sha256').update(bai2).digest('hex'),
      bytes: bai2.length,
      format: 'bai2',
      transactions,
      newTransactions: transactions,
      duplicates: 0,
      newCredits: credits.length,
      enqueued: credits.length,
      by: { role: 'billing_specialist' },
    });

    await waitForDecisions(cluster.db, credits);
    const page = await client.get('/bank-statements');
    expect(page.body).toMatch(/<strong class="pending-credits">0<\/strong>/);
    const row = /<tr data-kind="bank_line">([\s\S]*?)<\/tr>/.exec(page.body)?.[1] ?? '';
    const cells = [...row.matchAll(/<td class="num"[^>]*>(\d+)<\/td>/g)].map((m) => Number(m[1]));
    expect(cells.at(-1), row).toBe(credits.length); // the total column
    expect(page.body).toContain('statement.bai2');
    expect(page.body).toContain(emails.billing_specialist);
  });

  it('the same file again says nothing new and stores nothing', async () => {
    const before = await stored();
    const client = await as('billing_manager');
    const res = await client.postMultipart('/bank-statements', {}, { name: 'again.bai2', data: bai2 });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Nothing new: all');
    expect(res.body).toContain(`nothing new: all ${transactions} transaction(s) were imported before`);
    expect(res.body).toContain('(this statement was imported before)');
    expect(await stored()).toEqual(before);
    // JSON, with the token in the header instead of a field (how an API client posts).
    const json = await client.postMultipart(
      '/bank-statements',
      {},
      { name: 'again.bai2', data: bai2 },
      { csrf: false, headers: { accept: 'application/json', 'x-csrf-token': client.csrf } },
    );
    expect(json.statusCode, json.body.slice(0, 300)).toBe(200);
    const body = json.json() as { report: { newTransactions: number; duplicates: number }; lines: string[] };
    expect(body.report).toMatchObject({ newTransactions: 0, duplicates: transactions });
    expect(body.lines.join('\n')).toContain('nothing new');
    expect(await stored()).toEqual(before);
    expect((await imports()).length).toBe(3); // every real upload is audited, even one adding nothing
  });

  it('refuses an unreadable file with 400, naming the line, and stores nothing', async () => {
    const before = await stored();
    const client = await as('billing_specialist');
    const headless = bai2.toString().split('\n').slice(1).join('\n');
    const res = await client.postMultipart(
      '/bank-statements',
      { format: 'bai2' },
      { name: 'broken.bai2', data: headless },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('broken.bai2 could not be read as a BAI2 file.');
    expect(res.body).toContain('Nothing was stored.');
    expect(res.body).toContain('line 1 (02): a BAI2 file must start with an 01 file header');
    const json = await client.postMultipart(
      '/bank-statements',
      {},
      { name: 'noise.bin', data: 'hello\u0000world' },
      { headers: { accept: 'application/json' } },
    );
    expect(json.statusCode).toBe(400);
    expect(json.json()).toMatchObject({ error: 'unreadable_file', line: 1 });
    expect(JSON.stringify(json.json())).toContain('line 1: not a recognised');
    expect(await stored()).toEqual(before);
  });

  it('refuses a file whose control totals fail because a record is damaged, naming both lines', async () => {
    const before = await stored();
    const client = await as('billing_specialist');
    const lines = bai2.toString().split('\n');
    const at = lines.findIndex((l) => l.startsWith('16,'));
    const amount = lines[at]!.split(',')[2]!;
    lines[at] = lines[at]!.replace(`,${amount},`, ',12x4,');
    const res = await client.postMultipart(
      '/bank-statements',
      {},
      { name: 'damaged.bai2', data: lines.join('\n') },
    );
    // The skipped detail makes the account's control total disagree: nothing in the file is trusted.
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Nothing was stored.');
    expect(res.body).toMatch(/control total/);
    expect(res.body).toContain(
      `line ${at + 1} (16): detail skipped: amount &quot;12x4&quot; is not an integer`,
    );
    expect(await stored()).toEqual(before);
  });

  it('names each bad field: no file, a CSV without a mapping, a mapping that is not JSON', async () => {
    const client = await as('billing_specialist');
    const none = await client.postMultipart('/bank-statements', { format: 'auto' });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('choose a bank file to upload');
    const csv = await client.postMultipart(
      '/bank-statements',
      { format: 'csv' },
      { name: 'x.csv', data: 'Date,Amount\n2026-01-01,10.00\n' },
    );
    expect(csv.statusCode).toBe(400);
    expect(csv.body).toContain('a CSV file needs a column mapping');
    const bad = await client.postMultipart(
      '/bank-statements',
      { format: 'csv', csvMapping: '{"date": "Date",' },
      { name: 'x.csv', data: 'Date,Amount\n2026-01-01,10.00\n' },
      { headers: { accept: 'application/json' } },
    );
    expect(bad.statusCode).toBe(400);
    const issues = (bad.json() as { issues: { field: string; message: string }[] }).issues;
    expect(issues.map((i) => i.field)).toEqual(['csvMapping']);
    expect(issues[0]!.message).toContain('is not valid JSON');
    const typo = await client.postMultipart(
      '/bank-statements',
      {
        format: 'csv',
        csvMapping: '{"date":"Date","dateFormat":"YYYY-MM-DD","ammount":"Amount","description":"D"}',
      },
      { name: 'x.csv', data: 'Date,Amount,D\n2026-01-01,10.00,x\n' },
    );
    expect(typo.statusCode).toBe(400);
    expect(typo.body).toContain('csvMapping');
    expect(typo.body).toContain('ammount'); // the unknown key is named
  });

  it(`refuses a file over 20 MB with 413 and says the limit`, async () => {
    const before = await stored();
    const client = await as('billing_specialist');
    const big = Buffer.alloc(20 * 1024 * 1024 + 1, 0x20);
    const res = await client.postMultipart('/bank-statements', {}, { name: 'huge.bai2', data: big });
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('larger than 20 MB');
    expect(await stored()).toEqual(before);
  });

  it('refuses a post without the form token, with a wrong one, or from another origin', async () => {
    const before = await stored();
    const fresh = Buffer.from(generateTenant({ jobs: 40, seed: 9, payments: true }).bank!.bai2);
    const client = await as('billing_specialist');
    const file = { name: 'fresh.bai2', data: fresh };
    const missing = await client.postMultipart('/bank-statements', {}, file, { csrf: false });
    expect(missing.statusCode).toBe(403);
    expect(missing.body).toContain('could not be verified');
    const wrong = await client.postMultipart('/bank-statements', { _csrf: 'abc.def' }, file);
    expect(wrong.statusCode).toBe(403);
    const foreign = await client.postMultipart('/bank-statements', {}, file, {
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.statusCode).toBe(403);
    const json = await client.postMultipart('/bank-statements', {}, file, {
      csrf: false,
      headers: { accept: 'application/json' },
    });
    expect(json.statusCode).toBe(403);
    expect(await stored()).toEqual(before);
    // The same file with the token goes through (so the refusals above were about the token).
    const ok = await client.postMultipart('/bank-statements', { dryRun: 'true' }, file);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Preview of fresh.bai2');
  });

  it('is closed to engineers, page and upload', async () => {
    const before = await stored();
    const engineer = new TestClient(app.app);
    await engineer.signIn(emails.engineer);
    const page = await engineer.get('/bank-statements');
    expect(page.statusCode).toBe(403);
    const res = await engineer.postMultipart('/bank-statements', {}, { name: 'statement.bai2', data: bai2 });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Engineers cannot use this page');
    expect((await engineer.get('/queue')).body).not.toContain('/bank-statements');
    expect(await stored()).toEqual(before);
    const admin = await as('admin');
    expect((await admin.get('/bank-statements')).statusCode).toBe(200);
  });

  it('serves the recent imports and the summary as JSON', async () => {
    const client = await as('billing_manager');
    const res = await client.get('/bank-statements', { accept: 'application/json' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      tenantId: string;
      maxUploadBytes: number;
      imports: { fileName: string; format: string; statements: number; transactions: number }[];
      summary: { counts: Record<string, Record<string, number>>; pendingBankLines: number };
    };
    expect(body.tenantId).toBe(TENANT);
    expect(body.maxUploadBytes).toBe(20 * 1024 * 1024);
    // One upload of a month of BAI2 (a statement per day) is one import; repeats add none.
    expect(body.imports).toEqual([
      expect.objectContaining({
        fileName: 'statement.bai2',
        format: 'bai2',
        importedBy: emails.billing_specialist,
        statements: await cluster.db.bankStatement.count({ where: { fileName: 'statement.bai2' } }),
        transactions,
        credits: (await creditFingerprints(cluster.db)).length,
      }),
    ]);
    expect(Object.keys(body.summary.counts)).toContain('bank_line');
  });
});

describe.skipIf(!hasRealFiles)('a real bank file (../shared/data/bank_statements)', () => {
  it('imports a published BAI2 sample and refuses the published broken one, naming the line', async () => {
    const client = await as('admin');
    const data = readFileSync(REAL_FILE);
    const before = await stored();
    // Another bank's account, dated years before the shop's jobs: refused until confirmed.
    const refusedFile = await client.postMultipart(
      '/bank-statements',
      {},
      { name: path.basename(REAL_FILE), data },
      { headers: { accept: 'application/json' } },
    );
    expect(refusedFile.statusCode, refusedFile.body.slice(0, 300)).toBe(409);
    const { checks } = refusedFile.json() as { checks: { code: string; message: string }[] };
    expect(checks.map((c) => c.code)).toContain('account');
    expect((await stored()).transactions).toBe(before.transactions);
    const page = await (await as('admin')).postMultipart(
      '/bank-statements',
      {},
      { name: path.basename(REAL_FILE), data },
    );
    expect(page.statusCode).toBe(409);
    expect(page.body).toContain('tick "Import anyway" and upload it again');
    const res = await (await as('admin')).postMultipart(
      '/bank-statements',
      { confirm: 'true' },
      { name: path.basename(REAL_FILE), data },
      { headers: { accept: 'application/json' } },
    );
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const { report } = res.json() as {
      report: { format: string; transactions: number; newTransactions: number };
    };
    expect(report.format).toBe('bai2');
    expect(report.transactions).toBeGreaterThan(0);
    expect(report.newTransactions).toBe(report.transactions);
    expect((await stored()).transactions).toBe(before.transactions + report.transactions);

    const broken = await client.postMultipart(
      '/bank-statements',
      { format: 'bai2' },
      { name: path.basename(REAL_BROKEN), data: readFileSync(REAL_BROKEN) },
    );
    expect(broken.statusCode).toBe(400);
    expect(broken.body).toContain('line 1 (00): a BAI2 file must start with an 01 file header');
    expect((await stored()).transactions).toBe(before.transactions + report.transactions);
  });
});
