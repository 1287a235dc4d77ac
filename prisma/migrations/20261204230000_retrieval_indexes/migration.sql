-- Retrieval served by indexes, nothing recomputed per row (issue 12). searchSkus used to scan the
-- tenant's whole catalogue for every mention: its trigram test had no index on the text it
-- compares (name || ' ' || code) and its full-text test recomputed to_tsvector(search_text).
--  - search_vector: the full-text vector, computed once when a row is written (same value as
--    to_tsvector('simple', search_text), so the ranks are unchanged), with a GIN index. It
--    replaces the expression index over the same vector.
--  - a trigram index on exactly the expression the `<%` test and word_similarity read.
ALTER TABLE "catalog_items"
  ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (to_tsvector('simple', "search_text")) STORED;

CREATE INDEX "catalog_items_search_vector" ON "catalog_items" USING GIN ("search_vector");

CREATE INDEX "catalog_items_name_code_trgm" ON "catalog_items"
  USING GIN (("name" || ' ' || coalesce("code", '')) gin_trgm_ops);

DROP INDEX IF EXISTS "catalog_items_search_fts";

-- What the `<%` test costs. pg_trgm declares its operator functions as cheap as an integer
-- comparison (COST 1), so on a small table (a few hundred past descriptions) the planner
-- prefers running word_similarity on every row (~10 µs each: 3 ms a mention) to the trigram
-- index (0.2 ms). COST 100 is what core Postgres gives to_tsvector, work of the same order.
-- Planning only: results are the same either way. Where the role running migrations may not
-- alter the extension's functions (a managed service), the indexes are still there, just not
-- preferred on small tables.
DO $$
BEGIN
  ALTER FUNCTION word_similarity_op(text, text) COST 100;
  ALTER FUNCTION word_similarity_commutator_op(text, text) COST 100;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'pg_trgm operator costs left as they are: %', SQLERRM;
END
$$;
