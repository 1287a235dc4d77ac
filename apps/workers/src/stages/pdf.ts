// invoice.pdf: the posted invoice as a PDF. Reads the invoice back from ServiceTitan (never our
// draft), renders it with headless Chromium, stores it once per (tenant, invoice, revision) with
// its SHA-256, attaches it to the ServiceTitan job exactly once (ledgered, confirmed by listing
// the job's attachments) and hands over to the catalogue's next step. Every part skips what is
// already done, so a retry or a second run renders, stores and uploads nothing new.

import { invoiceQuestionsUrl } from '@invoicer/assistant';
import { InvalidInputError, type PayloadOf } from '@invoicer/core';
import {
  appendAuditTx,
  findInvoiceDocument,
  getDraft,
  markInvoiceDocumentAttached,
  saveInvoiceDocument,
} from '@invoicer/db';
import type { PdfRenderer } from '@invoicer/documents';
import { stageValue } from '@invoicer/pipeline';
import { attachToJob } from '../documents/attach.ts';
import { handOverAfterPdf } from '../documents/handover.ts';
import { readPostedInvoice } from '../documents/inputs.ts';
import type { WorkerServices } from '../services.ts';

export interface PdfStageResult {
  documentId: string;
  created: boolean;
  attached: 'sent' | 'recovered' | 'recorded' | 'already' | 'off';
  next: string | null;
}

export async function pdf(
  services: WorkerServices,
  payload: PayloadOf<'invoice.pdf'>,
  renderer: PdfRenderer,
): Promise<PdfStageResult | null> {
  const { db } = services;
  const log = services.log.child({
    tenant: payload.tenantId,
    runId: payload.runId,
    stage: 'pdf',
    revision: payload.revision,
  });
  const run = await db.pipelineRun.findUnique({ where: { id: payload.runId } });
  if (!run) throw new InvalidInputError(`run ${payload.runId} does not exist`);
  if (run.tenantId !== payload.tenantId)
    throw new InvalidInputError(`run ${run.id} belongs to another tenant`);
  if (run.status !== 'posted' || run.draftRevision !== payload.revision) {
    // Only a verified post has a document; anything else is a stray job (logged, not retried).
    log.warn(
      { status: run.status, draftRevision: run.draftRevision },
      'run is not posted at this revision; no PDF',
    );
    return null;
  }
  const extracted = await stageValue(db, run.id, 'extract');
  if (!extracted) throw new Error(`run ${run.id} has no extract output`);
  const invoiceId = extracted.context.invoice.id;
  const [settings, client] = await Promise.all([
    services.runtime.settings(run.tenantId),
    services.runtime.client(run.tenantId),
  ]);

  let document = await findInvoiceDocument(db, run.tenantId, invoiceId, payload.revision);
  let created = false;
  if (!document) {
    const draft = await getDraft(db, run.id, payload.revision);
    const summary = (draft?.document as { summary?: string } | undefined)?.summary ?? null;
    const posted = await readPostedInvoice(
      client,
      extracted,
      settings,
      payload.revision,
      summary,
      (customerId, id) =>
        invoiceQuestionsUrl(process.env, { tenantId: run.tenantId, customerId, invoiceId: id }),
    );
    const rendered = await renderer.render(posted.model);
    if (rendered.blockedRequests > 0)
      log.warn({ blocked: rendered.blockedRequests }, 'the invoice page tried to reach the network; blocked');
    const saved = await saveInvoiceDocument(db, {
      tenantId: run.tenantId,
      runId: run.id,
      invoiceId,
      jobId: posted.jobId,
      revision: payload.revision,
      fileName: posted.fileName,
      sha256: rendered.sha256,
      bytes: rendered.bytes,
      pageCount: rendered.pageCount,
      renderMs: rendered.renderMs,
    });
    document = saved.document;
    created = saved.created;
    if (created)
      await db.$transaction((tx) =>
        appendAuditTx(tx, {
          tenantId: run.tenantId,
          actorType: 'system',
          actor: 'documents',
          action: 'invoice.pdf_rendered',
          stJobId: Number(run.stJobId),
          runId: run.id,
          data: {
            invoiceId,
            revision: payload.revision,
            sha256: rendered.sha256,
            pages: rendered.pageCount,
            bytes: rendered.bytes.length,
          },
        }),
      );
  }

  let attached: PdfStageResult['attached'] = 'off';
  if (document.attachedAt) attached = 'already';
  else if (settings.documents.attachToJob) {
    const outcome = await attachToJob(db, client, document);
    await markInvoiceDocumentAttached(db, document.id);
    attached = outcome.how;
    if (outcome.how !== 'recorded')
      await db.$transaction((tx) =>
        appendAuditTx(tx, {
          tenantId: run.tenantId,
          actorType: 'system',
          actor: 'documents',
          action: 'invoice.pdf_attached',
          stJobId: Number(run.stJobId),
          runId: run.id,
          data: {
            invoiceId,
            revision: payload.revision,
            attachmentId: outcome.attachmentId,
            fileName: document.fileName,
            sha256: document.sha256,
          },
        }),
      );
  }
  const next = await handOverAfterPdf(services, payload);
  log.info(
    { documentId: document.id, created, attached, pages: document.pageCount, next },
    'invoice PDF stored',
  );
  return { documentId: document.id, created, attached, next };
}
