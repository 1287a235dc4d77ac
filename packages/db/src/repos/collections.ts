// Collections (issue 16): the receivables mirror read for aging and scoring, collectors'
// outcomes, payment plans. The figures are computed in @invoicer/collections.
import type { Db, Tx } from '../client.ts';
import { Prisma, sql } from '../client.ts';
import type { CollectionOutcome, PaymentPlan } from '../generated/prisma/client.ts';

/**
 * The tenant's mirrored invoices and payments: every invoice still open plus those dated within
 * `historyDays` (history for scores and monthly metrics), and the payments of that window.
 */
export async function receivablesMirror(
  db: Db,
  tenantId: string,
  now: Date,
  historyDays = 400,
): Promise<{ invoices: unknown[]; payments: unknown[] }> {
  const since = new Date(now.getTime() - historyDays * 86_400_000).toISOString();
  const invoices = await sql<{ data: unknown }>(
    db,
    `SELECT data FROM st_records WHERE tenant_id = $1 AND resource = 'invoices'
       AND (data->>'invoiceDate' >= $2 OR (data->>'balance') IS DISTINCT FROM '0.00')`,
    [tenantId, since],
  );
  const payments = await sql<{ data: unknown }>(
    db,
    `SELECT data FROM st_records WHERE tenant_id = $1 AND resource = 'payments' AND data->>'date' >= $2`,
    [tenantId, since],
  );
  return { invoices: invoices.map((r) => r.data), payments: payments.map((r) => r.data) };
}

export interface OutcomeInput {
  tenantId: string;
  invoiceId: number;
  customerId: number;
  outcome: string;
  promisedFor: Date | null;
  note: string | null;
  recordedBy: string;
}

export async function recordCollectionOutcome(db: Db | Tx, input: OutcomeInput): Promise<CollectionOutcome> {
  return db.collectionOutcome.create({
    data: {
      tenantId: input.tenantId,
      invoiceId: BigInt(input.invoiceId),
      customerId: BigInt(input.customerId),
      outcome: input.outcome,
      promisedFor: input.promisedFor,
      note: input.note,
      recordedBy: input.recordedBy,
    },
  });
}

export async function collectionOutcomes(db: Db, tenantId: string): Promise<CollectionOutcome[]> {
  return db.collectionOutcome.findMany({ where: { tenantId }, orderBy: { id: 'asc' } });
}

export async function livePaymentPlans(db: Db, tenantId: string): Promise<PaymentPlan[]> {
  return db.paymentPlan.findMany({
    where: { tenantId, state: { notIn: ['broken', 'completed', 'cancelled'] } },
    orderBy: { acceptedAt: 'asc' },
  });
}

const LIVE = `state NOT IN ('broken', 'completed', 'cancelled')`;

/** Record plan options for an invoice unless it already has a live plan; return the live plan. */
export async function proposePaymentPlan(
  db: Db,
  input: {
    tenantId: string;
    invoiceId: number;
    customerId: number;
    balanceCents: number;
    options: object;
    reasons: object;
    draft: string | null;
  },
): Promise<{ plan: PaymentPlan; created: boolean }> {
  const rows = await sql<{ id: string }>(
    db,
    `INSERT INTO payment_plans (tenant_id, invoice_id, customer_id, balance_cents, options, reasons, draft)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7)
     ON CONFLICT (tenant_id, invoice_id) WHERE ${LIVE} DO NOTHING RETURNING id`,
    [
      input.tenantId,
      input.invoiceId,
      input.customerId,
      input.balanceCents,
      JSON.stringify(input.options),
      JSON.stringify(input.reasons),
      input.draft,
    ],
  );
  const plan = await livePlanForInvoice(db, input.tenantId, input.invoiceId);
  if (!plan) throw new Error(`no live plan for invoice ${input.invoiceId} after proposing one`);
  return { plan, created: rows.length > 0 };
}

export async function livePlanForInvoice(
  db: Db | Tx,
  tenantId: string,
  invoiceId: number,
): Promise<PaymentPlan | null> {
  return db.paymentPlan.findFirst({
    where: { tenantId, invoiceId: BigInt(invoiceId), state: { notIn: ['broken', 'completed', 'cancelled'] } },
  });
}

export async function getPaymentPlan(db: Db | Tx, id: string): Promise<PaymentPlan | null> {
  return db.paymentPlan.findUnique({ where: { id } });
}

/** proposed → accepted with the chosen installments; false when it was not 'proposed' any more. */
export async function acceptPaymentPlan(
  db: Db | Tx,
  id: string,
  installments: object,
  acceptedBy: string,
  draft: string | null,
): Promise<boolean> {
  const r = await db.paymentPlan.updateMany({
    where: { id, state: 'proposed' },
    data: {
      state: 'accepted',
      installments: JSON.parse(JSON.stringify(installments)),
      acceptedBy,
      acceptedAt: new Date(),
      draft,
      updatedAt: new Date(),
    },
  });
  return r.count > 0;
}

export async function setPaymentPlanState(
  db: Db | Tx,
  id: string,
  to: string,
  from: string[],
): Promise<boolean> {
  const r = await db.paymentPlan.updateMany({
    where: { id, state: { in: from } },
    data: { state: to, updatedAt: new Date() },
  });
  return r.count > 0;
}

/** One mirrored invoice and its customer's mirrored payments (payments are keyed by customer). */
export async function receivablesForInvoice(
  db: Db,
  tenantId: string,
  invoiceId: number,
): Promise<{ invoices: unknown[]; payments: unknown[] }> {
  const invoices = await sql<{ data: { customer?: { id?: number } } }>(
    db,
    `SELECT data FROM st_records WHERE tenant_id = $1 AND resource = 'invoices' AND st_id = $2`,
    [tenantId, invoiceId],
  );
  const customerId = invoices[0]?.data.customer?.id;
  if (!invoices.length || typeof customerId !== 'number') return { invoices: [], payments: [] };
  const payments = await sql<{ data: unknown }>(
    db,
    `SELECT data FROM st_records WHERE tenant_id = $1 AND resource = 'payments' AND parent_id = $2`,
    [tenantId, customerId],
  );
  return { invoices: invoices.map((r) => r.data), payments: payments.map((r) => r.data) };
}

export interface StoredRiskModel {
  model: unknown;
  ranksWith: 'model' | 'scorecard';
  why: string;
  trainedAt: Date;
  examples: number;
  holdoutExamples: number;
  aucModel: number | null;
  aucScorecard: number | null;
  aucBaseline: number | null;
  outcomesUsed: number;
}

/** The tenant's latest fitted risk model (one row per tenant, replaced by each refit). */
export async function saveRiskModel(db: Db, tenantId: string, fit: StoredRiskModel): Promise<void> {
  const data = {
    model: fit.model === null ? Prisma.DbNull : JSON.parse(JSON.stringify(fit.model)),
    ranksWith: fit.ranksWith,
    why: fit.why,
    trainedAt: fit.trainedAt,
    examples: fit.examples,
    holdoutExamples: fit.holdoutExamples,
    aucModel: fit.aucModel,
    aucScorecard: fit.aucScorecard,
    aucBaseline: fit.aucBaseline,
    outcomesUsed: fit.outcomesUsed,
  };
  await db.collectionModel.upsert({
    where: { tenantId },
    create: { tenantId, ...data },
    update: data,
  });
}

export async function loadRiskModel(db: Db, tenantId: string): Promise<StoredRiskModel | null> {
  const row = await db.collectionModel.findUnique({ where: { tenantId } });
  if (!row) return null;
  return { ...row, ranksWith: row.ranksWith === 'model' ? 'model' : 'scorecard' };
}
