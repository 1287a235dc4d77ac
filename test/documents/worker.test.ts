// The PDF stage in the running cluster: a posted run ends with one stored PDF and one attachment
// on its ServiceTitan job, even when the simulator loses the upload's answer after storing the
// file; the PDF's text equals ServiceTitan's invoice to the cent; running the stage again
// renders, stores and uploads nothing new.

import { createHash } from 'node:crypto';
import { formatUsd, fromAmountString } from '@invoicer/core';
import { htmlToText } from '@invoicer/documents';
import { downloadJobAttachment } from '@invoicer/servicetitan';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentKey } from '../../apps/workers/src/documents/attach.ts';
import { workerPdfRenderer } from '../../apps/workers/src/documents/renderer.ts';
import { pdf } from '../../apps/workers/src/stages/pdf.ts';
import { startTestCluster, type TestCluster } from '../support/cluster.ts';
import { miniTenant } from '../support/mini-tenant.ts';
import { waitFor } from '../support/wait.ts';
import { pdfText, pdfToolsMissing, squash } from './pdf-tools.ts';

const missing = pdfToolsMissing();
if (missing) console.warn(missing);

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.skipIf(missing !== null)('invoice.pdf in the worker cluster', () => {
  let cluster: TestCluster;
  let posted: { id: string; draftRevision: number; stJobId: bigint }[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster({
      fixture: miniTenant(40),
      replayLast: 4,
      settings: {
        policy: { mode: 'auto' } as never,
        documents: { enabled: true, licenceText: 'TACLA00099999C · Regulated by TDLR' } as never,
      },
    });
    // The first upload is stored by the simulator and then answered with a 500.
    cluster.sim.faults.update({
      failAfterCommit: { rate: 1, mode: 'error', match: '/attachments', times: 1 },
    });
    cluster.sim.play();
    await cluster.settle(4);
    posted = await cluster.db.pipelineRun.findMany({ where: { status: 'posted' } });
    await waitFor(
      () => cluster.db.invoiceDocument.count({ where: { attachedAt: { not: null } } }),
      (n) => n >= posted.length,
      { timeoutMs: 60_000, intervalMs: 200, what: 'every posted invoice to have an attached PDF' },
    );
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('stores one PDF per posted invoice and attaches it to the job once, despite a lost answer', async () => {
    expect(posted.length).toBeGreaterThan(0);
    const documents = await cluster.db.invoiceDocument.findMany();
    expect(documents).toHaveLength(posted.length);
    const counts = (await (await fetch(`${cluster.sim.url}/_sim/after-commit`)).json()) as { errors: number };
    expect(counts.errors).toBe(1);
    const client = await cluster.workers.services.runtime.client('acme');
    for (const document of documents) {
      const onJob = cluster.sim.tenant.attachments
        .by('jobId', Number(document.jobId))
        .filter((a) => a.fileName === document.fileName);
      expect(onJob, document.fileName).toHaveLength(1);
      // The attached bytes are the stored bytes.
      const bytes = await downloadJobAttachment(client, onJob[0]!.id);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(document.sha256);
      const write = await cluster.db.stWrite.findUniqueOrThrow({ where: { key: attachmentKey(document) } });
      expect(write.status).toBe('completed');
    }
    // The upload that lost its answer was recovered from the attachment list, not sent again.
    const retried = await cluster.db.stWrite.count({
      where: { operation: 'job.attachment.upload', attempts: { gt: 1 } },
    });
    expect(retried).toBe(1);
  });

  it('prints ServiceTitan’s invoice: every line, totals and balance to the cent', async () => {
    for (const document of await cluster.db.invoiceDocument.findMany()) {
      const invoice = cluster.sim.tenant.invoices.get(Number(document.invoiceId))!;
      const layout = pdfText(Buffer.from(document.bytes)).join('\n');
      const raw = squash(pdfText(Buffer.from(document.bytes), 'raw').join('\n'));
      for (const item of (invoice.items ?? []).filter((i) => i.active !== false)) {
        const qty = fromAmountString(item.quantity).toFixed();
        const row = `${qty} ${formatUsd(item.price)} ${formatUsd(item.total)}`;
        const description = squash(htmlToText(item.description) || item.skuName || '');
        expect(raw, `${document.fileName}: ${description}`).toContain(`${description} ${row}`);
      }
      expect(layout).toMatch(new RegExp(`Subtotal\\s+${escapeRe(formatUsd(invoice.subTotal))}`));
      expect(layout).toMatch(new RegExp(`Total\\s+${escapeRe(formatUsd(invoice.total))}`));
      expect(layout).toMatch(
        new RegExp(`Balance due\\s+${escapeRe(formatUsd(invoice.balance ?? invoice.total))}`),
      );
      expect(layout).toContain(formatUsd(invoice.salesTax));
      expect(layout).toContain(invoice.referenceNumber!);
      expect(layout).toContain('TACLA00099999C');
      expect(layout).toMatch(/Page 1 of \d/);
    }
  });

  it('makes nothing new when the stage runs again, even after forgetting it had attached', async () => {
    const run = posted[0]!;
    const payload = { tenantId: 'acme', runId: run.id, revision: run.draftRevision };
    const before = cluster.sim.tenant.attachments.size;
    const again = await pdf(cluster.workers.services, payload, workerPdfRenderer());
    expect(again).toMatchObject({ created: false, attached: 'already' });
    // A crash between the confirmed upload and marking the row: the ledger answers, no upload.
    await cluster.db.invoiceDocument.updateMany({ where: { runId: run.id }, data: { attachedAt: null } });
    const recovered = await pdf(cluster.workers.services, payload, workerPdfRenderer());
    expect(recovered).toMatchObject({ created: false, attached: 'recorded' });
    expect(cluster.sim.tenant.attachments.size).toBe(before);
    expect(await cluster.db.invoiceDocument.count({ where: { runId: run.id } })).toBe(1);
    expect(await cluster.db.invoiceDocument.count({ where: { runId: run.id, attachedAt: null } })).toBe(0);
    const audit = await cluster.db.auditEvent.count({
      where: { runId: run.id, action: 'invoice.pdf_attached' },
    });
    expect(audit).toBe(1);
  });
});
