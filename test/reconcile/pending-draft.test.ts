// A deposit that overpays an invoice by exactly the line our pipeline added to that invoice's
// draft, still in review: reconciliation names the draft and its review item, explains it, and
// applies nothing (the money for an unposted line cannot land on ServiceTitan's invoice).
import { fromAmountString, jobIdFor, toMoneyString } from '@invoicer/core';
import { invoiceReviewLinks } from '@invoicer/db';
import { importBankStatement } from '@invoicer/pipeline';
import type { Invoice } from '@invoicer/servicetitan';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentPage } from '../../apps/console/src/views/payment.ts';
import { recheckPaymentsAfterPost } from '../../apps/workers/src/reconcile/after-post.ts';
import type { ReviewCandidate } from '../../apps/workers/src/reconcile/candidates.ts';
import { reconcile } from '../../apps/workers/src/stages/reconcile.ts';
import type { TestCluster } from '../support/cluster.ts';
import { waitFor } from '../support/wait.ts';
import { generatedCluster, TENANT } from './support.ts';

const MAPPING = {
  date: 'date',
  amount: 'amount',
  description: 'description',
  reference: 'reference',
  dateFormat: 'YYYY-MM-DD',
};
const POST_PAYMENT = 'POST /accounting/v2/tenant/:tenant/payments';
const PERMIT = '85.00';

let cluster: TestCluster;
let drafted: Invoice;
let plain: Invoice;
let invoiceItemId: string;

const day = (stamp: string | null | undefined, plus = 0) =>
  new Date(Date.parse((stamp ?? '').slice(0, 10)) + plus * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  let open: Invoice[] = [];
  ({ cluster } = await generatedCluster(120, 17, (t) => {
    const recent = Date.now() - 40 * 86_400_000;
    open = t.fixture['accounting/invoices'].filter(
      (i) =>
        fromAmountString(i.balance ?? '0').greaterThan(100) &&
        i.job?.id &&
        Date.parse(i.invoiceDate ?? '') > recent - 200 * 86_400_000 &&
        Date.parse(i.invoiceDate ?? '') < recent,
    );
  }));
  drafted = open[0]!;
  plain = open.find((i) => i.customer?.id !== drafted.customer?.id)!;
  // Our pipeline's run for the job: a draft that adds a permit fee, waiting in review.
  const total = fromAmountString(drafted.total).plus(PERMIT);
  const run = await cluster.db.pipelineRun.create({
    data: {
      tenantId: TENANT,
      stJobId: BigInt(drafted.job!.id),
      stInvoiceId: BigInt(drafted.id),
      trigger: 'test',
      status: 'awaiting_review',
      stage: 'route',
      draftRevision: 1,
    },
  });
  await cluster.db.draft.create({
    data: {
      runId: run.id,
      revision: 1,
      lines: [
        { key: 't1', origin: 'technician', skuName: 'Service call', total: drafted.subTotal },
        { key: 'a1', origin: 'added', skuName: 'Permit fee', total: PERMIT },
      ],
      subTotal: fromAmountString(drafted.subTotal).plus(PERMIT).toFixed(2),
      salesTax: drafted.salesTax,
      total: total.toFixed(2),
      document: {},
      createdBy: 'pipeline',
    },
  });
  const item = await cluster.db.reviewItem.create({
    data: {
      tenantId: TENANT,
      kind: 'invoice',
      subjectKey: `invoice:${run.id}`,
      runId: run.id,
      status: 'open',
      reasons: ['low_confidence'],
      amount: total.toFixed(2),
      stJobId: BigInt(drafted.job!.id),
      customerName: drafted.customer?.name ?? null,
      slaDueAt: new Date(Date.now() + 86_400_000),
    },
  });
  invoiceItemId = item.id;
}, 180_000);
afterAll(async () => {
  await cluster?.stop();
});

async function depositFor(invoice: Invoice, check: string): Promise<string> {
  const amount = toMoneyString(fromAmountString(invoice.balance!).plus(PERMIT));
  const text = `CHECK ${check} FROM ${invoice.customer!.name!.toUpperCase()} INV ${invoice.referenceNumber}`;
  const csv = `date,amount,description,reference\n${day(invoice.invoiceDate, 5)},${amount},${text},BR${check}\n`;
  const report = await importBankStatement(cluster.db, null, TENANT, Buffer.from(csv), {
    csvMapping: MAPPING,
    confirm: true,
  });
  expect(report.newCredits).toBe(1);
  const line = await cluster.db.bankTransaction.findFirstOrThrow({ where: { reference: `BR${check}` } });
  await reconcile(cluster.workers.services, {
    tenantId: TENANT,
    subject: 'bank_line',
    subjectId: line.fingerprint,
    version: '1',
  });
  return line.fingerprint;
}

