-- CreateTable
CREATE TABLE "catalog_items" (
    "tenant_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "st_id" BIGINT NOT NULL,
    "code" TEXT,
    "name" TEXT NOT NULL,
    "search_text" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "data" JSONB NOT NULL,
    "modified_on" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "catalog_items_pkey" PRIMARY KEY ("tenant_id","kind","st_id")
);

-- CreateTable
CREATE TABLE "history_jobs" (
    "tenant_id" TEXT NOT NULL,
    "st_job_id" BIGINT NOT NULL,
    "job_type_id" BIGINT,
    "business_unit_id" BIGINT,
    "location_id" BIGINT,
    "customer_id" BIGINT,
    "completed_on" TIMESTAMPTZ(3) NOT NULL,
    "note_text" TEXT NOT NULL DEFAULT '',
    "features" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "labor_hours" DECIMAL(10,2),

    CONSTRAINT "history_jobs_pkey" PRIMARY KEY ("tenant_id","st_job_id")
);

-- CreateTable
CREATE TABLE "history_lines" (
    "tenant_id" TEXT NOT NULL,
    "st_item_id" BIGINT NOT NULL,
    "st_job_id" BIGINT NOT NULL,
    "st_invoice_id" BIGINT NOT NULL,
    "sku_id" BIGINT,
    "item_type" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "quantity" DECIMAL(14,4) NOT NULL,
    "unit_price" DECIMAL(14,4) NOT NULL,
    "created_on" TIMESTAMPTZ(3) NOT NULL,
    "office_added" BOOLEAN NOT NULL,

    CONSTRAINT "history_lines_pkey" PRIMARY KEY ("tenant_id","st_item_id")
);

-- CreateIndex
CREATE INDEX "history_jobs_tenant_id_completed_on_idx" ON "history_jobs"("tenant_id", "completed_on");

-- CreateIndex
CREATE INDEX "history_jobs_tenant_id_location_id_completed_on_idx" ON "history_jobs"("tenant_id", "location_id", "completed_on");

-- CreateIndex
CREATE INDEX "history_lines_tenant_id_sku_id_created_on_idx" ON "history_lines"("tenant_id", "sku_id", "created_on");

-- CreateIndex
CREATE INDEX "history_lines_tenant_id_st_job_id_idx" ON "history_lines"("tenant_id", "st_job_id");

-- Retrieval indexes: trigram similarity (typos, abbreviations) and full-text (word matches)
-- over price-book text and past invoice line descriptions.
CREATE INDEX catalog_items_search_trgm ON catalog_items USING gin (search_text gin_trgm_ops);
CREATE INDEX catalog_items_search_fts ON catalog_items USING gin (to_tsvector('simple', search_text));
CREATE INDEX history_lines_description_trgm ON history_lines USING gin (description gin_trgm_ops);
