// Writes that must happen once, subjects that are ServiceTitan payments, and files that are
// partly or wholly unreadable. The stage handler is called directly here (the import queues
// nothing), so a crash can be staged between the payment POST and the ledger update.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fromAmountString } from '@invoicer/core';
import { importBankStatement } from '@invoicer/pipeline';
import { StatementParseError } from '@invoicer/reconcile';
import type { Invoice, Payment, StClient } from '@invoicer/servicetitan';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GeneratedTenant } from '../../apps/st-sim/src/generator/index.ts';
import { recordReconcileFailure } from '../../apps/workers/src/reconcile/failure.ts';
import type { WorkerServices } from '../../apps/workers/src/services.ts';
import { reconcile } from '../../apps/workers/src/stages/reconcile.ts';
import type { TestCluster } from '../support/cluster.ts';
import { generatedCluster, TENANT } from './support.ts';

const run = promisify(execFile);
const MAPPING = {
  date: 'date',
  amount: 'amount',
  description: 'description',
  reference: 'reference',
  dateFormat: 'YYYY-MM-DD',
};

let cluster: TestCluster;
let tenant: GeneratedTenant;
let remainderPayment: Payment;
let refusedPayment: Payment;
let paidPayment: Payment;
let target: Invoice;
const dir = mkdtempSync(path.join(tmpdir(), 'reconcile-'));

const open = (i: Invoice) => fromAmountString(i.balance ?? '0').greaterThan(0);

beforeAll(async () => {
  ({ cluster, tenant } = await generatedCluster(150, 11, (t) => {
    const invoices = t.fixture['accounting/invoices'].filter(open);
    // Payments recorded in ServiceTitan "on account", not applied: each memo names an invoice.
    const onAccountPayment = (invoice: Invoice, id: number, check: string): Payment => ({
      id,
      syncStatus: 'Pending',
      referenceNumber: check,
      date: `${(invoice.invoiceDate ?? '2026-10-01').slice(0, 10)}T15:00:00Z`,
      type: 'Check',
      typeId: '62',
      total: invoice.balance!,
      unappliedAmount: invoice.balance!,
      memo: `Check ${check} for INV ${invoice.referenceNumber}`,
      customer: invoice.customer,
      checkNumber: check,
      appliedTo: [],
      modifiedOn: '2026-10-30T12:00:00Z',
      createdOn: '2026-10-30T12:00:00Z',
      active: true,
    });
    const onAccount = invoices[0]!;
    target = invoices.find((i) => i.customer?.id !== onAccount.customer?.id)!;
    const refused = invoices.find(
      (i) => i.customer?.id !== onAccount.customer?.id && i.customer?.id !== target.customer?.id,
    )!;
    remainderPayment = onAccountPayment(onAccount, 69_000_001, '5521');
    refusedPayment = onAccountPayment(refused, 69_000_002, '5522');
    t.fixture['accounting/payments'].push(remainderPayment, refusedPayment);
    paidPayment = t.fixture['accounting/payments'].find((p) => (p.appliedTo ?? []).length > 0)!;
  }));
});
afterAll(async () => {
  await cluster?.stop();
});

const PATCH_PAYMENT = 'PATCH /accounting/v2/tenant/:tenant/payments/:id';
const services = () => cluster.workers.services;
const lineFor = (invoice: Invoice, check: string) =>
  `2026-10-29,${invoice.balance},CHECK ${check} FROM ${invoice.customer!.name!.toUpperCase()} INV ${invoice.referenceNumber},BR${check}`;

