// Append-only, hash-chained audit log. Each tenant has one chain: an event's hash covers the
// previous event's hash and the event's canonical JSON, so any edit or removal breaks every
// later link. Appends take a per-tenant advisory lock to keep the chain linear under
// concurrent workers; the database trigger refuses UPDATE/DELETE outright.
import { canonicalJson, sha256 } from '@invoicer/core';
import { type Db, runPart, type SqlTx, type StatementPart, type Tx } from '../client.ts';

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

/**
 * Append within an open transaction (so the event commits with the change it records): a
 * Prisma transaction or a plain-SQL one. One statement (auditAppend): it moves the tenant's chain head
 * (audit_heads; the row stays locked until commit, so appends queue and the chain stays linear,
 * and a waiting append chains onto the head as committed) and inserts the event with the
 * head's previous and new hash. Postgres computes the hash exactly as verifyAuditChain does:
 * sha256 over `${prev ?? 'genesis'}\n${canonical JSON}` as UTF-8, in lower-case hex.
 */
export async function appendAuditTx(tx: Tx | SqlTx, input: AuditInput): Promise<string> {
  const rows = await runPart<{ hash: string }>(tx, auditAppend(input, 0), 'hash');
  return rows[0]!.hash;
}

/**
 * The append as a statement part, so that an event commits with the change it records in one
 * round trip: its parameters are numbered from `$${offset + 1}`, and with `after` (a CTE of that
 * statement) it appends only when that CTE returned a row. Its result is the event's hash.
 */
export function auditAppend(input: AuditInput, offset: number, after?: string): StatementPart {
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
  const $ = (n: number) => `$${offset + n}`;
  return {
    ctes: `audit_head AS (
       INSERT INTO audit_heads AS h (tenant_id, hash, prev_hash, updated_at)
       SELECT ${$(1)}, encode(sha256(convert_to(${$(11)} || chr(10) || ${$(10)}, 'UTF8')), 'hex'), NULL, now()
       ${after ? `FROM ${after}` : ''}
       ON CONFLICT (tenant_id) DO UPDATE
         SET prev_hash = h.hash,
             hash = encode(sha256(convert_to(h.hash || chr(10) || ${$(10)}, 'UTF8')), 'hex'),
             updated_at = now()
       RETURNING prev_hash, hash
     ),
     audit_event AS (
       INSERT INTO audit_events (tenant_id, occurred_at, actor_type, actor, action, st_job_id, run_id,
         review_item_id, data, prev_hash, hash)
       SELECT ${$(1)}, ${$(2)}::timestamptz, ${$(3)}, ${$(4)}, ${$(5)}, ${$(6)}::bigint, ${$(7)}::uuid, ${$(8)}::uuid,
         ${$(9)}::jsonb, audit_head.prev_hash, audit_head.hash
       FROM audit_head
       RETURNING hash
     )`,
    result: 'audit_event',
    values: [
      event.tenantId,
      event.occurredAt.toISOString(),
      event.actorType,
      event.actor,
      event.action,
      event.stJobId === null ? null : String(event.stJobId),
      event.runId,
      event.reviewItemId,
      JSON.stringify(data),
      hashBody(event),
      GENESIS,
    ],
  };
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
