// Time-split backtest of the risk score. Weekly snapshots; at each, every open invoice whose
// outcome is still undecided (less than 30 days past due) is scored with what was known then.
// Label: not paid in full within 30 days after its due date. Training uses snapshots before the
// split whose labels were already known at the split; testing uses later snapshots whose labels
// are known by the end of the data. Baseline: days past due alone. The same split then replays
// the collectors' calls (call-simulation.ts) to measure the DSO a ranked call list saves.
import { auc } from './auc.ts';
import { type CallSimulation, simulateCalls } from './call-simulation.ts';
import { type CustomerIndex, indexCustomers, type OutcomeRecord, riskFeatures } from './features.ts';
import { type ArInvoice, balanceAt, DAY_MS } from './ledger.ts';
import { type RiskModel, scoreWithModel, trainRiskModel } from './model.ts';
import { scorecard } from './scorecard.ts';

export interface BacktestResult {
  dataEnd: Date;
  split: Date;
  trainExamples: number;
  testExamples: number;
  testInvoices: number;
  testLateShare: number;
  aucBaseline: number | null;
  aucScorecard: number | null;
  aucModel: number | null;
  model: RiskModel | null;
  /** The call-list replay over the test window (null when asked not to run it). */
  calls: CallSimulation | null;
}

export interface Example {
  features: ReturnType<typeof riskFeatures>;
  late: boolean;
  invoiceId: number;
}

export const LABEL_HORIZON_MS = 30 * DAY_MS;

/** Snapshot examples at `at` whose label (paid within 30 days after due) is known by `knownBy`. */
export function examplesAt(
  invoices: readonly ArInvoice[],
  at: Date,
  knownBy: Date,
  index: CustomerIndex,
  outcomes: readonly OutcomeRecord[] = [],
): Example[] {
  const out: Example[] = [];
  for (const inv of invoices) {
    if (!inv.dueDate || inv.invoiceDate.getTime() > at.getTime()) continue;
    const deadline = inv.dueDate.getTime() + LABEL_HORIZON_MS;
    if (deadline <= at.getTime() || deadline > knownBy.getTime()) continue;
    if (balanceAt(inv, at) <= 0) continue;
    const paid = index.paidAt.get(inv.id) ?? null;
    out.push({
      features: riskFeatures(inv, at, index, outcomes),
      late: !(paid && paid.getTime() <= deadline),
      invoiceId: inv.id,
    });
  }
  return out;
}

/** Weekly snapshots from `from` to `to` (inclusive), labels known by `knownBy`. */
export function weeklyExamples(
  invoices: readonly ArInvoice[],
  from: number,
  to: number,
  knownBy: Date,
  index: CustomerIndex,
  outcomes: readonly OutcomeRecord[] = [],
): Example[] {
  const out: Example[] = [];
  for (let t = from; t <= to; t += 7 * DAY_MS)
    out.push(...examplesAt(invoices, new Date(t), knownBy, index, outcomes));
  return out;
}

export function backtest(
  invoices: readonly ArInvoice[],
  options: { testFraction?: number; callsPerDay?: number; simulateCalls?: boolean } = {},
): BacktestResult {
  const { testFraction = 0.35 } = options;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const inv of invoices) {
    first = Math.min(first, inv.invoiceDate.getTime());
    for (const a of inv.applications) last = Math.max(last, a.at.getTime());
    last = Math.max(last, inv.invoiceDate.getTime());
  }
  const dataEnd = new Date(last);
  const index = indexCustomers(invoices);
  const lastSnapshot = last - LABEL_HORIZON_MS;
  const split = new Date(first + (lastSnapshot - first) * (1 - testFraction));
  const train: Example[] = [];
  const test: Example[] = [];
  for (let t = first + 7 * DAY_MS; t <= lastSnapshot; t += 7 * DAY_MS) {
    const at = new Date(t);
    if (t < split.getTime()) train.push(...examplesAt(invoices, at, split, index));
    else test.push(...examplesAt(invoices, at, dataEnd, index));
  }
  const labels = test.map((e) => e.late);
  const model = trainRiskModel(train);
  return {
    dataEnd,
    split,
    trainExamples: train.length,
    testExamples: test.length,
    testInvoices: new Set(test.map((e) => e.invoiceId)).size,
    testLateShare: test.length ? labels.filter(Boolean).length / test.length : 0,
    aucBaseline: auc(
      test.map((e) => e.features.daysPastDue),
      labels,
    ),
    aucScorecard: auc(
      test.map((e) => scorecard(e.features).points),
      labels,
    ),
    aucModel: model
      ? auc(
          test.map((e) => scoreWithModel(model, e.features).risk),
          labels,
        )
      : null,
    model,
    calls:
      options.simulateCalls === false
        ? null
        : simulateCalls(invoices, {
            from: split,
            to: new Date(lastSnapshot),
            model,
            index,
            ...(options.callsPerDay !== undefined ? { callsPerDay: options.callsPerDay } : {}),
          }),
  };
}