describe('ServiceTitan payments as subjects', () => {
  it('records a fully applied payment as matched', async () => {
    await reconcile(services(), {
      tenantId: TENANT,
      subject: 'st_payment',
      subjectId: String(paidPayment.id),
      version: '1',
    });
    const record = await cluster.db.reconciliation.findFirst({
      where: { subjectId: String(paidPayment.id) },
    });
    expect(record?.status).toBe('matched');
    expect((record!.allocations as { invoiceId: number }[]).map((a) => a.invoiceId)).toEqual(
      paidPayment.appliedTo!.map((a) => a.appliedTo),
    );
  });

  it('applies an unapplied remainder to the invoice it names, and reads it back', async () => {
    await reconcile(services(), {
      tenantId: TENANT,
      subject: 'st_payment',
      subjectId: String(remainderPayment.id),
      version: '1',
    });
    const record = await cluster.db.reconciliation.findFirst({
      where: { subjectId: String(remainderPayment.id) },
    });
    const onAccount = remainderPayment.memo!.split('INV ')[1];
    const invoice = tenant.fixture['accounting/invoices'].find((i) => i.referenceNumber === onAccount)!;
    expect(record?.status).toBe('applied');
    const inSim = cluster.sim.tenant.payments.get(remainderPayment.id)!;
    expect(inSim.appliedTo?.map((a) => [a.appliedTo, a.appliedAmount])).toEqual([
      [invoice.id, remainderPayment.total],
    ]);
    expect(inSim.unappliedAmount).toBe('0.00');
    const write = await cluster.db.stWrite.findFirst({
      where: { key: { startsWith: `apply:${remainderPayment.id}:` } },
    });
    expect(write?.status).toBe('completed');
    // A second delivery finds the splits already there and writes nothing.
    const calls = cluster.sim.stats.byEndpoint.get(PATCH_PAYMENT) ?? 0;
    expect(calls).toBe(1);
    await reconcile(services(), {
      tenantId: TENANT,
      subject: 'st_payment',
      subjectId: String(remainderPayment.id),
      version: '2',
    });
    expect(cluster.sim.stats.byEndpoint.get(PATCH_PAYMENT) ?? 0).toBe(calls);
  });

  it('opens a review item with the candidates when ServiceTitan refuses the splits', async () => {
    cluster.sim.faults.script({ status: 400, match: PATCH_PAYMENT });
    await reconcile(services(), {
      tenantId: TENANT,
      subject: 'st_payment',
      subjectId: String(refusedPayment.id),
      version: '1',
    });
    const record = await cluster.db.reconciliation.findFirst({
      where: { subjectId: String(refusedPayment.id) },
    });
    const item = await cluster.db.reviewItem.findUnique({
      where: { subjectKey: `payment:st_payment:${refusedPayment.id}` },
    });
    const named = refusedPayment.memo!.split('INV ')[1];
    const candidates = (
      item!.details as { candidates: { referenceNumber: string; evidence: { kind: string }[] }[] }
    ).candidates;
    expect(record?.status).toBe('review');
    expect(item!.reasons).toContain('apply_failed');
    expect(candidates[0]!.referenceNumber).toBe(named);
    expect(candidates[0]!.evidence.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['reference', 'customer']),
    );
    const failed = await cluster.db.stWrite.findFirst({
      where: { key: { startsWith: `apply:${refusedPayment.id}:` } },
    });
    expect(failed?.status).toBe('failed');
  });

  it('refuses an unknown subject without crashing the worker', async () => {
    await expect(
      reconcile(services(), {
        tenantId: TENANT,
        subject: 'bank_line',
        subjectId: 'f'.repeat(64),
        version: '1',
      }),
    ).rejects.toThrow(/never imported/);
    await expect(
      reconcile(services(), { tenantId: TENANT, subject: 'review', subjectId: 'not-a-uuid', version: '1' }),
    ).rejects.toThrow(/not a payment review/);
    await expect(
      reconcile(services(), { tenantId: 'nobody', subject: 'st_payment', subjectId: '1', version: '1' }),
    ).rejects.toThrow(/unknown tenant/);
  });
});

describe('crash between creating the payment and completing the ledger', () => {
  it('claims the payment on retry instead of creating another', async () => {
    const csv = `date,amount,description,reference\n${lineFor(target, '7301')}\n`;
    const report = await importBankStatement(cluster.db, null, TENANT, Buffer.from(csv), {
      csvMapping: MAPPING,
    });
    expect(report.newCredits).toBe(1);
    const line = await cluster.db.bankTransaction.findFirstOrThrow({ where: { reference: 'BR7301' } });
    const marker = `[rc:${line.fingerprint.slice(0, 16)}]`;
    const ours = () => [...cluster.sim.tenant.payments.values()].filter((p) => p.memo?.includes(marker));

    // The process "dies" right after ServiceTitan accepted the POST.
    const real = await services().runtime.client(TENANT);
    const crashing = Object.create(real) as StClient;
    crashing.createPayment = async (body) => {
      await real.createPayment(body);
      throw new Error('simulated crash after POST /payments');
    };
    const crashed: WorkerServices = {
      ...services(),
      runtime: Object.assign(Object.create(services().runtime), { client: async () => crashing }),
    };
    const payload = {
      tenantId: TENANT,
      subject: 'bank_line' as const,
      subjectId: line.fingerprint,
      version: '1',
    };
    await expect(reconcile(crashed, payload)).rejects.toThrow(/simulated crash/);
    expect(ours()).toHaveLength(1);
    const started = await cluster.db.stWrite.findMany({
      where: { key: { startsWith: `pay:${line.fingerprint}:` } },
    });
    expect(started.map((w) => w.status)).toEqual(['started']);
    expect(await cluster.db.reconciliation.count({ where: { subjectId: line.fingerprint } })).toBe(0);

    // The retry finds the payment by its memo marker and claims it.
    await reconcile(services(), payload);
    await reconcile(services(), payload);
    expect(ours()).toHaveLength(1);
    const record = await cluster.db.reconciliation.findFirstOrThrow({
      where: { subjectId: line.fingerprint },
    });
    expect(record.status).toBe('applied');
    expect(Number(record.createdPaymentId)).toBe(ours()[0]!.id);
    const writes = await cluster.db.stWrite.findMany({
      where: { key: { startsWith: `pay:${line.fingerprint}:` } },
    });
    expect(writes).toHaveLength(1);
    expect(writes[0]!.status).toBe('completed');
    expect(writes[0]!.response).toMatchObject({ recovered: true, paymentId: ours()[0]!.id });
    const audit = await cluster.db.auditEvent.findFirst({
      where: { action: 'reconcile.applied' },
      orderBy: { id: 'desc' },
    });
    expect(audit?.data).toMatchObject({ recovered: true, createdPaymentId: ours()[0]!.id });
  });
});

