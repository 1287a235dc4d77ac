-- CreateTable
CREATE TABLE "st_records" (
    "tenant_id" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "st_id" BIGINT NOT NULL,
    "parent_id" BIGINT,
    "data" JSONB NOT NULL,
    "modified_on" TIMESTAMPTZ(3),
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "st_records_pkey" PRIMARY KEY ("tenant_id","resource","st_id")
);

-- CreateIndex
CREATE INDEX "st_records_tenant_id_resource_parent_id_idx" ON "st_records"("tenant_id", "resource", "parent_id");

-- CreateIndex
CREATE INDEX "st_records_tenant_id_resource_synced_at_idx" ON "st_records"("tenant_id", "resource", "synced_at");
