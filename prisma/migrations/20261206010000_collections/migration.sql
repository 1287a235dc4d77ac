-- Collections (issue 16). Receivables are computed from the ServiceTitan mirror (st_records);
-- these tables keep what we decide and what people record on top of it.

-- A collector's outcome for an invoice (call result), recorded in the console; the risk score
-- reads them (disputes, promises kept or broken, wrong numbers).
CREATE TABLE "collection_outcomes" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "invoice_id" BIGINT NOT NULL,
    "customer_id" BIGINT NOT NULL,
    "outcome" TEXT NOT NULL,
    "promised_for" DATE,
    "note" TEXT,
    "recorded_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "collection_outcomes_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "collection_outcomes_outcome_check" CHECK ("outcome" IN
        ('promise_to_pay', 'dispute', 'wrong_number', 'no_answer', 'paid_claimed'))
);
CREATE INDEX "collection_outcomes_tenant_customer_idx" ON "collection_outcomes"("tenant_id", "customer_id", "created_at");
CREATE INDEX "collection_outcomes_tenant_invoice_idx" ON "collection_outcomes"("tenant_id", "invoice_id");

-- A payment plan for one invoice: the plan lives here (ServiceTitan has no schedule object) and
-- is represented in ServiceTitan by a custom field, a tag, a pinned note and a task.
CREATE TABLE "payment_plans" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" TEXT NOT NULL,
    "invoice_id" BIGINT NOT NULL,
    "customer_id" BIGINT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'proposed',
    "balance_cents" BIGINT NOT NULL,
    -- proposed: the options offered ([{count, installments:[{number, dueDate, cents}]}]) and
    -- the reasons; accepted: the chosen installments.
    "options" JSONB NOT NULL,
    "reasons" JSONB NOT NULL DEFAULT '[]',
    "draft" TEXT,
    "installments" JSONB,
    "accepted_by" TEXT,
    "accepted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_plans_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "payment_plans_state_check" CHECK ("state" IN
        ('proposed', 'accepted', 'current', 'late', 'broken', 'completed', 'cancelled'))
);
-- One live plan (proposed or running) per invoice: suggesting or accepting again finds it.
CREATE UNIQUE INDEX "payment_plans_live_key" ON "payment_plans"("tenant_id", "invoice_id")
    WHERE "state" NOT IN ('broken', 'completed', 'cancelled');
