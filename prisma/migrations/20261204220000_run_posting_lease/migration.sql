-- Posting is claimed per run: one holder at a time (its BullMQ job), for a bounded lease, so two
-- posting jobs for one run (a retry racing a duplicate added by hand) can never both write.
ALTER TABLE "pipeline_runs" ADD COLUMN "lease_owner" TEXT;
ALTER TABLE "pipeline_runs" ADD COLUMN "lease_until" TIMESTAMPTZ(3);
