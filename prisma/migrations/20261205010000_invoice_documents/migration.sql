-- Invoice PDFs (issue 15): one per (tenant, ServiceTitan invoice, posted revision), rendered from
-- the invoice as read back from ServiceTitan, kept with its SHA-256 so the email attachment and
-- the ServiceTitan job attachment are provably the same bytes.
CREATE TABLE "invoice_documents" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" TEXT NOT NULL,
    "run_id" UUID,
    "invoice_id" BIGINT NOT NULL,
    "job_id" BIGINT NOT NULL,
    "revision" INTEGER NOT NULL,
    "file_name" TEXT NOT NULL,
    "content_type" TEXT NOT NULL DEFAULT 'application/pdf',
    "sha256" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "page_count" INTEGER NOT NULL,
    "render_ms" INTEGER NOT NULL,
    "attached_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invoice_documents_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "invoice_documents_tenant_id_invoice_id_revision_key"
    ON "invoice_documents"("tenant_id", "invoice_id", "revision");
CREATE INDEX "invoice_documents_run_id_idx" ON "invoice_documents"("run_id");
