// Append-only, hash-chained audit log. Each tenant has one chain: an event's hash covers the
// previous event's hash and the event's canonical JSON, so any edit or removal breaks every
// later link. Appends take a per-tenant advisory lock to keep the chain linear under
// concurrent workers; the database trigger refuses UPDATE/DELETE outright.
import { canonicalJson, sha256 } from '@invoicer/core';
import type { Db, Tx } from '../client.ts';

export type ActorType = 'system' | 'ai' | 'user';

export interface AuditInput {
  tenantId: string;
  actorType: ActorType;
  actor: string;
  action: string;
  stJobId?: number | null;
  runId?: string | null;
  reviewItemId?: string | null;
  data: Record<string, unknown>;
}

const GENESIS = 'genesis';

function hashBody(event: {
  tenantId: string;
  occurredAt: Date;
  actorType: string;
  actor: string;
  action: string;
  stJobId: bigint | number | null;
  runId: string | null;
  reviewItemId: string | null;
  data: unknown;
}): string {
  return canonicalJson({
    tenantId: event.tenantId,
    occurredAt: event.occurredAt.toISOString(),
    actorType: event.actorType,
    actor: event.actor,
    action: event.action,
    stJobId: event.stJobId === null ? null : String(event.stJobId),
    runId: event.runId,
    reviewItemId: event.reviewItemId,
    data: event.data,
  });
}

/** Append within an open transaction (so the event commits with the change it records). */
export async function appendAuditTx(tx: Tx, input: AuditInput): Promise<string> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`audit:${input.tenantId}`}))`;
  const last = await tx.auditEvent.findFirst({
    where: { tenantId: input.tenantId },
    orderBy: { id: 'desc' },
    select: { hash: true },
  });
  // JSON round trip so the hashed data is exactly what jsonb will return.
  const data = JSON.parse(JSON.stringify(input.data)) as Record<string, unknown>;
  const event = {
    tenantId: input.tenantId,
    occurredAt: new Date(),
    actorType: input.actorType,
    actor: input.actor,
    action: input.action,
    stJobId: input.stJobId ?? null,
    runId: input.runId ?? null,
    reviewItemId: input.reviewItemId ?? null,
    data,
  };
  const prevHash = last?.hash ?? null;
  const hash = sha256(`${prevHash ?? GENESIS}\n${hashBody(event)}`);
  await tx.auditEvent.create({ data: { ...event, data: data as object, prevHash, hash } });
  return hash;
}

export async function appendAudit(db: Db, input: AuditInput): Promise<string> {
  return db.$transaction((tx) => appendAuditTx(tx, input));
}

export interface ChainReport {
  tenantId: string;
  events: number;
  ok: boolean;
  firstBadEventId: string | null;
  problem: string | null;
}

/** Walk one tenant's chain in order and name the first event whose link or hash is wrong. */
export async function verifyAuditChain(db: Db, tenantId: string, batchSize = 2000): Promise<ChainReport> {
  let prev: string | null = null;
  let cursor = 0n;
  let count = 0;
  for (;;) {
    const rows = await db.auditEvent.findMany({
      where: { tenantId, id: { gt: cursor } },
      orderBy: { id: 'asc' },
      take: batchSize,
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      count += 1;
      const bad = (problem: string): ChainReport => ({
        tenantId,
        events: count,
        ok: false,
        firstBadEventId: row.id.toString(),
        problem,
      });
      if (row.prevHash !== prev) return bad(`prev_hash does not match the hash of the event before it`);
      const expected = sha256(`${prev ?? GENESIS}\n${hashBody({ ...row, data: row.data })}`);
      if (expected !== row.hash) return bad('hash does not match the event contents');
      prev = row.hash;
      cursor = row.id;
    }
  }
  return { tenantId, events: count, ok: true, firstBadEventId: null, problem: null };
}

export async function listAuditTenants(db: Db): Promise<string[]> {
  const rows = await db.auditEvent.findMany({ distinct: ['tenantId'], select: { tenantId: true } });
  return rows.map((r) => r.tenantId).sort();
}
