// The review queue as billing staff work it: filtered, sorted lists with keyset pagination,
// counts per reason, and exclusive, expiring claims.
//
// Speed at 100k+ items: each status is read as its own branch that walks the
// (tenant_id, status, created_at, id) or (tenant_id, status, amount, id) index in sort order
// and stops after one page; the branches are merged (Postgres: Merge Append) and cut to the
// page. A page therefore never sorts the whole backlog, and a keyset cursor (sort value + id)
// keeps pages stable while new items arrive, unlike OFFSET.

import type { Db, Tx } from '../client.ts';
import { Prisma } from '../client.ts';
import type { ReviewItem } from '../generated/prisma/client.ts';
import { OPEN_REVIEW_STATUSES, type ReviewKind, type ReviewStatus } from './review.ts';

export const REVIEW_STATUSES: ReviewStatus[] = [
  'open',
  'on_hold',
  'escalated',
  'approved',
  'rejected',
  'resolved',
  'posting',
  'posted',
];

export const QUEUE_SORTS = ['oldest', 'newest', 'amount_desc', 'amount_asc'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

export interface QueueFilters {
  tenantId: string;
  /** Defaults to the open statuses (open, on_hold, escalated). */
  statuses?: ReviewStatus[];
  kind?: ReviewKind;
  reason?: string;
  businessUnitId?: number;
  jobTypeId?: number;
  stJobId?: number;
  /** Decimal strings, inclusive. */
  minAmount?: string;
  maxAmount?: string;
  /** Age in hours, inclusive bounds. */
  minAgeHours?: number;
  maxAgeHours?: number;
  /** A user id (a live claim), or 'unclaimed' (no claim or an expired one). */
  assignee?: string;
  needsManager?: boolean;
  /**
   * Words a clerk searches by (customer, address, job, invoice number), each matched anywhere
   * in the item's review_item_search text (a trigger keeps it; a trigram index serves it).
   */
  search?: string[];
}

export interface QueueRow {
  id: string;
  tenantId: string;
  kind: string;
  status: string;
  reasons: string[];
  amount: string;
  stJobId: number | null;
  businessUnitId: number | null;
  jobTypeId: number | null;
  customerName: string | null;
  summary: string;
  runId: string | null;
  claimedBy: string | null;
  claimExpiresAt: Date | null;
  needsManager: boolean;
  slaDueAt: Date;
  createdAt: Date;
  resolvedAt: Date | null;
}

export interface QueuePage {
  items: QueueRow[];
  /** Opaque cursor for the next page, or null on the last page. */
  next: string | null;
}

const COLUMNS = Prisma.sql`id::text AS id, tenant_id AS "tenantId", kind, status, reasons, amount::text AS amount,
  st_job_id AS "stJobId", business_unit_id AS "businessUnitId", job_type_id AS "jobTypeId",
  customer_name AS "customerName", summary, run_id::text AS "runId", claimed_by AS "claimedBy",
  claim_expires_at AS "claimExpiresAt", needs_manager AS "needsManager", sla_due_at AS "slaDueAt",
  created_at AS "createdAt", resolved_at AS "resolvedAt"`;

interface SortSpec {
  column: Prisma.Sql;
  key: 'createdAt' | 'amount';
  desc: boolean;
  cast: Prisma.Sql;
}

// Qualified names: the select list re-uses `amount` and `id` as text aliases, and an unqualified
// ORDER BY name would pick the alias (sorting "100.00" before "20.00").
const SORTS: Record<QueueSort, SortSpec> = {
  oldest: { column: Prisma.sql`r.created_at`, key: 'createdAt', desc: false, cast: Prisma.sql`timestamptz` },
  newest: { column: Prisma.sql`r.created_at`, key: 'createdAt', desc: true, cast: Prisma.sql`timestamptz` },
  amount_desc: { column: Prisma.sql`r.amount`, key: 'amount', desc: true, cast: Prisma.sql`numeric` },
  amount_asc: { column: Prisma.sql`r.amount`, key: 'amount', desc: false, cast: Prisma.sql`numeric` },
};

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

interface Cursor {
  v: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(value: string, sort: QueueSort): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof parsed.v !== 'string' || typeof parsed.id !== 'string') throw new Error('shape');
    if (!/^[0-9a-f-]{36}$/i.test(parsed.id)) throw new Error('id');
    const ok =
      SORTS[sort].key === 'amount'
        ? /^-?\d+(\.\d+)?$/.test(parsed.v)
        : !Number.isNaN(new Date(parsed.v).getTime());
    if (!ok) throw new Error('value');
    return { v: parsed.v, id: parsed.id };
  } catch {
    throw new InvalidCursorError('the page cursor is not valid for this sort; start from the first page');
  }
}

