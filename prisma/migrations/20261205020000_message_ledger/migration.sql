-- The message ledger (issue 15, shared with collections in issue 16): one row per customer
-- message, exactly once per (tenant, subject, purpose, step, revision). A reminder is a row
-- planned with its due time; a BullMQ delayed job (id = the row's id) sends it.
CREATE TABLE "messages" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" TEXT NOT NULL,
    "subject_kind" TEXT NOT NULL,
    "subject_id" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "revision" INTEGER NOT NULL,
    "category" TEXT NOT NULL,
    "run_id" UUID,
    "customer_id" BIGINT,
    "state" TEXT NOT NULL DEFAULT 'planned',
    "due_at" TIMESTAMPTZ(3),
    "channel" TEXT,
    "recipient" TEXT,
    "contact_id" TEXT,
    "provider_id" TEXT,
    "message_id_header" TEXT,
    "content" JSONB NOT NULL DEFAULT '{}',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "sending_at" TIMESTAMPTZ(3),
    "accepted_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "reason" TEXT,
    "last_error" TEXT,
    "requested_by" TEXT,
    "review_item_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "messages_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "messages_state_check" CHECK ("state" IN
        ('planned', 'sending', 'accepted', 'delivered', 'bounced', 'failed', 'suppressed', 'unknown', 'canceled'))
);

CREATE UNIQUE INDEX "messages_key" ON "messages"
    ("tenant_id", "subject_kind", "subject_id", "purpose", "step", "revision");
CREATE INDEX "messages_tenant_id_state_due_at_idx" ON "messages"("tenant_id", "state", "due_at");
CREATE INDEX "messages_provider_id_idx" ON "messages"("provider_id");
CREATE INDEX "messages_run_id_idx" ON "messages"("run_id");
CREATE INDEX "messages_tenant_id_subject_idx" ON "messages"("tenant_id", "subject_kind", "subject_id");

-- What happened to a message: policy decisions, sends, provider callbacks, bounces, replies.
-- A provider's callback id is recorded once (duplicate webhook deliveries are no-ops).
CREATE TABLE "message_events" (
    "id" BIGSERIAL NOT NULL,
    "message_id" UUID NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "provider_event_id" TEXT,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_events_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "message_events_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE
);
CREATE INDEX "message_events_message_id_at_idx" ON "message_events"("message_id", "at");
CREATE UNIQUE INDEX "message_events_provider_event_key" ON "message_events"("message_id", "provider_event_id");

-- Our own opt-out list: SMS STOP replies, reminder-email unsubscribes, a clerk's entry.
CREATE TABLE "message_opt_outs" (
    "tenant_id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_opt_outs_pkey" PRIMARY KEY ("tenant_id", "channel", "address")
);

-- Pauses on a subject (a dispute, a payment plan, a clerk's hold): reminders and collections
-- are suppressed while one is active (cleared_at null and until in the future or null).
CREATE TABLE "message_pauses" (
    "tenant_id" TEXT NOT NULL,
    "subject_kind" TEXT NOT NULL,
    "subject_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "until" TIMESTAMPTZ(3),
    "note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cleared_at" TIMESTAMPTZ(3),

    CONSTRAINT "message_pauses_pkey" PRIMARY KEY ("tenant_id", "subject_kind", "subject_id", "reason")
);
