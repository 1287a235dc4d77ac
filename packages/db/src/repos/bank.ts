// Bank statements, their transactions and the reconciliation record of every payment subject
// (a ServiceTitan payment or a bank line). Transactions are unique per tenant by fingerprint,
// so importing a file twice, or two statements that overlap, never stores a line twice.
import type { Db, Tx } from '../client.ts';
import type { BankTransaction, Reconciliation, StWrite } from '../generated/prisma/client.ts';

export type ReconcileSubjectKind = 'st_payment' | 'bank_line';
export type ReconciliationStatus =
  | 'matched'
  | 'applied'
  | 'review'
  | 'no_match'
  | 'rejected'
  | 'ignored'
  | 'shadow';

export interface BankStatementInput {
  tenantId: string;
  digest: string;
  format: string;
  fileName: string | null;
  accountId: string | null;
  currency: string;
  statementRef: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  openingBalance: string | null;
  closingBalance: string | null;
  issues: unknown[];
  transactionCount: number;
  importedBy: string;
}

export interface BankTransactionInput {
  fingerprint: string;
  format: string;
  accountId: string | null;
  bookingDate: string;
  valueDate: string | null;
  amount: string;
  currency: string;
  description: string;
  reference: string | null;
  counterpartyName: string | null;
  remittance: string[];
  checkNumber: string | null;
  typeCode: string | null;
  fee: string | null;
  line: number | null;
  raw: Record<string, string> | null;
}

/**
 * Store one statement and whichever of its transactions are new. Returns the statement id (the
 * existing one when this exact statement was imported before) and the fingerprints inserted.
 */
export async function storeBankStatement(
  tx: Tx,
  statement: BankStatementInput,
  transactions: BankTransactionInput[],
): Promise<{ statementId: string; created: boolean; inserted: string[] }> {
  const existing = await tx.bankStatement.findUnique({
    where: { tenantId_digest: { tenantId: statement.tenantId, digest: statement.digest } },
    select: { id: true },
  });
  const statementId =
    existing?.id ??
    (
      await tx.bankStatement.create({
        data: { ...statement, issues: JSON.parse(JSON.stringify(statement.issues)) as object },
        select: { id: true },
      })
    ).id;
  if (transactions.length === 0) return { statementId, created: !existing, inserted: [] };
  // skipDuplicates + RETURNING: exactly the rows this call added, even under a concurrent import.
  const rows = await tx.bankTransaction.createManyAndReturn({
    data: transactions.map((t) => ({
      ...t,
      tenantId: statement.tenantId,
      statementId,
      raw: t.raw ?? undefined,
    })),
    skipDuplicates: true,
    select: { fingerprint: true },
  });
  return { statementId, created: !existing, inserted: rows.map((r) => r.fingerprint) };
}

export async function getBankTransaction(
  db: Db | Tx,
  tenantId: string,
  fingerprint: string,
): Promise<BankTransaction | null> {
  return db.bankTransaction.findUnique({ where: { tenantId_fingerprint: { tenantId, fingerprint } } });
}

/** Credits of a tenant (optionally of given fingerprints) that have no reconciliation record yet. */
export async function unreconciledCredits(
  db: Db,
  tenantId: string,
  fingerprints?: string[],
): Promise<string[]> {
  const rows = await db.$queryRaw<{ fingerprint: string }[]>`
    SELECT t.fingerprint FROM bank_transactions t
    WHERE t.tenant_id = ${tenantId} AND t.amount > 0
      AND (${fingerprints ?? null}::text[] IS NULL OR t.fingerprint = ANY(${fingerprints ?? null}::text[]))
      AND NOT EXISTS (
        SELECT 1 FROM reconciliations r
        WHERE r.tenant_id = t.tenant_id AND r.subject_kind = 'bank_line' AND r.subject_id = t.fingerprint)
    ORDER BY t.booking_date, t.fingerprint`;
  return rows.map((r) => r.fingerprint);
}

export async function getReconciliation(
  db: Db | Tx,
  tenantId: string,
  subjectKind: ReconcileSubjectKind,
  subjectId: string,
): Promise<Reconciliation | null> {
  return db.reconciliation.findUnique({
    where: { tenantId_subjectKind_subjectId: { tenantId, subjectKind, subjectId } },
  });
}

export interface ReconciliationInput {
  tenantId: string;
  subjectKind: ReconcileSubjectKind;
  subjectId: string;
  status: ReconciliationStatus;
  action: string;
  reasons: string[];
  amount: string;
  confidence: number | null;
  rule: string | null;
  allocations: unknown[];
  writeOffTotal: string | null;
  credit: string | null;
  fee: string | null;
  stPaymentIds: number[];
  createdPaymentId: number | null;
  evidence: unknown[];
  decision: Record<string, unknown>;
  reviewItemId: string | null;
  version: string;
  decidedBy: string;
}