const HOUR_MS = 3600_000;

/** WHERE conditions shared by lists and counts (everything but tenant and status). */
function conditions(f: QueueFilters, now: Date, options: { withReason: boolean }): Prisma.Sql[] {
  const c: Prisma.Sql[] = [];
  if (f.kind) c.push(Prisma.sql`kind = ${f.kind}`);
  if (options.withReason && f.reason) c.push(Prisma.sql`reasons @> ARRAY[${f.reason}]::text[]`);
  if (f.businessUnitId !== undefined) c.push(Prisma.sql`business_unit_id = ${f.businessUnitId}::bigint`);
  if (f.jobTypeId !== undefined) c.push(Prisma.sql`job_type_id = ${f.jobTypeId}::bigint`);
  if (f.stJobId !== undefined) c.push(Prisma.sql`st_job_id = ${f.stJobId}::bigint`);
  if (f.minAmount !== undefined) c.push(Prisma.sql`amount >= ${f.minAmount}::numeric`);
  if (f.maxAmount !== undefined) c.push(Prisma.sql`amount <= ${f.maxAmount}::numeric`);
  if (f.minAgeHours !== undefined)
    c.push(Prisma.sql`created_at <= ${new Date(now.getTime() - f.minAgeHours * HOUR_MS)}`);
  if (f.maxAgeHours !== undefined)
    c.push(Prisma.sql`created_at >= ${new Date(now.getTime() - f.maxAgeHours * HOUR_MS)}`);
  if (f.assignee === 'unclaimed') c.push(Prisma.sql`(claimed_by IS NULL OR claim_expires_at <= ${now})`);
  else if (f.assignee) c.push(Prisma.sql`(claimed_by = ${f.assignee} AND claim_expires_at > ${now})`);
  if (f.needsManager !== undefined) c.push(Prisma.sql`needs_manager = ${f.needsManager}`);
  if (f.search?.length) {
    const likes = f.search.map((word) => Prisma.sql`s.search_text LIKE ${likePattern(word)}`);
    c.push(Prisma.sql`id IN (SELECT s.review_item_id FROM review_item_search s
      WHERE s.tenant_id = ${f.tenantId} AND ${and(likes)})`);
  }
  return c;
}

