-- Evidence (issue 18): each job photo the evidence stage read, with its EXIF time and place and
-- its perceptual hash (dHash, 64 bits as 16 hex digits), so a photo reused on another job of the
-- same tenant is found by Hamming distance, and a small thumbnail for the review console.
CREATE TABLE "evidence_photos" (
    "tenant_id" TEXT NOT NULL,
    "attachment_id" BIGINT NOT NULL,
    "st_job_id" BIGINT NOT NULL,
    "file_name" TEXT NOT NULL,
    "dhash" CHAR(16),
    "taken_at" TIMESTAMPTZ(3),
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "ocr_text" TEXT,
    -- A 240 px JPEG the console shows (no ServiceTitan call when a reviewer opens the item).
    "thumbnail" BYTEA,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "evidence_photos_pkey" PRIMARY KEY ("tenant_id", "attachment_id")
);

CREATE INDEX "evidence_photos_tenant_job_idx" ON "evidence_photos" ("tenant_id", "st_job_id");
