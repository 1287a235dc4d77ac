// The per-tenant model as the product uses it: fitted on the shop's own history up to `now`
// (weekly snapshots whose label, paid within 30 days after due, is known by now), with the
// collectors' recorded outcomes as features (disputes, broken and open promises, wrong numbers;
// each counted only from when it was recorded). It ranks the call list only when it has enough
// history and, fitted on the earlier weeks, does at least as well as the scorecard on the later
// quarter (AUC); otherwise the scorecard ranks and `why` says which condition failed.
import { auc } from './auc.ts';
import { LABEL_HORIZON_MS, weeklyExamples } from './backtest.ts';
import { indexCustomers, type OutcomeRecord } from './features.ts';
import type { ArInvoice } from './ledger.ts';
import { MIN_TRAINING_EXAMPLES, type RiskModel, scoreWithModel, trainRiskModel } from './model.ts';
import { scorecard } from './scorecard.ts';

export interface TenantModelFit {
  model: RiskModel | null;
  ranksWith: 'model' | 'scorecard';
  why: string;
  examples: number;
  holdoutExamples: number;
  aucModel: number | null;
  aucScorecard: number | null;
  aucBaseline: number | null;
  outcomesUsed: number;
}

const round3 = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

export function fitTenantModel(
  invoices: readonly ArInvoice[],
  outcomes: readonly OutcomeRecord[],
  now: Date,
  options: { holdoutFraction?: number } = {},
): TenantModelFit {
  const { holdoutFraction = 0.25 } = options;
  const index = indexCustomers(invoices);
  const first = invoices.reduce((m, i) => Math.min(m, i.invoiceDate.getTime()), Number.POSITIVE_INFINITY);
  const lastSnapshot = now.getTime() - LABEL_HORIZON_MS;
  const outcomesUsed = outcomes.filter((o) => o.at.getTime() <= now.getTime()).length;
  const empty = (why: string): TenantModelFit => ({
    model: null,
    ranksWith: 'scorecard',
    why,
    examples: 0,
    holdoutExamples: 0,
    aucModel: null,
    aucScorecard: null,
    aucBaseline: null,
    outcomesUsed,
  });
  if (!invoices.length || !(lastSnapshot > first)) return empty('no paid history old enough to learn from');
  const start = first + 7 * 86_400_000;
  const all = weeklyExamples(invoices, start, lastSnapshot, now, index, outcomes);
  const model = trainRiskModel(all);
  if (!model)
    return {
      ...empty(
        `${all.length} examples with a known outcome; the model needs ${MIN_TRAINING_EXAMPLES}, paid and late both among them`,
      ),
      examples: all.length,
    };
  // Held-out check: fit on the earlier weeks (labels known at the split), score the later ones.
  const split = start + (lastSnapshot - start) * (1 - holdoutFraction);
  const early = weeklyExamples(invoices, start, split, new Date(split), index, outcomes);
  const holdout = weeklyExamples(invoices, split, lastSnapshot, now, index, outcomes);
  const earlyModel = trainRiskModel(early);
  const labels = holdout.map((e) => e.late);
  const aucModel = earlyModel
    ? auc(
        holdout.map((e) => scoreWithModel(earlyModel, e.features).risk),
        labels,
      )
    : null;
  const aucScorecard = auc(
    holdout.map((e) => scorecard(e.features).points),
    labels,
  );
  const aucBaseline = auc(
    holdout.map((e) => e.features.daysPastDue),
    labels,
  );
  const fit = {
    model,
    examples: all.length,
    holdoutExamples: holdout.length,
    aucModel: round3(aucModel),
    aucScorecard: round3(aucScorecard),
    aucBaseline: round3(aucBaseline),
    outcomesUsed,
  };
  if (aucModel === null || aucScorecard === null)
    return {
      ...fit,
      ranksWith: 'scorecard',
      why: 'too little held-out history to compare the model with the scorecard',
    };
  if (aucModel < aucScorecard)
    return {
      ...fit,
      ranksWith: 'scorecard',
      why: `on the held-out later weeks the model's AUC ${fit.aucModel} is below the scorecard's ${fit.aucScorecard}`,
    };
  return {
    ...fit,
    ranksWith: 'model',
    why: `learned from ${all.length} of the shop's own examples; held-out AUC ${fit.aucModel} vs the scorecard's ${fit.aucScorecard}`,
  };
}
