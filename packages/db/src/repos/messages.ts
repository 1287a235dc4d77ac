// The message ledger (issue 15; collections build on it). A message row is claimed by an insert
// that wins on its key (tenant, subject kind, subject id, purpose, step, revision); sending
// moves it to 'sending' under a lease before the provider is called, so a crash leaves a row
// that says "maybe sent" and the next attempt recovers it instead of sending blindly.
import type { Db, Tx } from '../client.ts';
import { sql } from '../client.ts';
import type { Message, MessageEvent } from '../generated/prisma/client.ts';

export type MessageState =
  | 'planned'
  | 'sending'
  | 'accepted'
  | 'delivered'
  | 'bounced'
  | 'failed'
  | 'suppressed'
  | 'unknown'
  | 'canceled';

/** States after which nothing more is sent for the row. */
export const FINAL_MESSAGE_STATES: MessageState[] = [
  'delivered',
  'bounced',
  'failed',
  'suppressed',
  'canceled',
];

export interface PlanMessageInput {
  tenantId: string;
  subjectKind: string;
  subjectId: string;
  purpose: string;
  step: string;
  revision: number;
  category: string;
  runId?: string | null;
  customerId?: number | null;
  dueAt?: Date | null;
  contactId?: string | null;
  requestedBy?: string | null;
}

/** Insert the row if its key is new; either way return it. `created` says which. */
export async function planMessage(
  db: Db,
  input: PlanMessageInput,
): Promise<{ row: Message; created: boolean }> {
  const inserted = await sql<{ id: string }>(
    db,
    `INSERT INTO messages (tenant_id, subject_kind, subject_id, purpose, step, revision, category, run_id,
        customer_id, due_at, contact_id, requested_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid, $9, $10, $11, $12)
     ON CONFLICT (tenant_id, subject_kind, subject_id, purpose, step, revision) DO NOTHING RETURNING id`,
    [
      input.tenantId,
      input.subjectKind,
      input.subjectId,
      input.purpose,
      input.step,
      input.revision,
      input.category,
      input.runId ?? null,
      input.customerId ?? null,
      input.dueAt ?? null,
      input.contactId ?? null,
      input.requestedBy ?? null,
    ],
  );
  const row = await db.message.findUniqueOrThrow({
    where: {
      tenantId_subjectKind_subjectId_purpose_step_revision: {
        tenantId: input.tenantId,
        subjectKind: input.subjectKind,
        subjectId: input.subjectId,
        purpose: input.purpose,
        step: input.step,
        revision: input.revision,
      },
    },
  });
  return { row, created: inserted.length > 0 };
}

export async function getMessage(db: Db | Tx, id: string): Promise<Message | null> {
  return db.message.findUnique({ where: { id } });
}

export type SendClaim =
  /** Ours to send: nobody tried before. */
  | { kind: 'fresh'; row: Message }
  /** A previous attempt began and never recorded an outcome (crash, timeout): recover first. */
  | { kind: 'recover'; row: Message }
  /** Someone else holds it right now, or it is already settled. */
  | { kind: 'busy' | 'settled'; row: Message };

/**
 * Take the row for sending: planned → sending, or a 'sending' row whose lease ran out (its
 * sender died) → sending again, reported as 'recover'. One caller wins.
 */
export async function claimForSending(db: Db, id: string, now: Date, leaseMs: number): Promise<SendClaim> {
  const [taken] = await sql<{ id: string; was: string }>(
    db,
    `UPDATE messages m SET state = 'sending', attempts = m.attempts + 1, sending_at = $2, updated_at = $2
     FROM (SELECT id, state AS was FROM messages WHERE id = $1 FOR UPDATE) old
     WHERE m.id = old.id AND (m.state = 'planned' OR (m.state = 'sending' AND m.sending_at < $3))
     RETURNING m.id, old.was`,
    [id, now, new Date(now.getTime() - leaseMs)],
  );
  const row = await db.message.findUniqueOrThrow({ where: { id } });
  if (taken) return { kind: taken.was === 'planned' ? 'fresh' : 'recover', row };
  return { kind: row.state === 'sending' ? 'busy' : 'settled', row };
}

/** Keep the row's send lease while a slow provider call runs (or before a resend). */
export async function renewSending(db: Db, id: string, now: Date): Promise<void> {
  await db.message.updateMany({ where: { id, state: 'sending' }, data: { sendingAt: now, updatedAt: now } });
}

/** Give up the send lease at once (the outcome is unknown): the next attempt recovers the row. */
export async function expireSending(db: Db, id: string): Promise<void> {
  await db.message.updateMany({ where: { id, state: 'sending' }, data: { sendingAt: new Date(0) } });
}

