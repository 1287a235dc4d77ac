// What the receivables page shows for one tenant, computed from the ServiceTitan mirror at
// request time: aging per customer and business unit (today's balances as ServiceTitan reports
// them), six months of DSO/CEI/ADD (balances replayed from payments), and the call list ranked
// by expected recovery with each score's reasons. Disputed invoices (a collector's last outcome)
// and invoices on a live payment plan stay off the call list.
import {
  type AgingReport,
  ageReceivables,
  buildLedger,
  type CallListEntry,
  COLLECTOR_OUTCOMES,
  type CollectorOutcome,
  daysPastDue,
  indexCustomers,
  monthlyMetrics,
  type OutcomeRecord,
  type PeriodMetrics,
  type Rejected,
  rankCallList,
  riskFeatures,
  scorecard,
} from '@invoicer/collections';
import { collectionOutcomes, type Db, livePaymentPlans, receivablesMirror } from '@invoicer/db';

export interface ReceivablesView {
  tenantId: string;
  asOf: Date;
  aging: AgingReport;
  months: PeriodMetrics[];
  callList: CallListEntry[];
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
  const stored = await collectionOutcomes(db, tenantId);
  const outcomes: OutcomeRecord[] = stored
    .filter((o) => (COLLECTOR_OUTCOMES as readonly string[]).includes(o.outcome))
    .map((o) => ({
      invoiceId: Number(o.invoiceId),
      customerId: Number(o.customerId),
      outcome: o.outcome as CollectorOutcome,
      at: o.createdAt,
      promisedFor: o.promisedFor,
    }));
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
      score: scorecard(riskFeatures(inv, now, index, outcomes)),
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
    excluded: candidates
      .filter((c) => c.excluded)
      .map((c) => ({ invoiceId: c.invoiceId, customerName: c.customerName, reason: c.excluded! })),
    rejected,
  };
}
