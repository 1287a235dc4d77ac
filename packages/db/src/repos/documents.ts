// Invoice PDFs (issue 15): one per (tenant, ServiceTitan invoice, posted revision). The first
// save wins and later saves return the stored row unchanged, so a retried render never replaces
// the bytes that were attached or sent (their SHA-256 is the proof they are the same document).
import type { Db, Tx } from '../client.ts';
import type { InvoiceDocument } from '../generated/prisma/client.ts';

export interface InvoiceDocumentInput {
  tenantId: string;
  runId: string | null;
  invoiceId: number;
  jobId: number;
  revision: number;
  fileName: string;
  contentType?: string;
  sha256: string;
  bytes: Buffer;
  pageCount: number;
  renderMs: number;
}

/**
 * Save a document once. `created` tells the caller whether this call stored it; when it did
 * not, `document` is the one stored earlier (maybe different bytes: the stored one stands).
 */
export async function saveInvoiceDocument(
  db: Db | Tx,
  input: InvoiceDocumentInput,
): Promise<{ document: InvoiceDocument; created: boolean }> {
  const inserted = await db.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO invoice_documents
       (tenant_id, run_id, invoice_id, job_id, revision, file_name, content_type, sha256, bytes, page_count, render_ms)
     VALUES ($1, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (tenant_id, invoice_id, revision) DO NOTHING RETURNING id`,
    input.tenantId,
    input.runId,
    BigInt(input.invoiceId),
    BigInt(input.jobId),
    input.revision,
    input.fileName,
    input.contentType ?? 'application/pdf',
    input.sha256,
    input.bytes,
    input.pageCount,
    input.renderMs,
  );
  const document = await db.invoiceDocument.findUniqueOrThrow({
    where: {
      tenantId_invoiceId_revision: {
        tenantId: input.tenantId,
        invoiceId: BigInt(input.invoiceId),
        revision: input.revision,
      },
    },
  });
  return { document, created: inserted.length > 0 };
}

export async function findInvoiceDocument(
  db: Db | Tx,
  tenantId: string,
  invoiceId: number,
  revision: number,
): Promise<InvoiceDocument | null> {
  return db.invoiceDocument.findUnique({
    where: { tenantId_invoiceId_revision: { tenantId, invoiceId: BigInt(invoiceId), revision } },
  });
}

/** The newest revision's document for an invoice. */
export async function latestInvoiceDocument(
  db: Db | Tx,
  tenantId: string,
  invoiceId: number,
): Promise<InvoiceDocument | null> {
  return db.invoiceDocument.findFirst({
    where: { tenantId, invoiceId: BigInt(invoiceId) },
    orderBy: { revision: 'desc' },
  });
}

/** A run's documents, newest revision first. */
export async function invoiceDocumentsOfRun(db: Db | Tx, runId: string): Promise<InvoiceDocument[]> {
  return db.invoiceDocument.findMany({ where: { runId }, orderBy: { revision: 'desc' } });
}

/** A run's document metadata without the bytes (for pages that only link to it). */
export async function invoiceDocumentSummaries(
  db: Db | Tx,
  runId: string,
): Promise<Omit<InvoiceDocument, 'bytes'>[]> {
  return db.invoiceDocument.findMany({
    where: { runId },
    orderBy: { revision: 'desc' },
    omit: { bytes: true },
  });
}

/** Record that the ServiceTitan job attachment was confirmed by reading the list back. */
export async function markInvoiceDocumentAttached(
  db: Db | Tx,
  id: string,
  at: Date = new Date(),
): Promise<void> {
  await db.invoiceDocument.updateMany({ where: { id, attachedAt: null }, data: { attachedAt: at } });
}
