-- Similar-description retrieval over distinct descriptions instead of every past line: a
-- trigram scan over all of a large shop's lines took seconds per mention.
CREATE TABLE "history_descriptions" (
    "tenant_id" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "description" TEXT NOT NULL,

    CONSTRAINT "history_descriptions_pkey" PRIMARY KEY ("tenant_id","digest")
);

CREATE INDEX "history_descriptions_trgm" ON "history_descriptions" USING GIN ("description" gin_trgm_ops);

INSERT INTO history_descriptions (tenant_id, digest, description)
SELECT DISTINCT tenant_id, md5(description), description FROM history_lines WHERE description <> ''
ON CONFLICT DO NOTHING;

DROP INDEX IF EXISTS "history_lines_description_trgm";
CREATE INDEX history_lines_description_md5 ON history_lines (tenant_id, md5(description));
