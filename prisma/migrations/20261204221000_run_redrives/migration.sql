-- How many times the sweeper re-drove a run that made no progress; past the limit it fails with
-- a stage_failed review item instead of being re-driven again.
ALTER TABLE "pipeline_runs" ADD COLUMN "redrives" INTEGER NOT NULL DEFAULT 0;
CREATE INDEX "pipeline_runs_active_updated" ON "pipeline_runs" ("updated_at")
  WHERE status IN ('queued', 'running', 'approved', 'posting');
