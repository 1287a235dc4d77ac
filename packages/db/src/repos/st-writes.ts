// Idempotency ledger for writes to ServiceTitan. Each write step has a key derived from what
// is being billed (run + draft revision + step). A completed step replays its stored result;
// a step that started but never completed is reported as such so the caller can read
// ServiceTitan back before deciding to write again (a crash can land between the write and
// the ledger update).
import type { Db } from '../client.ts';
import type { StWrite } from '../generated/prisma/client.ts';

export async function getWrite(db: Db, key: string): Promise<StWrite | null> {
  return db.stWrite.findUnique({ where: { key } });
}

export async function beginWrite(
  db: Db,
  input: { key: string; tenantId: string; runId?: string | null; operation: string; request: unknown },
): Promise<StWrite> {
  const request = JSON.parse(JSON.stringify(input.request ?? null)) ?? {};
  return db.stWrite.upsert({
    where: { key: input.key },
    create: {
      key: input.key,
      tenantId: input.tenantId,
      runId: input.runId ?? null,
      operation: input.operation,
      status: 'started',
      request,
      attempts: 1,
    },
    update: { attempts: { increment: 1 } },
  });
}

export async function completeWrite(db: Db, key: string, response: unknown): Promise<void> {
  await db.stWrite.update({
    where: { key },
    data: { status: 'completed', response: JSON.parse(JSON.stringify(response ?? null)) ?? {}, error: null },
  });
}

export async function failWrite(db: Db, key: string, error: string): Promise<void> {
  await db.stWrite.update({ where: { key }, data: { status: 'failed', error: error.slice(0, 4000) } });
}

export async function listWrites(db: Db, runId: string): Promise<StWrite[]> {
  return db.stWrite.findMany({ where: { runId }, orderBy: { createdAt: 'asc' } });
}

export type WriteClaim =
  /** Never attempted: the caller sends. */
  | { state: 'new'; row: StWrite }
  /** Attempted before without an outcome recorded (a crash, a timeout): read back first. */
  | { state: 'unsure'; row: StWrite }
  | { state: 'completed'; row: StWrite };

/**
 * Claim a write step. The insert wins for exactly one caller; everyone else reads the row as
 * it stands. Callers serialise per subject (posting holds the run's lease), so an unsure row is
 * a previous attempt's, never a concurrent one's.
 */
export async function claimWrite(
  db: Db,
  input: { key: string; tenantId: string; runId?: string | null; operation: string; request: unknown },
): Promise<WriteClaim> {
  const request = JSON.parse(JSON.stringify(input.request ?? null)) ?? {};
  const inserted = await db.$queryRawUnsafe<StWriteRow[]>(
    `INSERT INTO st_writes (key, tenant_id, run_id, operation, status, request, attempts, created_at, updated_at)
     VALUES ($1, $2, $3::uuid, $4, 'started', $5::jsonb, 1, now(), now())
     ON CONFLICT (key) DO NOTHING RETURNING *`,
    input.key,
    input.tenantId,
    input.runId ?? null,
    input.operation,
    JSON.stringify(request),
  );
  if (inserted[0]) return { state: 'new', row: fromRow(inserted[0]) };
  const existing = await db.stWrite.update({
    where: { key: input.key },
    data: { attempts: { increment: 1 } },
  });
  return existing.status === 'completed'
    ? { state: 'completed', row: existing }
    : { state: 'unsure', row: existing };
}

interface StWriteRow {
  key: string;
  tenant_id: string;
  run_id: string | null;
  operation: string;
  status: string;
  request: StWrite['request'];
  response: StWrite['response'];
  error: string | null;
  attempts: number;
  created_at: Date;
  updated_at: Date;
}

function fromRow(r: StWriteRow): StWrite {
  return {
    key: r.key,
    tenantId: r.tenant_id,
    runId: r.run_id,
    operation: r.operation,
    status: r.status,
    request: r.request,
    response: r.response,
    error: r.error,
    attempts: r.attempts,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
