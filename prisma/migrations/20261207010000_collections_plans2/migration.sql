-- Collections, second part (issue 16): the tenant's learned risk model, refitted daily by the
-- collections evaluation; the call list ranks with it when `ranks_with` = 'model'.
CREATE TABLE "collection_models" (
    "tenant_id" TEXT NOT NULL,
    "model" JSONB,
    "ranks_with" TEXT NOT NULL,
    "why" TEXT NOT NULL,
    "trained_at" TIMESTAMPTZ(3) NOT NULL,
    "examples" INTEGER NOT NULL,
    "holdout_examples" INTEGER NOT NULL,
    "auc_model" DOUBLE PRECISION,
    "auc_scorecard" DOUBLE PRECISION,
    "auc_baseline" DOUBLE PRECISION,
    "outcomes_used" INTEGER NOT NULL,

    CONSTRAINT "collection_models_pkey" PRIMARY KEY ("tenant_id"),
    CONSTRAINT "collection_models_ranks_with_check" CHECK ("ranks_with" IN ('model', 'scorecard'))
);
