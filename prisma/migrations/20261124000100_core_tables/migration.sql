-- CreateTable
CREATE TABLE "tenants" (
    "id" TEXT NOT NULL,
    "st_tenant_id" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "api_base_url" TEXT NOT NULL,
    "auth_url" TEXT NOT NULL,
    "credentials_sealed" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tenant_settings" (
    "tenant_id" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_by" TEXT NOT NULL DEFAULT 'system',

    CONSTRAINT "tenant_settings_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "pipeline_runs" (
    "id" UUID NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "st_job_id" BIGINT NOT NULL,
    "st_invoice_id" BIGINT,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "mode" TEXT,
    "draft_revision" INTEGER NOT NULL DEFAULT 0,
    "job_completed_on" TIMESTAMPTZ(3),
    "flags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "error" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "pipeline_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stage_outputs" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "stage" TEXT NOT NULL,
    "output" JSONB NOT NULL,
    "input_digest" TEXT,
    "duration_ms" INTEGER NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "stage_outputs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "drafts" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "lines" JSONB NOT NULL,
    "sub_total" DECIMAL(14,2) NOT NULL,
    "sales_tax" DECIMAL(14,2) NOT NULL,
    "total" DECIMAL(14,2) NOT NULL,
    "document" JSONB NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "drafts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "review_items" (
    "id" UUID NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subject_key" TEXT NOT NULL,
    "run_id" UUID,
    "status" TEXT NOT NULL,
    "reasons" TEXT[],
    "amount" DECIMAL(14,2) NOT NULL,
    "st_job_id" BIGINT,
    "business_unit_id" BIGINT,
    "job_type_id" BIGINT,
    "customer_name" TEXT,
    "summary" TEXT NOT NULL DEFAULT '',
    "details" JSONB NOT NULL DEFAULT '{}',
    "claimed_by" TEXT,
    "claim_expires_at" TIMESTAMPTZ(3),
    "needs_manager" BOOLEAN NOT NULL DEFAULT false,
    "sla_due_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by" TEXT,
    "resolution" JSONB,

    CONSTRAINT "review_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_type" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "st_job_id" BIGINT,
    "run_id" UUID,
    "review_item_id" UUID,
    "data" JSONB NOT NULL,
    "prev_hash" TEXT,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ingest_cursors" (
    "tenant_id" TEXT NOT NULL,
    "feed" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ingest_cursors_pkey" PRIMARY KEY ("tenant_id","feed")
);

-- CreateTable
CREATE TABLE "webhook_events" (
    "id" UUID NOT NULL,
    "tenant_id" TEXT,
    "event_key" TEXT,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "st_job_id" BIGINT,
    "headers" JSONB NOT NULL,
    "body" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rejected_events" (
    "id" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rejected_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "st_writes" (
    "key" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "run_id" UUID,
    "operation" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "request" JSONB NOT NULL,
    "response" JSONB,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "st_writes_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "tenants_st_tenant_id_key" ON "tenants"("st_tenant_id");

-- CreateIndex
CREATE INDEX "pipeline_runs_status_updated_at_idx" ON "pipeline_runs"("status", "updated_at");

-- CreateIndex
CREATE UNIQUE INDEX "pipeline_runs_tenant_id_st_job_id_key" ON "pipeline_runs"("tenant_id", "st_job_id");

-- CreateIndex
CREATE UNIQUE INDEX "stage_outputs_run_id_stage_key" ON "stage_outputs"("run_id", "stage");

-- CreateIndex
CREATE UNIQUE INDEX "drafts_run_id_revision_key" ON "drafts"("run_id", "revision");

-- CreateIndex
CREATE UNIQUE INDEX "review_items_subject_key_key" ON "review_items"("subject_key");

-- CreateIndex
CREATE INDEX "review_items_tenant_id_status_created_at_id_idx" ON "review_items"("tenant_id", "status", "created_at", "id");

-- CreateIndex
CREATE INDEX "review_items_tenant_id_status_amount_id_idx" ON "review_items"("tenant_id", "status", "amount", "id");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_hash_key" ON "audit_events"("hash");

-- CreateIndex
CREATE INDEX "audit_events_tenant_id_id_idx" ON "audit_events"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "audit_events_run_id_idx" ON "audit_events"("run_id");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_events_event_key_key" ON "webhook_events"("event_key");

-- CreateIndex
CREATE INDEX "webhook_events_status_received_at_idx" ON "webhook_events"("status", "received_at");

-- CreateIndex
CREATE INDEX "rejected_events_source_created_at_idx" ON "rejected_events"("source", "created_at");

-- CreateIndex
CREATE INDEX "st_writes_run_id_idx" ON "st_writes"("run_id");

-- AddForeignKey
ALTER TABLE "tenant_settings" ADD CONSTRAINT "tenant_settings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stage_outputs" ADD CONSTRAINT "stage_outputs_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "pipeline_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "pipeline_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "pipeline_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The audit log is append-only: UPDATE, DELETE and TRUNCATE are refused by the database itself.
CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_events_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