/** One record per subject: insert or replace the current decision. */
export async function saveReconciliation(db: Db | Tx, input: ReconciliationInput): Promise<Reconciliation> {
  const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as object;
  const data = {
    status: input.status,
    action: input.action,
    reasons: input.reasons,
    amount: input.amount,
    confidence: input.confidence === null ? null : input.confidence.toFixed(4),
    rule: input.rule,
    allocations: json(input.allocations),
    writeOffTotal: input.writeOffTotal,
    credit: input.credit,
    fee: input.fee,
    stPaymentIds: input.stPaymentIds.map((id) => BigInt(id)),
    createdPaymentId: input.createdPaymentId === null ? null : BigInt(input.createdPaymentId),
    evidence: json(input.evidence),
    decision: json(input.decision),
    reviewItemId: input.reviewItemId,
    version: input.version,
    decidedBy: input.decidedBy,
  };
  return db.reconciliation.upsert({
    where: {
      tenantId_subjectKind_subjectId: {
        tenantId: input.tenantId,
        subjectKind: input.subjectKind,
        subjectId: input.subjectId,
      },
    },
    create: { tenantId: input.tenantId, subjectKind: input.subjectKind, subjectId: input.subjectId, ...data },
    update: data,
  });
}

/** ServiceTitan payments already explained by a bank line (matched or created from one). */
export async function paymentsMatchedToBank(db: Db | Tx, tenantId: string): Promise<Set<number>> {
  const rows = await db.$queryRaw<{ id: bigint }[]>`
    SELECT DISTINCT unnest(st_payment_ids) AS id FROM reconciliations
    WHERE tenant_id = ${tenantId} AND subject_kind = 'bank_line' AND status IN ('matched', 'applied')`;
  return new Set(rows.map((r) => Number(r.id)));
}

/**
 * Short pays written off by our decisions, per invoice (allocations carry `writeOff` as a money
 * string): the balance ServiceTitan still shows for them is settled, not owed.
 */
export async function writeOffsByInvoice(db: Db | Tx, tenantId: string): Promise<Map<number, string>> {
  const rows = await db.$queryRaw<{ invoice_id: string; amount: string }[]>`
    SELECT a->>'invoiceId' AS invoice_id, sum((a->>'writeOff')::numeric)::text AS amount
    FROM reconciliations r, jsonb_array_elements(r.allocations) a
    WHERE r.tenant_id = ${tenantId} AND r.status IN ('matched', 'applied')
      AND jsonb_typeof(a->'writeOff') = 'string'
    GROUP BY 1`;
  return new Map(rows.map((r) => [Number(r.invoice_id), r.amount]));
}

/** Ledger rows whose key starts with `prefix` (every write ever attempted for one subject). */
export async function writesWithPrefix(db: Db | Tx, prefix: string): Promise<StWrite[]> {
  return db.stWrite.findMany({ where: { key: { startsWith: prefix } }, orderBy: { createdAt: 'asc' } });
}

export async function reconciliationCounts(
  db: Db,
  tenantId: string,
): Promise<Record<string, Record<string, number>>> {
  const rows = await db.reconciliation.groupBy({
    by: ['subjectKind', 'status'],
    where: { tenantId },
    _count: { _all: true },
  });
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) {
    const byStatus = out[r.subjectKind] ?? {};
    byStatus[r.status] = r._count._all;
    out[r.subjectKind] = byStatus;
  }
  return out;
}

const NUMERIC = '^-?[0-9]+(\\.[0-9]+)?$';

/**
 * Mirrored invoices that may still be owed: active, with a positive balance (or none recorded,
 * left to the caller to judge). Read from st_records so a bank line costs no API call.
 */
export async function mirrorOpenInvoices<T>(db: Db | Tx, tenantId: string): Promise<T[]> {
  const rows = await db.$queryRaw<{ data: T }[]>`
    SELECT data FROM st_records
    WHERE tenant_id = ${tenantId} AND resource = 'accounting/invoices'
      AND coalesce(data->>'active', 'true') <> 'false'
      AND (data->>'balance' IS NULL OR data->>'balance' !~ ${NUMERIC} OR (data->>'balance')::numeric > 0)
    ORDER BY st_id`;
  return rows.map((r) => r.data);
}

/** Mirrored active payments dated in [from, to] (YYYY-MM-DD, inclusive). */
export async function mirrorPaymentsBetween<T>(
  db: Db | Tx,
  tenantId: string,
  from: string,
  to: string,
): Promise<T[]> {
  const rows = await db.$queryRaw<{ data: T }[]>`
    SELECT data FROM st_records
    WHERE tenant_id = ${tenantId} AND resource = 'accounting/payments'
      AND coalesce(data->>'active', 'true') <> 'false'
      AND left(data->>'date', 10) BETWEEN ${from} AND ${to}
    ORDER BY st_id`;
  return rows.map((r) => r.data);
}
