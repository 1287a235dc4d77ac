// What the receivables page shows for one tenant, computed from the ServiceTitan mirror at
// request time: aging per customer and business unit (today's balances as ServiceTitan reports
// them), six months of DSO/CEI/ADD (balances replayed from payments), and the call list ranked
// by expected recovery with each score's reasons. Disputed invoices (a collector's last outcome)
// and invoices on a live payment plan stay off the call list.
import {
  type AgingReport,
  ageReceivables,
  asRiskModel,
  buildLedger,
  type CallListEntry,
  type CollectorOutcome,
  daysPastDue,
  indexCustomers,
  monthlyMetrics,
  type PeriodMetrics,
  type Rejected,
  rankCallList,
  riskFeatures,
  scorecard,
  scoreWithModel,
  toOutcomeRecords,
} from '@invoicer/collections';
import {
  collectionOutcomes,
  type Db,
  livePaymentPlans,
  loadRiskModel,
  receivablesMirror,
} from '@invoicer/db';

export interface ReceivablesView {
  tenantId: string;
  asOf: Date;
  aging: AgingReport;
  months: PeriodMetrics[];
  callList: CallListEntry[];
  /** What ranks the call list: the tenant's learned model when it qualifies, else the scorecard. */
  rankedBy: { source: 'model' | 'scorecard'; why: string; trainedAt: Date | null };
  excluded: { invoiceId: number; customerName: string; reason: string }[];
  rejected: Rejected[];
}

export async function loadReceivables(
  db: Db,
  tenantId: string,
  now: Date,
  limit = 50,
): Promise<ReceivablesView> {
  const mirror = await receivablesMirror(db, tenantId, now);
  const { invoices, rejected } = buildLedger(mirror.invoices, mirror.payments);
  const outcomes = toOutcomeRecords(await collectionOutcomes(db, tenantId));
  const stored = await loadRiskModel(db, tenantId);
  const model = stored?.ranksWith === 'model' ? asRiskModel(stored.model) : null;
  const rankedBy = model
    ? { source: 'model' as const, why: stored!.why, trainedAt: stored!.trainedAt }
    : {
        source: 'scorecard' as const,
        why: !stored
          ? 'no model fitted yet (the daily collections evaluation fits one)'
          : stored.ranksWith === 'model'
            ? 'the stored model was fitted by an older version; the next evaluation refits it'
            : stored.why,
        trainedAt: stored?.trainedAt ?? null,
      };
  const lastOutcome = new Map<number, CollectorOutcome>();
  for (const o of outcomes) lastOutcome.set(o.invoiceId, o.outcome);
  const onPlan = new Set(
    (await livePaymentPlans(db, tenantId))
      .filter((p) => p.state !== 'proposed')
      .map((p) => Number(p.invoiceId)),
  );
  const index = indexCustomers(invoices);
  const candidates = invoices
    .filter((inv) => inv.balanceCents > 0)
    .map((inv) => ({
      invoiceId: inv.id,
      customerId: inv.customerId,
      customerName: inv.customerName,
      balanceCents: inv.balanceCents,
      daysPastDue: daysPastDue(inv, now) ?? 0,
      score: model
        ? scoreWithModel(model, riskFeatures(inv, now, index, outcomes))
        : scorecard(riskFeatures(inv, now, index, outcomes)),
      excluded: onPlan.has(inv.id)
        ? 'on a payment plan'
        : lastOutcome.get(inv.id) === 'dispute'
          ? 'disputed'
          : null,
    }));
  return {
    tenantId,
    asOf: now,
    aging: ageReceivables(invoices, now),
    months: monthlyMetrics(invoices, now, 6),
    callList: rankCallList(candidates, limit),
    rankedBy,
    excluded: candidates
      .filter((c) => c.excluded)
      .map((c) => ({ invoiceId: c.invoiceId, customerName: c.customerName, reason: c.excluded! })),
    rejected,
  };
}
