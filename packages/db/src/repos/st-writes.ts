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
