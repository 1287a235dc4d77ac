-- The head of each tenant's audit chain (issue 12): an append moves the head and inserts the
-- event in one statement. The head row's lock (held to commit) keeps the chain linear, as the
-- per-tenant advisory lock did, with one round trip instead of three.
CREATE TABLE "audit_heads" (
    "tenant_id" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "prev_hash" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_heads_pkey" PRIMARY KEY ("tenant_id")
);

-- Chains that exist already continue from their last event.
INSERT INTO "audit_heads" ("tenant_id", "hash", "prev_hash")
SELECT DISTINCT ON ("tenant_id") "tenant_id", "hash", "prev_hash"
FROM "audit_events"
ORDER BY "tenant_id", "id" DESC;