/** Record what is about to be sent (before the provider call), so a recovery knows what to look for. */
export async function recordSendIntent(
  db: Db,
  id: string,
  intent: {
    channel: string;
    recipient: string;
    contactId: string | null;
    messageIdHeader: string | null;
    content: object;
  },
): Promise<void> {
  await db.message.update({
    where: { id },
    data: { ...intent, content: JSON.parse(JSON.stringify(intent.content)), updatedAt: new Date() },
  });
}

/** Move a row on. Guarded by the states it may come from, so a late callback cannot undo a bounce. */
export async function setMessageState(
  db: Db | Tx,
  id: string,
  to: MessageState,
  from: MessageState[],
  data: {
    providerId?: string;
    reason?: string | null;
    lastError?: string | null;
    at?: Date;
    dueAt?: Date | null;
  } = {},
): Promise<boolean> {
  const at = data.at ?? new Date();
  const result = await db.message.updateMany({
    where: { id, state: { in: from } },
    data: {
      state: to,
      ...(data.providerId !== undefined ? { providerId: data.providerId } : {}),
      ...(data.reason !== undefined ? { reason: data.reason } : {}),
      ...(data.lastError !== undefined ? { lastError: data.lastError?.slice(0, 2000) ?? null } : {}),
      ...(data.dueAt !== undefined ? { dueAt: data.dueAt } : {}),
      ...(to === 'accepted' ? { acceptedAt: at } : {}),
      ...(to === 'delivered' ? { deliveredAt: at } : {}),
      updatedAt: at,
    },
  });
  return result.count > 0;
}

export async function linkReviewItem(db: Db | Tx, id: string, reviewItemId: string): Promise<void> {
  await db.message.update({ where: { id }, data: { reviewItemId } });
}

/** Append an event; a repeated provider event id (a duplicate callback) is ignored: returns false. */
export async function recordMessageEvent(
  db: Db | Tx,
  input: {
    messageId: string;
    tenantId: string;
    kind: string;
    providerEventId?: string | null;
    detail?: object;
    at?: Date;
  },
): Promise<boolean> {
  const rows = await (db as Db).$queryRawUnsafe<{ id: bigint }[]>(
    `INSERT INTO message_events (message_id, tenant_id, kind, provider_event_id, detail, at)
     VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6)
     ON CONFLICT (message_id, provider_event_id) DO NOTHING RETURNING id`,
    input.messageId,
    input.tenantId,
    input.kind,
    input.providerEventId ?? null,
    JSON.stringify(input.detail ?? {}),
    input.at ?? new Date(),
  );
  return rows.length > 0;
}

export async function findMessageByProviderId(db: Db, providerId: string): Promise<Message | null> {
  return db.message.findFirst({ where: { providerId } });
}

export async function messagesForSubject(
  db: Db,
  tenantId: string,
  subjectKind: string,
  subjectId: string,
): Promise<(Message & { events: MessageEvent[] })[]> {
  return db.message.findMany({
    where: { tenantId, subjectKind, subjectId },
    include: { events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] } },
    orderBy: [{ createdAt: 'asc' }],
  });
}

/** When messages about the subject went out (for caps and gaps): accepted, delivered or maybe-sent. */
export async function sentTimesForSubject(
  db: Db,
  tenantId: string,
  subjectKind: string,
  subjectId: string,
  excludeId?: string,
  categories?: string[],
): Promise<Date[]> {
  const rows = await db.message.findMany({
    where: {
      tenantId,
      subjectKind,
      subjectId,
      state: { in: ['sending', 'accepted', 'delivered', 'unknown'] },
      ...(excludeId ? { id: { not: excludeId } } : {}),
      ...(categories ? { category: { in: categories } } : {}),
    },
    select: { acceptedAt: true, sendingAt: true },
  });
  return rows.map((r) => r.acceptedAt ?? r.sendingAt).filter((d): d is Date => d !== null);
}

/** Planned rows with a due time (reminders), to re-enqueue after Redis was lost. */
export async function plannedMessages(db: Db, tenantId?: string): Promise<Message[]> {
  return db.message.findMany({
    where: { state: 'planned', dueAt: { not: null }, ...(tenantId ? { tenantId } : {}) },
    orderBy: { dueAt: 'asc' },
  });
}

/** Cancel a subject's planned messages (paid, voided): returns how many. */
export async function cancelPlannedMessages(
  db: Db,
  tenantId: string,
  subjectKind: string,
  subjectId: string,
  reason: string,
): Promise<number> {
  const r = await db.message.updateMany({
    where: { tenantId, subjectKind, subjectId, state: 'planned' },
    data: { state: 'canceled', reason, updatedAt: new Date() },
  });
  return r.count;
}