describe('final failure', () => {
  it('opens an apply_failed review item for the subject and audits it', async () => {
    const line = await cluster.db.bankTransaction.findFirstOrThrow({ where: { reference: 'BR7301' } });
    const payload = {
      tenantId: TENANT,
      subject: 'bank_line' as const,
      subjectId: line.fingerprint,
      version: '1',
    };
    await recordReconcileFailure(
      cluster.db,
      services().runtime,
      payload,
      new Error('ServiceTitan 503 five times'),
    );
    const item = await cluster.db.reviewItem.findUniqueOrThrow({
      where: { subjectKey: `payment:bank_line:${line.fingerprint}` },
    });
    expect(item.reasons).toContain('apply_failed');
    expect(item.summary).toMatch(/503/);
    expect(await cluster.db.auditEvent.count({ where: { action: 'reconcile.failed' } })).toBe(1);
  });
});

describe('bank files', () => {
  it('keeps the records that parsed and reports the rest by line', async () => {
    const csv = [
      'date,amount,description,reference',
      '2026-10-28,12.50,MOBILE DEPOSIT,MD1',
      '2026-10-28,twelve,BAD ROW,MD2',
      '2026-13-45,5.00,BAD DATE,MD3',
      '',
    ].join('\n');
    const report = await importBankStatement(cluster.db, null, TENANT, Buffer.from(csv), {
      csvMapping: MAPPING,
      fileName: 'partial.csv',
    });
    expect(report.newTransactions).toBe(1);
    expect(report.issues.map((i) => i.line)).toEqual([3, 4]);
    expect(report.issues[0]!.text).toMatch(/^line 3/);
  });

  it('refuses a malformed file with an error naming the line', async () => {
    const broken = '16,115,1000,Z,REF,,NOT A HEADER/\n01,BANK,1,261101,0615,1,,,2/\n';
    const error = await importBankStatement(cluster.db, null, TENANT, Buffer.from(broken), {
      format: 'bai2',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatementParseError);
    expect((error as StatementParseError).line).toBe(1);
    expect(await cluster.db.bankStatement.count({ where: { fileName: null, format: 'bai2' } })).toBe(0);
  });

  it('refuses a file whose control totals fail, whole: nothing stored, nothing queued', async () => {
    const bai2 = tenant.bank!.bai2;
    // Change one transaction amount: the account and file control totals no longer add up.
    const lines = bai2.split('\n');
    const detail = lines.findIndex((l) => l.startsWith('16,'));
    const fields = lines[detail]!.split(',');
    fields[2] = String(Number(fields[2]) + 100);
    lines[detail] = fields.join(',');
    const statementsBefore = await cluster.db.bankStatement.count();
    const transactionsBefore = await cluster.db.bankTransaction.count();
    const error = await importBankStatement(cluster.db, null, TENANT, Buffer.from(lines.join('\n')), {
      format: 'bai2',
      fileName: 'damaged.bai2',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatementParseError);
    const issues = (error as StatementParseError).parseIssues;
    expect(issues.some((i) => i.code === 'control_total')).toBe(true);
    expect(issues.every((i) => i.line !== undefined)).toBe(true);
    expect(await cluster.db.bankStatement.count()).toBe(statementsBefore);
    expect(await cluster.db.bankTransaction.count()).toBe(transactionsBefore);
  });

  it('imports from the command line, idempotently, and refuses a bad file with its line', async () => {
    const file = path.join(dir, 'statement.bai2');
    writeFileSync(file, tenant.bank!.bai2);
    const env = { ...process.env, ...cluster.env, LOG_LEVEL: 'error' };
    const cli = (...args: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'apps/workers/src/cli/reconcile-import.ts', ...args], {
        env,
        cwd: process.cwd(),
      }).catch((e: { stdout: string; stderr: string; code: number }) => e);
    // A dry run reports and stores nothing.
    const dry = await importBankStatement(cluster.db, null, TENANT, Buffer.from(tenant.bank!.bai2), {
      dryRun: true,
    });
    expect(dry.newTransactions).toBe(dry.transactions);
    expect(await cluster.db.bankStatement.count({ where: { fileName: 'statement.bai2' } })).toBe(0);
    const first = await cli(file, '--tenant', TENANT, '--format', 'bai2');
    expect(first.stdout).toMatch(/added \d+ transaction\(s\)/);
    expect(first.stdout).toMatch(/queued \d+ credit\(s\) for reconciliation/);
    const again = await cli(file);
    expect(again.stdout).toMatch(/nothing new: all \d+ transaction\(s\) were imported before/);
    const bad = path.join(dir, 'bad.bai2');
    writeFileSync(bad, '16,115,1000,Z,REF,,NOT A HEADER/\n');
    const refused = (await cli(bad, '--format', 'bai2')) as { stderr: string; code: number };
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/line 1/);
  }, 60_000);
});