/** `%word%`, lower-cased, with LIKE's own wildcards and escape character taken literally. */
export function likePattern(word: string): string {
  return `%${word.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

function and(parts: Prisma.Sql[]): Prisma.Sql {
  return parts.length ? Prisma.join(parts, ' AND ') : Prisma.sql`TRUE`;
}

interface RawRow extends Omit<QueueRow, 'stJobId' | 'businessUnitId' | 'jobTypeId'> {
  stJobId: bigint | null;
  businessUnitId: bigint | null;
  jobTypeId: bigint | null;
}

function toRow(r: RawRow): QueueRow {
  const num = (v: bigint | null) => (v === null ? null : Number(v));
  return {
    ...r,
    stJobId: num(r.stJobId),
    businessUnitId: num(r.businessUnitId),
    jobTypeId: num(r.jobTypeId),
  };
}

export async function listReviewQueue(
  db: Db | Tx,
  filters: QueueFilters,
  page: { sort?: QueueSort; limit?: number; after?: string | null } = {},
  now = new Date(),
): Promise<QueuePage> {
  const sort = SORTS[page.sort ?? 'oldest'];
  const limit = Math.min(Math.max(page.limit ?? 50, 1), 500);
  const statuses = filters.statuses?.length ? filters.statuses : OPEN_REVIEW_STATUSES;
  const cursor = page.after ? decodeCursor(page.after, page.sort ?? 'oldest') : null;
  const dir = sort.desc ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const shared = conditions(filters, now, { withReason: true });
  if (cursor) {
    const op = sort.desc ? Prisma.sql`<` : Prisma.sql`>`;
    shared.push(Prisma.sql`(${sort.column}, r.id) ${op} (${cursor.v}::${sort.cast}, ${cursor.id}::uuid)`);
  }
  const branches = [...new Set(statuses)].map(
    (
      status,
    ) => Prisma.sql`(SELECT ${COLUMNS}, ${sort.column} AS sort_value, r.id AS sort_id FROM review_items r
      WHERE r.tenant_id = ${filters.tenantId} AND r.status = ${status} AND ${and(shared)}
      ORDER BY ${sort.column} ${dir}, r.id ${dir} LIMIT ${limit + 1})`,
  );
  const rows = await db.$queryRaw<(RawRow & { sort_value: unknown; sort_id: unknown })[]>`
    SELECT * FROM (${Prisma.join(branches, ' UNION ALL ')}) AS page
    ORDER BY sort_value ${dir}, sort_id ${dir} LIMIT ${limit + 1}`;
  const items = rows.slice(0, limit).map(({ sort_value: _s, sort_id: _i, ...r }) => toRow(r));
  const last = items.at(-1);
  const next =
    rows.length > limit && last
      ? encodeCursor({
          v: sort.key === 'amount' ? last.amount : last.createdAt.toISOString(),
          id: last.id,
        })
      : null;
  return { items, next };
}

export interface QueueCounts {
  total: number;
  byReason: Record<string, number>;
  /** Dollars waiting (the items' amounts summed exactly in numeric), in all and per reason. */
  totalAmount: string;
  amountByReason: Record<string, string>;
}

/** Items matching the filters, and per reason (ignoring the reason filter, so every count shows). */
export async function countReviewQueue(
  db: Db | Tx,
  filters: QueueFilters,
  now = new Date(),
): Promise<QueueCounts> {
  const statuses = filters.statuses?.length ? filters.statuses : OPEN_REVIEW_STATUSES;
  const base = [Prisma.sql`tenant_id = ${filters.tenantId}`, Prisma.sql`status = ANY(${statuses}::text[])`];
  const [byReason, total] = await Promise.all([
    db.$queryRaw<{ reason: string; n: number; amount: string }[]>`
      SELECT r AS reason, count(*)::int AS n, coalesce(sum(amount), 0)::text AS amount
      FROM review_items CROSS JOIN LATERAL unnest(reasons) AS r
      WHERE ${and([...base, ...conditions(filters, now, { withReason: false })])}
      GROUP BY r ORDER BY r`,
    db.$queryRaw<{ n: number; amount: string }[]>`
      SELECT count(*)::int AS n, coalesce(sum(amount), 0)::text AS amount FROM review_items
      WHERE ${and([...base, ...conditions(filters, now, { withReason: true })])}`,
  ]);
  return {
    total: total[0]?.n ?? 0,
    byReason: Object.fromEntries(byReason.map((r) => [r.reason, r.n])),
    totalAmount: total[0]?.amount ?? '0.00',
    amountByReason: Object.fromEntries(byReason.map((r) => [r.reason, r.amount])),
  };
}

// ---- claims --------------------------------------------------------------------------------

export type ClaimResult =
  | { ok: true; expiresAt: Date }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'closed'; status: string }
  | { ok: false; reason: 'held'; heldBy: string; expiresAt: Date };

/** Raised inside an action when the caller does not (and cannot) hold the item's claim. */
export class ClaimConflictError extends Error {
  override name = 'ClaimConflictError';
  constructor(readonly result: Exclude<ClaimResult, { ok: true }>) {
    super(
      result.reason === 'held'
        ? `item is being worked by someone else until ${result.expiresAt.toISOString()}`
        : result.reason === 'closed'
          ? `item is already ${result.status}`
          : 'item does not exist',
    );
  }
}

const OPEN = Prisma.join(OPEN_REVIEW_STATUSES.map((s) => Prisma.sql`${s}`));

/**
 * Claim (or renew) an item for `userId`, atomically: only when nobody holds it, the caller
 * already does, or the holder's claim has expired.
 */
export async function claimReviewItem(
  db: Db | Tx,
  id: string,
  userId: string,
  ttlMs: number,
): Promise<ClaimResult> {
  const rows = await db.$queryRaw<{ expires: Date }[]>`
    UPDATE review_items
    SET claimed_by = ${userId}, claim_expires_at = now() + make_interval(secs => ${ttlMs / 1000}::float8),
        updated_at = now()
    WHERE id = ${id}::uuid AND status IN (${OPEN})
      AND (claimed_by IS NULL OR claimed_by = ${userId} OR claim_expires_at <= now())
    RETURNING claim_expires_at AS expires`;
  if (rows[0]) return { ok: true, expiresAt: rows[0].expires };
  const item = await db.reviewItem.findUnique({
    where: { id },
    select: { status: true, claimedBy: true, claimExpiresAt: true },
  });
  if (!item) return { ok: false, reason: 'not_found' };
  if (!(OPEN_REVIEW_STATUSES as string[]).includes(item.status))
    return { ok: false, reason: 'closed', status: item.status };
  return {
    ok: false,
    reason: 'held',
    heldBy: item.claimedBy ?? '',
    expiresAt: item.claimExpiresAt ?? new Date(),
  };
}

export async function releaseReviewClaim(db: Db | Tx, id: string, userId: string): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE review_items SET claimed_by = NULL, claim_expires_at = NULL, updated_at = now()
    WHERE id = ${id}::uuid AND claimed_by = ${userId}`;
  return count > 0;
}

