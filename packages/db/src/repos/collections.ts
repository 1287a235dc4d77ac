// Collections (issue 16): the receivables mirror read for aging and scoring, collectors'
// outcomes, payment plans. The figures are computed in @invoicer/collections.
import type { Db, Tx } from '../client.ts';
import { sql } from '../client.ts';
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
