// Consent and pauses for customer messages (issue 15; collections build on them): our own
// opt-out list (SMS STOP replies, reminder-email unsubscribes, a clerk's entry) and pauses on a
// subject (a dispute, a payment plan, a pending payment, a hold) that stop reminders and
// collection messages while they last.
import type { Db } from '../client.ts';
import { sql } from '../client.ts';

export async function addOptOut(
  db: Db,
  input: { tenantId: string; channel: 'sms' | 'email'; address: string; source: string },
): Promise<boolean> {
  const rows = await sql<{ address: string }>(
    db,
    `INSERT INTO message_opt_outs (tenant_id, channel, address, source) VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING RETURNING address`,
    [input.tenantId, input.channel, input.address, input.source],
  );
  return rows.length > 0;
}

export async function removeOptOut(
  db: Db,
  tenantId: string,
  channel: string,
  address: string,
): Promise<void> {
  await db.messageOptOut.deleteMany({ where: { tenantId, channel, address } });
}

export async function optOutSet(db: Db, tenantId: string, channel: 'sms' | 'email'): Promise<Set<string>> {
  const rows = await db.messageOptOut.findMany({ where: { tenantId, channel }, select: { address: true } });
  return new Set(rows.map((r) => r.address));
}

export async function setPause(
  db: Db,
  input: {
    tenantId: string;
    subjectKind: string;
    subjectId: string;
    reason: string;
    until?: Date | null;
    note?: string;
  },
): Promise<void> {
  const key = {
    tenantId: input.tenantId,
    subjectKind: input.subjectKind,
    subjectId: input.subjectId,
    reason: input.reason,
  };
  await db.messagePause.upsert({
    where: { tenantId_subjectKind_subjectId_reason: key },
    create: { ...key, until: input.until ?? null, note: input.note ?? null },
    update: { until: input.until ?? null, note: input.note ?? null, clearedAt: null },
  });
}

export async function clearPause(
  db: Db,
  input: { tenantId: string; subjectKind: string; subjectId: string; reason: string },
): Promise<void> {
  await db.messagePause.updateMany({ where: { ...input, clearedAt: null }, data: { clearedAt: new Date() } });
}

/** The reasons pausing a subject at `now` ('dispute', 'plan', 'hold'...). */
export async function activePauses(
  db: Db,
  tenantId: string,
  subjectKind: string,
  subjectId: string,
  now: Date,
): Promise<string[]> {
  const rows = await db.messagePause.findMany({
    where: {
      tenantId,
      subjectKind,
      subjectId,
      clearedAt: null,
      OR: [{ until: null }, { until: { gt: now } }],
    },
    select: { reason: true },
  });
  return rows.map((r) => r.reason);
}