/**
 * For an action inside a transaction: lock the row, then claim (or renew) it for `userId`.
 * Throws ClaimConflictError when another person holds it or it is no longer open.
 */
export async function lockClaimedItem(
  tx: Tx,
  id: string,
  userId: string,
  ttlMs: number,
): Promise<ReviewItem> {
  await tx.$queryRaw`SELECT id FROM review_items WHERE id = ${id}::uuid FOR UPDATE`;
  const claim = await claimReviewItem(tx, id, userId, ttlMs);
  if (!claim.ok) throw new ClaimConflictError(claim);
  return tx.reviewItem.findUniqueOrThrow({ where: { id } });
}

/**
 * Claim the next workable item: statuses in priority order, oldest first, skipping items held
 * by others and rows another transaction is claiming right now (SKIP LOCKED).
 */
export async function claimNextReviewItem(
  db: Db | Tx,
  filters: QueueFilters,
  userId: string,
  ttlMs: number,
  excludeIds: string[] = [],
  now = new Date(),
): Promise<string | null> {
  const statuses = filters.statuses?.length ? filters.statuses : OPEN_REVIEW_STATUSES;
  const exclude = excludeIds.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  for (const status of statuses) {
    const rows = await db.$queryRaw<{ id: string }[]>`
      UPDATE review_items
      SET claimed_by = ${userId}, claim_expires_at = now() + make_interval(secs => ${ttlMs / 1000}::float8),
          updated_at = now()
      WHERE id = (
        SELECT id FROM review_items
        WHERE tenant_id = ${filters.tenantId} AND status = ${status}
          AND ${and(conditions(filters, now, { withReason: true }))}
          AND (claimed_by IS NULL OR claimed_by = ${userId} OR claim_expires_at <= now())
          AND NOT (id = ANY(${exclude}::uuid[]))
        ORDER BY created_at, id LIMIT 1
        FOR UPDATE SKIP LOCKED)
      RETURNING id::text AS id`;
    if (rows[0]) return rows[0].id;
  }
  return null;
}

// ---- backlog (metrics) ---------------------------------------------------------------------

export const BACKLOG_AGE_BUCKETS = ['lt_1h', '1h_4h', '4h_24h', '1d_3d', 'gt_3d'] as const;

/** Open items by reason and age bucket, across tenants. */
export async function reviewBacklogByAge(
  db: Db,
): Promise<{ reason: string; age: (typeof BACKLOG_AGE_BUCKETS)[number]; n: number }[]> {
  return db.$queryRaw`
    SELECT r AS reason,
      CASE WHEN created_at > now() - interval '1 hour' THEN 'lt_1h'
           WHEN created_at > now() - interval '4 hours' THEN '1h_4h'
           WHEN created_at > now() - interval '24 hours' THEN '4h_24h'
           WHEN created_at > now() - interval '72 hours' THEN '1d_3d'
           ELSE 'gt_3d' END AS age,
      count(*)::int AS n
    FROM review_items CROSS JOIN LATERAL unnest(reasons) AS r
    WHERE status IN (${OPEN})
    GROUP BY 1, 2`;
}
