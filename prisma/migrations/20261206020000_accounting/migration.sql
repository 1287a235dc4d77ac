-- Accounting sync (issue 17): a tenant's connection to its books (QuickBooks Online or Xero),
-- the mappings a person reviews once, what we synced (the id map), and what differs.
-- Writes to the books are ledgered in st_writes (keys "books:..."), like every external write.

-- One books connection per tenant. Tokens (and the app's client id/secret) are sealed with
-- CREDENTIALS_KEY like the ServiceTitan credentials; the endpoints are not secret.
CREATE TABLE "accounting_connections" (
    "tenant_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "mode" TEXT NOT NULL DEFAULT 'observe',
    "external_tenant_id" TEXT NOT NULL,
    "external_name" TEXT,
    "endpoints" JSONB NOT NULL DEFAULT '{}',
    "tokens_sealed" TEXT NOT NULL,
    "access_expires_at" TIMESTAMPTZ(3) NOT NULL,
    "refreshed_at" TIMESTAMPTZ(3) NOT NULL,
    "rules" JSONB NOT NULL DEFAULT '{}',
    "last_error" TEXT,
    "connected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "accounting_connections_pkey" PRIMARY KEY ("tenant_id"),
    CONSTRAINT "accounting_connections_provider" CHECK ("provider" IN ('xero', 'qbo')),
    CONSTRAINT "accounting_connections_mode" CHECK ("mode" IN ('off', 'observe', 'invoices', 'journal'))
);

-- ServiceTitan thing (customer, item type, tax zone, payment type) -> books thing, suggested by
-- name and confirmed by a person once. Nothing is written to the books with an unconfirmed one.
CREATE TABLE "accounting_mappings" (
    "tenant_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "st_key" TEXT NOT NULL,
    "st_name" TEXT NOT NULL,
    "external_id" TEXT,
    "external_name" TEXT,
    "status" TEXT NOT NULL DEFAULT 'unmapped',
    "score" DOUBLE PRECISION,
    "reviewed_by" TEXT,
    "reviewed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "accounting_mappings_pkey" PRIMARY KEY ("tenant_id", "provider", "kind", "st_key"),
    CONSTRAINT "accounting_mappings_status" CHECK ("status" IN ('unmapped', 'suggested', 'confirmed'))
);
CREATE INDEX "accounting_mappings_review" ON "accounting_mappings" ("tenant_id", "status");

-- The id map and sync state: one row per ServiceTitan invoice or payment application we sync.
CREATE TABLE "accounting_documents" (
    "tenant_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "st_id" TEXT NOT NULL,
    "number" TEXT,
    "external_id" TEXT,
    "st_version" TEXT,
    "amount" DECIMAL(14, 2),
    "status" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "synced_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "accounting_documents_pkey" PRIMARY KEY ("tenant_id", "provider", "kind", "st_id")
);
CREATE INDEX "accounting_documents_status" ON "accounting_documents" ("tenant_id", "status");

-- Differences between ServiceTitan and the books (observe mode, read-back checks). One row per
-- difference (key); a difference seen again updates its row, one that disappears is resolved.
CREATE TABLE "accounting_findings" (
    "tenant_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "st_id" TEXT,
    "external_id" TEXT,
    "number" TEXT,
    "st_amount" DECIMAL(14, 2),
    "books_amount" DECIMAL(14, 2),
    "detail" TEXT NOT NULL,
    "day" DATE,
    "found_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "resolved_at" TIMESTAMPTZ(3),
    CONSTRAINT "accounting_findings_pkey" PRIMARY KEY ("tenant_id", "key")
);
CREATE INDEX "accounting_findings_open" ON "accounting_findings" ("tenant_id", "resolved_at");
