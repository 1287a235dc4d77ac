-- Customer invoice assistant (issue 19): conversations behind a signed invoice link, their turns
-- (question, reply, tool calls and the guard's decision), and the policy documents a tenant
-- uploads (warranty, payment terms, trip charges), chunked by heading for full-text search.

-- One conversation per signed link (tenant + customer + invoice + link issue time).
CREATE TABLE "assistant_conversations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" TEXT NOT NULL,
    "customer_id" BIGINT NOT NULL,
    "invoice_id" BIGINT NOT NULL,
    "link_digest" TEXT NOT NULL,
    "review_item_id" UUID,
    "handoff_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "assistant_conversations_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "assistant_conversations_link" ON "assistant_conversations" ("link_digest");
CREATE INDEX "assistant_conversations_customer" ON "assistant_conversations" ("tenant_id", "customer_id");

CREATE TABLE "assistant_turns" (
    "id" BIGSERIAL NOT NULL,
    "conversation_id" UUID NOT NULL,
    "question" TEXT NOT NULL,
    "reply" TEXT NOT NULL,
    "intent" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "tool_calls" JSONB NOT NULL DEFAULT '[]',
    "guard" JSONB NOT NULL DEFAULT '{}',
    "action" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "assistant_turns_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "assistant_turns_conversation_fkey" FOREIGN KEY ("conversation_id")
      REFERENCES "assistant_conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "assistant_turns_conversation" ON "assistant_turns" ("conversation_id", "id");

CREATE TABLE "policy_documents" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "approved" BOOLEAN NOT NULL DEFAULT false,
    "uploaded_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "policy_documents_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "policy_documents_tenant" ON "policy_documents" ("tenant_id", "created_at");

-- A chunk is a heading and the text under it; only chunks of approved documents are searched.
CREATE TABLE "policy_chunks" (
    "id" BIGSERIAL NOT NULL,
    "document_id" UUID NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "heading" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "search" TSVECTOR GENERATED ALWAYS AS (
      setweight(to_tsvector('english', "heading"), 'A') || setweight(to_tsvector('english', "body"), 'B')
    ) STORED,
    CONSTRAINT "policy_chunks_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "policy_chunks_document_fkey" FOREIGN KEY ("document_id")
      REFERENCES "policy_documents"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "policy_chunks_search" ON "policy_chunks" USING GIN ("search");
CREATE INDEX "policy_chunks_trgm" ON "policy_chunks" USING GIN ("body" gin_trgm_ops);
CREATE INDEX "policy_chunks_tenant" ON "policy_chunks" ("tenant_id", "document_id", "position");
