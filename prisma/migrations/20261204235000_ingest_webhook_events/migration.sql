-- Webhook deliveries that fail the signature keep a small record instead of their body
-- (issue 13): size, SHA-256 and source address. Retention prunes by received_at.
ALTER TABLE "webhook_events" ALTER COLUMN "body" DROP NOT NULL;
ALTER TABLE "webhook_events" ADD COLUMN "body_bytes" INTEGER;
ALTER TABLE "webhook_events" ADD COLUMN "body_sha256" TEXT;
ALTER TABLE "webhook_events" ADD COLUMN "source_ip" TEXT;

CREATE INDEX "webhook_events_received_at_idx" ON "webhook_events"("received_at");
