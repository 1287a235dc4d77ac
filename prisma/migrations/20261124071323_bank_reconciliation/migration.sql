-- CreateTable
CREATE TABLE "bank_statements" (
    "id" UUID NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "file_name" TEXT,
    "account_id" TEXT,
    "currency" TEXT NOT NULL,
    "statement_ref" TEXT,
    "period_start" TEXT,
    "period_end" TEXT,
    "opening_balance" DECIMAL(18,4),
    "closing_balance" DECIMAL(18,4),
    "issues" JSONB NOT NULL DEFAULT '[]',
    "transaction_count" INTEGER NOT NULL,
    "imported_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bank_statements_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bank_transactions" (
    "id" UUID NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "statement_id" UUID NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "account_id" TEXT,
    "booking_date" TEXT NOT NULL,
    "value_date" TEXT,
    "amount" DECIMAL(18,4) NOT NULL,
    "currency" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "reference" TEXT,
    "counterparty_name" TEXT,
    "remittance" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "check_number" TEXT,
    "type_code" TEXT,
    "fee" DECIMAL(18,4),
    "line" INTEGER,
    "raw" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bank_transactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reconciliations" (
    "id" UUID NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "subject_kind" TEXT NOT NULL,
    "subject_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "reasons" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "amount" DECIMAL(18,4) NOT NULL,
    "confidence" DECIMAL(5,4),
    "rule" TEXT,
    "allocations" JSONB NOT NULL DEFAULT '[]',
    "write_off_total" DECIMAL(18,4),
    "credit" DECIMAL(18,4),
    "fee" DECIMAL(18,4),
    "st_payment_ids" BIGINT[] DEFAULT ARRAY[]::BIGINT[],
    "created_payment_id" BIGINT,
    "evidence" JSONB NOT NULL DEFAULT '[]',
    "decision" JSONB NOT NULL DEFAULT '{}',
    "review_item_id" UUID,
    "version" TEXT NOT NULL,
    "decided_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "reconciliations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "bank_statements_tenant_id_created_at_idx" ON "bank_statements"("tenant_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "bank_statements_tenant_id_digest_key" ON "bank_statements"("tenant_id", "digest");

-- CreateIndex
CREATE INDEX "bank_transactions_tenant_id_booking_date_idx" ON "bank_transactions"("tenant_id", "booking_date");

-- CreateIndex
CREATE INDEX "bank_transactions_statement_id_idx" ON "bank_transactions"("statement_id");

-- CreateIndex
CREATE UNIQUE INDEX "bank_transactions_tenant_id_fingerprint_key" ON "bank_transactions"("tenant_id", "fingerprint");

-- CreateIndex
CREATE INDEX "reconciliations_tenant_id_status_idx" ON "reconciliations"("tenant_id", "status");

-- CreateIndex
CREATE INDEX "reconciliations_st_payment_ids_idx" ON "reconciliations" USING GIN ("st_payment_ids");

-- CreateIndex
CREATE UNIQUE INDEX "reconciliations_tenant_id_subject_kind_subject_id_key" ON "reconciliations"("tenant_id", "subject_kind", "subject_id");

-- AddForeignKey
ALTER TABLE "bank_transactions" ADD CONSTRAINT "bank_transactions_statement_id_fkey" FOREIGN KEY ("statement_id") REFERENCES "bank_statements"("id") ON DELETE CASCADE ON UPDATE CASCADE;
