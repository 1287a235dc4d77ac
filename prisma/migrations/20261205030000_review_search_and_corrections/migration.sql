-- Console workflow (issue 14): queue search, the escalations view, and reviewer corrections.
--
-- review_item_search: one row per review item with the text a billing clerk searches by
-- (customer name, service address, job number, invoice id and number; a payment item's summary),
-- lower-cased, with a trigram index so `LIKE '%term%'` is served by the index. Kept by a trigger
-- on review_items, so every writer (route stage, post mismatch, failures, reconcile, the bench's
-- bulk insert) keeps it current without knowing about it. The address and invoice number come
-- from the run's extract output (saved before any invoice review item opens).
CREATE TABLE "review_item_search" (
    "review_item_id" UUID NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "search_text" TEXT NOT NULL,
    CONSTRAINT "review_item_search_pkey" PRIMARY KEY ("review_item_id"),
    CONSTRAINT "review_item_search_item_fkey" FOREIGN KEY ("review_item_id")
      REFERENCES "review_items"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE INDEX "review_item_search_trgm" ON "review_item_search" USING GIN ("search_text" gin_trgm_ops);
CREATE INDEX "review_item_search_tenant" ON "review_item_search" ("tenant_id");

CREATE FUNCTION review_item_search_text(item "review_items") RETURNS TEXT
LANGUAGE plpgsql STABLE AS $$
DECLARE
  ctx JSONB;
  invoice_id BIGINT;
BEGIN
  IF item.run_id IS NOT NULL THEN
    SELECT st_invoice_id INTO invoice_id FROM pipeline_runs WHERE id = item.run_id;
    SELECT output -> 'value' -> 'context' INTO ctx
      FROM stage_outputs WHERE run_id = item.run_id AND stage = 'extract';
  END IF;
  RETURN lower(concat_ws(' ',
    item.customer_name,
    ctx -> 'customer' ->> 'name',
    ctx -> 'location' ->> 'address',
    ctx -> 'location' ->> 'name',
    'job ' || item.st_job_id::text,
    ctx -> 'job' ->> 'number',
    'invoice ' || coalesce(invoice_id::text, ctx -> 'invoice' ->> 'id'),
    ctx -> 'invoice' ->> 'referenceNumber',
    CASE WHEN item.kind = 'payment' THEN item.summary END));
END
$$;

CREATE FUNCTION review_item_search_refresh() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO review_item_search (review_item_id, tenant_id, search_text)
  VALUES (NEW.id, NEW.tenant_id, review_item_search_text(NEW))
  ON CONFLICT (review_item_id)
    DO UPDATE SET tenant_id = EXCLUDED.tenant_id, search_text = EXCLUDED.search_text;
  RETURN NULL;
END
$$;

CREATE TRIGGER review_item_search_refresh
  AFTER INSERT OR UPDATE OF customer_name, st_job_id, run_id, summary, tenant_id ON "review_items"
  FOR EACH ROW EXECUTE FUNCTION review_item_search_refresh();

INSERT INTO review_item_search (review_item_id, tenant_id, search_text)
  SELECT r.id, r.tenant_id, review_item_search_text(r) FROM review_items r;

-- The escalations view reads each escalated item's latest escalation event (note, who, when).
CREATE INDEX "audit_events_escalations" ON "audit_events" ("review_item_id", "id")
  WHERE "action" = 'review.escalated';

-- A person's approvals still inside their undo window (the banner every staff page loads).
CREATE INDEX "review_items_recent_approvals" ON "review_items" ("resolved_by", "resolved_at")
  WHERE "status" = 'approved';

-- review_corrections: what a reviewer changed on a draft before approving, one row per changed
-- line, keyed by the ServiceTitan job, so the history learner can read reviewers' judgements
-- (a suggestion removed, a quantity changed, a line added or given another SKU) next to the
-- invoice lines it already learns from.
CREATE TABLE "review_corrections" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "st_job_id" BIGINT NOT NULL,
    "run_id" UUID NOT NULL,
    "from_revision" INTEGER NOT NULL,
    "to_revision" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "line_key" TEXT NOT NULL,
    "origin" TEXT,
    "sku_id" BIGINT,
    "previous_sku_id" BIGINT,
    "quantity" DECIMAL(14,4),
    "previous_quantity" DECIMAL(14,4),
    "unit_price" DECIMAL(14,4),
    "previous_unit_price" DECIMAL(14,4),
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "review_corrections_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "review_corrections_tenant_job" ON "review_corrections" ("tenant_id", "st_job_id");
CREATE INDEX "review_corrections_tenant_sku" ON "review_corrections" ("tenant_id", "sku_id", "created_at");