describe('a deposit that overpays by a pending draft’s added line', () => {
  it('is linked to the draft and its review item, and goes to review with nothing applied', async () => {
    const postsBefore = cluster.sim.stats.byEndpoint.get(POST_PAYMENT) ?? 0;
    const fingerprint = await depositFor(drafted, '8801');
    const record = await cluster.db.reconciliation.findFirstOrThrow({ where: { subjectId: fingerprint } });
    expect(record.status).toBe('review');
    expect(record.reasons).toContain('over_pay');
    expect(cluster.sim.stats.byEndpoint.get(POST_PAYMENT) ?? 0).toBe(postsBefore);

    const item = await cluster.db.reviewItem.findUniqueOrThrow({
      where: { subjectKey: `payment:bank_line:${fingerprint}` },
    });
    expect(item.summary).toContain(
      `covers invoice ${drafted.referenceNumber} including the $85.00 added line pending review`,
    );
    const candidates = (item.details as unknown as { candidates: ReviewCandidate[] }).candidates;
    const best = candidates[0]!;
    expect(best.invoiceId).toBe(drafted.id);
    expect(best.pending).toMatchObject({
      invoiceId: drafted.id,
      jobId: drafted.job!.id,
      reviewItemId: invoiceItemId,
      status: 'awaiting_review',
      amount: PERMIT,
      lines: [{ description: 'Permit fee', amount: PERMIT }],
    });
    expect(best.allocation?.splits).toEqual([
      expect.objectContaining({
        invoiceId: drafted.id,
        amount: toMoneyString(fromAmountString(drafted.balance!)),
      }),
    ]);
    expect(best.allocation?.credit).toBe(PERMIT);
    expect((item.details as unknown as { notes: string[] }).notes.join(' ')).toMatch(/Permit fee/);
  });

  it('reads on the payment page as covering the invoice including the line pending review', async () => {
    const line = await cluster.db.bankTransaction.findFirstOrThrow({ where: { reference: 'BR8801' } });
    const item = await cluster.db.reviewItem.findUniqueOrThrow({
      where: { subjectKey: `payment:bank_line:${line.fingerprint}` },
    });
    const links = await invoiceReviewLinks(cluster.db, TENANT, [drafted.id]);
    const page = paymentPage(
      { user: { id: 'u', name: 'Clerk', role: 'billing_specialist', tenants: null } as never, csrf: 't' },
      { item, holder: null, canWork: true, canAct: true, manager: false, links, tolerance: null },
    ).toString();
    const body = page.slice(page.indexOf('<main'));
    expect(body).toContain(
      `Covers invoice ${drafted.referenceNumber} including the $85.00 added line pending review`,
    );
    expect(body).toContain(
      `the Permit fee added to the pending draft for job ${drafted.job!.id} (in review)`,
    );
    expect(body).toContain(`href="/items/${invoiceItemId}"`);
    for (const raw of ['typeCode', 'fingerprint', line.fingerprint]) expect(body).not.toContain(raw);
  });

  it('leaves a plain overpayment, with no pending draft, unexplained by any draft', async () => {
    const fingerprint = await depositFor(plain, '8802');
    const item = await cluster.db.reviewItem.findUniqueOrThrow({
      where: { subjectKey: `payment:bank_line:${fingerprint}` },
    });
    expect(item.reasons).toContain('over_pay');
    const candidates = (item.details as unknown as { candidates: ReviewCandidate[] }).candidates;
    expect(candidates.some((c) => c.pending)).toBe(false);
    expect(item.summary).not.toContain('pending review');
  });

  it('applies a person’s split through the worker: one ServiceTitan payment with exactly those splits', async () => {
    const line = await cluster.db.bankTransaction.findFirstOrThrow({ where: { reference: 'BR8802' } });
    const item = await cluster.db.reviewItem.findUniqueOrThrow({
      where: { subjectKey: `payment:bank_line:${line.fingerprint}` },
    });
    const balance = toMoneyString(fromAmountString(plain.balance!));
    await cluster.db.reviewItem.update({
      where: { id: item.id },
      data: {
        status: 'approved',
        resolution: {
          action: 'split',
          splits: [{ invoiceId: plain.id, referenceNumber: plain.referenceNumber!, amount: balance }],
          by: 'clerk-1',
        },
      },
    });
    const postsBefore = cluster.sim.stats.byEndpoint.get(POST_PAYMENT) ?? 0;
    const payload = { tenantId: TENANT, subject: 'review' as const, subjectId: item.id, version: '1' };
    await reconcile(cluster.workers.services, payload);
    await reconcile(cluster.workers.services, payload);
    expect(cluster.sim.stats.byEndpoint.get(POST_PAYMENT) ?? 0).toBe(postsBefore + 1);
    const record = await cluster.db.reconciliation.findFirstOrThrow({
      where: { subjectId: line.fingerprint },
    });
    expect(record.status).toBe('applied');
    expect(record.decidedBy).toBe('clerk-1');
    const created = cluster.sim.tenant.payments.get(Number(record.createdPaymentId))!;
    expect(created.appliedTo?.map((a) => [a.appliedTo, a.appliedAmount])).toEqual([[plain.id, balance]]);
    const closed = await cluster.db.reviewItem.findUniqueOrThrow({ where: { id: item.id } });
    expect(closed.status).toBe('posted');
  });

  it('reopens a split that adds up to more than the deposit, writing nothing', async () => {
    const line = await cluster.db.bankTransaction.findFirstOrThrow({ where: { reference: 'BR8801' } });
    const item = await cluster.db.reviewItem.findUniqueOrThrow({
      where: { subjectKey: `payment:bank_line:${line.fingerprint}` },
    });
    const tooMuch = toMoneyString(fromAmountString(line.amount.toFixed()).plus(1));
    await cluster.db.reviewItem.update({
      where: { id: item.id },
      data: {
        status: 'approved',
        resolution: {
          action: 'split',
          splits: [{ invoiceId: drafted.id, referenceNumber: drafted.referenceNumber!, amount: tooMuch }],
          by: 'clerk-2',
        },
      },
    });
    const postsBefore = cluster.sim.stats.byEndpoint.get(POST_PAYMENT) ?? 0;
    await reconcile(cluster.workers.services, {
      tenantId: TENANT,
      subject: 'review',
      subjectId: item.id,
      version: '2',
    });
    expect(cluster.sim.stats.byEndpoint.get(POST_PAYMENT) ?? 0).toBe(postsBefore);
    const reopened = await cluster.db.reviewItem.findUniqueOrThrow({ where: { id: item.id } });
    expect(reopened.status).toBe('open');
    expect(reopened.reasons).toEqual(['apply_failed']);
    expect(reopened.summary).toMatch(/Could not apply the split: the splits add up to .*more than/);
  });

  it('decides the deposit again once the draft is posted, and now applies it to the invoice', async () => {
    const fingerprint = await depositFor(drafted, '8803');
    const line = await cluster.db.bankTransaction.findFirstOrThrow({ where: { fingerprint } });
    const waiting = await cluster.db.reconciliation.findFirstOrThrow({ where: { subjectId: fingerprint } });
    expect(waiting.status).toBe('review');
    // The reviewer approved the draft and it was posted: ServiceTitan's invoice carries the permit.
    const run = await cluster.db.pipelineRun.findFirstOrThrow({ where: { stInvoiceId: BigInt(drafted.id) } });
    await cluster.db.pipelineRun.update({ where: { id: run.id }, data: { status: 'posted', stage: 'post' } });
    const invoice = cluster.sim.tenant.invoices.get(drafted.id)!;
    for (const field of ['subTotal', 'total', 'balance'] as const)
      invoice[field] = toMoneyString(fromAmountString(invoice[field] ?? '0').plus(PERMIT));

    const { services } = cluster.workers;
    const payload = { tenantId: TENANT, runId: run.id, revision: 1 };
    const postsBefore = cluster.sim.stats.byEndpoint.get(POST_PAYMENT) ?? 0;
    expect(await recheckPaymentsAfterPost(services, payload)).toBe(1);
    // The cluster's workers run the queued decision.
    await waitFor(
      () => cluster.db.reconciliation.findFirstOrThrow({ where: { subjectId: fingerprint } }),
      (r) => r.status !== 'review',
      { timeoutMs: 30_000, intervalMs: 100, what: 'the deposit to be decided again' },
    );
    const recheck = `posted-${run.id}-r1`;
    const job = await services.queues.get('payment.reconcile').getJob(
      jobIdFor('payment.reconcile', {
        tenantId: TENANT,
        subject: 'bank_line',
        subjectId: fingerprint,
        version: waiting.version,
        recheck,
      }),
    );
    expect(job?.data).toMatchObject({ subject: 'bank_line', recheck });
    const decided = await cluster.db.reconciliation.findFirstOrThrow({
      where: { subjectId: line.fingerprint },
    });
    expect(decided.status).toBe('applied');
    expect(cluster.sim.stats.byEndpoint.get(POST_PAYMENT) ?? 0).toBe(postsBefore + 1);
    const item = await cluster.db.reviewItem.findUniqueOrThrow({
      where: { subjectKey: `payment:bank_line:${line.fingerprint}` },
    });
    expect(item.status).not.toBe('open');
    // A retried post job's hand-over finds nothing waiting on that draft any more.
    expect(await recheckPaymentsAfterPost(services, payload)).toBe(0);
    expect(cluster.sim.stats.byEndpoint.get(POST_PAYMENT) ?? 0).toBe(postsBefore + 1);
  });
});
