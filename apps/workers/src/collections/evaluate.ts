// collections.evaluate: once a day per tenant, from the mirror: for every open invoice, the
// dunning level due (collections.act does it, at most once), and for every large open invoice
// without a plan, a plan suggestion (plan.suggest). Nothing is sent from here. Dunning runs only
// when the tenant turned collections on; plan suggestions do not message anyone.
import {
  buildLedger,
  daysPastDue,
  dunningDaysPastDue,
  fitTenantModel,
  type Installment,
  nextDunningStep,
  toOutcomeRecords,
} from '@invoicer/collections';
import type { PayloadOf } from '@invoicer/core';
import {
  collectionOutcomes,
  livePaymentPlans,
  type PaymentPlan,
  receivablesMirror,
  saveRiskModel,
  sql,
} from '@invoicer/db';
import type { WorkerServices } from '../services.ts';
import { updatePlanProgress } from './plan-progress.ts';

export interface EvaluateSummary {
  open: number;
  dunning: number;
  skipped: Record<string, number>;
  suggestions: number;
  planMoves: Record<string, number>;
  ranksWith: 'model' | 'scorecard';
}

export const PLAN_HOLDS = ['accepted', 'current'];

/** A stored plan as dunningDaysPastDue reads it. */
export const planFacts = (p: PaymentPlan | null | undefined) =>
  p
    ? {
        state: p.state,
        installments: (p.installments ?? []) as unknown as Installment[],
        balanceCents: Number(p.balanceCents),
      }
    : null;

export async function evaluateCollections(
  services: WorkerServices,
  payload: PayloadOf<'collections.evaluate'>,
  now = new Date(),
): Promise<EvaluateSummary> {
  const { tenantId } = payload;
  const settings = (await services.runtime.settings(tenantId)).collections;
  const mirror = await receivablesMirror(services.db, tenantId, now);
  const { invoices } = buildLedger(mirror.invoices, mirror.payments);
  const byId = new Map(invoices.map((i) => [i.id, i]));
  // The learned model is refitted from the mirror and the collectors' outcomes each day; the
  // console's call list ranks with it when it qualifies (fitTenantModel says why or why not).
  const fit = fitTenantModel(
    invoices,
    toOutcomeRecords(await collectionOutcomes(services.db, tenantId)),
    now,
  );
  await saveRiskModel(services.db, tenantId, { ...fit, trainedAt: now });
  const planMoves = await updatePlanProgress(
    services,
    await livePaymentPlans(services.db, tenantId),
    (id) => byId.get(id)?.balanceCents ?? null,
    now,
  );
  const plans = await livePaymentPlans(services.db, tenantId);
  const hasPlan = new Set(plans.map((p) => Number(p.invoiceId)));
  const planOf = new Map(plans.map((p) => [Number(p.invoiceId), p]));
  // A late plan is back in dunning; a proposed one does not hold it.
  const running = new Set(plans.filter((p) => PLAN_HOLDS.includes(p.state)).map((p) => Number(p.invoiceId)));
  const disputed = new Set(
    (
      await sql<{ invoice_id: string; outcome: string }>(
        services.db,
        `SELECT DISTINCT ON (invoice_id) invoice_id::text, outcome FROM collection_outcomes
         WHERE tenant_id = $1 ORDER BY invoice_id, id DESC`,
        [tenantId],
      )
    )
      .filter((r) => r.outcome === 'dispute')
      .map((r) => Number(r.invoice_id)),
  );
  const pausedRows = await sql<{ subject_id: string }>(
    services.db,
    `SELECT subject_id FROM message_pauses WHERE tenant_id = $1 AND subject_kind = 'invoice' AND reason = 'dispute'
       AND cleared_at IS NULL AND (until IS NULL OR until > $2)`,
    [tenantId, now],
  );
  for (const r of pausedRows) disputed.add(Number(r.subject_id));
  const done = new Map<number, Set<string>>();
  for (const r of await sql<{ subject_id: string; step: string }>(
    services.db,
    `SELECT subject_id, step FROM messages WHERE tenant_id = $1 AND subject_kind = 'invoice' AND purpose = 'collection'`,
    [tenantId],
  ))
    done.set(Number(r.subject_id), (done.get(Number(r.subject_id)) ?? new Set()).add(r.step));
  // Call tasks (write ledger) and manager reviews (audit) already done.
  for (const r of await sql<{ subject_id: string; step: string }>(
    services.db,
    `SELECT split_part(key, ':', 3) AS subject_id, split_part(key, ':', 4) AS step FROM st_writes
       WHERE tenant_id = $1 AND key LIKE $2 AND status = 'completed'
     UNION ALL
     SELECT data->>'invoiceId', data->>'level' FROM audit_events
       WHERE tenant_id = $1 AND action = 'collections.manager_review'`,
    [tenantId, `dunning:${tenantId}:%`],
  ))
    done.set(Number(r.subject_id), (done.get(Number(r.subject_id)) ?? new Set()).add(r.step));
  const summary: EvaluateSummary = {
    open: 0,
    dunning: 0,
    skipped: {},
    suggestions: 0,
    planMoves,
    ranksWith: fit.ranksWith,
  };
  for (const inv of invoices) {
    if (inv.balanceCents <= 0) continue;
    summary.open += 1;
    if (inv.balanceCents >= settings.plans.thresholdCents && !hasPlan.has(inv.id)) {
      await services.queues.enqueue('plan.suggest', { tenantId, invoiceId: String(inv.id) });
      summary.suggestions += 1;
    }
    if (!settings.enabled) continue;
    const decision = nextDunningStep(settings.dunning, {
      balanceCents: inv.balanceCents,
      daysPastDue: dunningDaysPastDue(
        daysPastDue(inv, now),
        planFacts(planOf.get(inv.id)),
        inv.balanceCents,
        now,
      ),
      disputed: disputed.has(inv.id),
      onPlan: running.has(inv.id),
      optedOut: {},
      done: done.get(inv.id) ?? new Set(),
    });
    if (decision.action === 'skip')
      summary.skipped[decision.reason] = (summary.skipped[decision.reason] ?? 0) + 1;
    if (decision.action !== 'do') continue;
    await services.queues.enqueue('collections.act', {
      tenantId,
      kind: 'dunning',
      subjectId: String(inv.id),
      step: decision.level.key,
    });
    summary.dunning += 1;
  }
  services.log.info({ tenant: tenantId, ...summary }, 'collections evaluated');
  return summary;
}
