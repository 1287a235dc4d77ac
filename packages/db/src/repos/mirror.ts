// The ServiceTitan mirror: raw records from export feeds, upserted in bulk. History,
// reconciliation and job contexts read from here instead of calling ServiceTitan again.
// A record's synced_at moves only when its content changes: a feed that repeats records
// (includeRecentChanges) neither re-derives history nor makes a job look newer than its feeds.
import { type Db, sql } from '../client.ts';

export interface MirrorRow {
  stId: number;
  parentId: number | null;
  data: unknown;
  modifiedOn: string | null;
}

const CHUNK = 1000;

export async function upsertMirror(
  db: Db,
  tenantId: string,
  resource: string,
  rows: MirrorRow[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await sql(
      db,
      `INSERT INTO st_records (tenant_id, resource, st_id, parent_id, data, modified_on, synced_at)
       SELECT $1, $2, u.st_id, u.parent_id, u.data::jsonb, u.modified_on, now()
       FROM unnest($3::bigint[], $4::bigint[], $5::text[], $6::timestamptz[]) AS u(st_id, parent_id, data, modified_on)
       ON CONFLICT (tenant_id, resource, st_id) DO UPDATE
         SET parent_id = EXCLUDED.parent_id, data = EXCLUDED.data, modified_on = EXCLUDED.modified_on, synced_at = now()
         WHERE (st_records.data, st_records.parent_id, st_records.modified_on)
           IS DISTINCT FROM (EXCLUDED.data, EXCLUDED.parent_id, EXCLUDED.modified_on)`,
      [
        tenantId,
        resource,
        chunk.map((r) => r.stId),
        chunk.map((r) => r.parentId),
        chunk.map((r) => JSON.stringify(r.data)),
        chunk.map((r) => r.modifiedOn),
      ],
    );
  }
}

// Plain SQL (these are on the pipeline's hot path), in st_id order as before.
export async function mirrorRecords<T>(
  db: Db,
  tenantId: string,
  resource: string,
  stIds: number[],
): Promise<T[]> {
  if (!stIds.length) return [];
  const rows = await sql<{ data: T }>(
    db,
    `SELECT data FROM st_records WHERE tenant_id = $1 AND resource = $2 AND st_id = ANY($3::bigint[])
      ORDER BY st_id`,
    [tenantId, resource, stIds.map(String)],
  );
  return rows.map((r) => r.data);
}

export async function mirrorChildren<T>(
  db: Db,
  tenantId: string,
  resource: string,
  parentIds: number[],
): Promise<T[]> {
  if (!parentIds.length) return [];
  const rows = await sql<{ data: T }>(
    db,
    `SELECT data FROM st_records WHERE tenant_id = $1 AND resource = $2 AND parent_id = ANY($3::bigint[])
      ORDER BY st_id`,
    [tenantId, resource, parentIds.map(String)],
  );
  return rows.map((r) => r.data);
}

/**
 * A job and the records of `resource` that belong to it, in one statement: those whose parent is
 * the job (`children`, by st_id) and those the job names in `estimateIds` or
 * `createdFromEstimateId` (`linked`, by st_id): what mirrorRecords and mirrorChildren return
 * for the same ids. The job is undefined when the mirror lacks it.
 */
export async function mirrorJobWithLinked<J>(
  db: Db,
  tenantId: string,
  jobId: number,
  resource: string,
): Promise<{ job: J | undefined; children: unknown[]; linked: unknown[] }> {
  const rows = await sql<{ part: number; data: unknown }>(
    db,
    `WITH job AS (
       SELECT data FROM st_records WHERE tenant_id = $1 AND resource = 'jpm/jobs' AND st_id = $2::bigint
     ),
     named AS (
       SELECT e.value AS id
       FROM job, jsonb_array_elements_text(
         CASE WHEN jsonb_typeof(job.data->'estimateIds') = 'array' THEN job.data->'estimateIds' ELSE '[]'::jsonb END
       ) AS e
       UNION SELECT job.data->>'createdFromEstimateId' FROM job
     )
     SELECT 0 AS part, NULL::bigint AS st_id, data FROM job
     UNION ALL
     SELECT 1, st_id, data FROM st_records WHERE tenant_id = $1 AND resource = $3 AND parent_id = $2::bigint
     UNION ALL
     SELECT 2, st_id, data FROM st_records
      WHERE tenant_id = $1 AND resource = $3
        AND st_id IN (SELECT id::bigint FROM named WHERE id ~ '^[0-9]+$' AND id::bigint <> 0)
     ORDER BY part, st_id`,
    [tenantId, String(jobId), resource],
  );
  return {
    job: rows.find((r) => r.part === 0)?.data as J | undefined,
    children: rows.filter((r) => r.part === 1).map((r) => r.data),
    linked: rows.filter((r) => r.part === 2).map((r) => r.data),
  };
}

/** Ids of records of `resource` synced after `since`. */
export async function mirrorChangedSince(
  db: Db,
  tenantId: string,
  resource: string,
  since: Date,
): Promise<{ stId: number; parentId: number | null }[]> {
  const rows = await db.stRecord.findMany({
    where: { tenantId, resource, syncedAt: { gt: since } },
    select: { stId: true, parentId: true },
  });
  return rows.map((r) => ({
    stId: Number(r.stId),
    parentId: r.parentId === null ? null : Number(r.parentId),
  }));
}

export async function mirrorAll<T>(db: Db, tenantId: string, resource: string): Promise<T[]> {
  const rows = await db.stRecord.findMany({ where: { tenantId, resource }, orderBy: { stId: 'asc' } });
  return rows.map((r) => r.data as T);
}

// ---- feed watermarks ------------------------------------------------------------------------
// One row per export feed under a reserved resource name: when the feed's last complete pass
// started (database clock, in modified_on) and how its latest pass ended. A mirrored record
// can be trusted alongside another feed's records when that feed's last complete pass started
// after the record was synced.

const FEED_MARKS = '_mirror/feeds';

export type MirrorFeedState = 'caught-up' | 'stuck' | 'refused' | 'failed';

export interface MirrorFeedMark {
  feed: string;
  /** When the feed's last pass that reached its end started (database clock); null: never. */
  caughtUpFrom: Date | null;
  /** How the feed's latest pass ended. */
  state: MirrorFeedState;
  detail: string | null;
}

/** A stable id for a feed name (FNV-1a, 31 bits). */
function feedKey(feed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < feed.length; i++) {
    h ^= feed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 1) & 0x7fffffff;
}

/** The database's clock (watermarks and synced_at use it, never a process's). */
export async function mirrorClock(db: Db): Promise<Date> {
  const [row] = await db.$queryRawUnsafe<{ now: Date }[]>('SELECT now() AS now');
  return row!.now;
}

/**
 * Record how a feed's pass ended. `caughtUpFrom` (the pass's start) is kept from earlier passes
 * when null, so a stuck or failed pass does not move the watermark.
 */
export async function markMirrorFeed(
  db: Db,
  tenantId: string,
  feed: string,
  state: MirrorFeedState,
  caughtUpFrom: Date | null,
  detail: string | null = null,
): Promise<void> {
  await sql(
    db,
    `INSERT INTO st_records (tenant_id, resource, st_id, parent_id, data, modified_on, synced_at)
     VALUES ($1, $2, $3, NULL, $4::jsonb, $5, now())
     ON CONFLICT (tenant_id, resource, st_id) DO UPDATE
       SET data = EXCLUDED.data,
           modified_on = COALESCE(EXCLUDED.modified_on, st_records.modified_on),
           synced_at = now()`,
    [tenantId, FEED_MARKS, feedKey(feed), JSON.stringify({ feed, state, detail }), caughtUpFrom],
  );
}

function markOf(data: unknown, modifiedOn: Date | null): MirrorFeedMark {
  const d = data as { feed: string; state: MirrorFeedState; detail?: string | null };
  return { feed: d.feed, state: d.state, detail: d.detail ?? null, caughtUpFrom: modifiedOn };
}

export async function mirrorFeedMarks(db: Db, tenantId: string): Promise<Map<string, MirrorFeedMark>> {
  const rows = await db.stRecord.findMany({ where: { tenantId, resource: FEED_MARKS } });
  return new Map(rows.map((r) => [(r.data as { feed: string }).feed, markOf(r.data, r.modifiedOn)]));
}

// ---- one job's records in one query ---------------------------------------------------------

export interface MirrorJobSnapshotSpec {
  /** Resource of the job records. */
  job: string;
  /** Resources whose records have the job as parent. */
  children: string[];
  /** Records reached through a numeric field of the job record: by id, or as children of it. */
  linked: { resource: string; field: string; by: 'id' | 'parent' }[];
}

export interface MirrorRecord<T = Record<string, unknown>> {
  resource: string;
  stId: number;
  parentId: number | null;
  data: T;
  /** When this record was last written to the mirror (database clock). */
  syncedAt: Date;
}

export interface MirrorJobSnapshot {
  /** The database clock when the snapshot was read. */
  now: Date;
  job: MirrorRecord | null;
  /** Children of the job, by resource, in id order. */
  children: Map<string, MirrorRecord[]>;
  /** Linked records, by `resource field` (see spec.linked), in id order. */
  linked: Map<string, MirrorRecord[]>;
  feeds: Map<string, MirrorFeedMark>;
}

/**
 * A job's mirrored records, the records linked from it, every feed watermark and the database
 * clock, in one round trip.
 */
export async function mirrorJobSnapshot(
  db: Db,
  tenantId: string,
  jobId: number,
  spec: MirrorJobSnapshotSpec,
): Promise<MirrorJobSnapshot> {
  const cols = 'resource, st_id, parent_id, data, synced_at, modified_on';
  const values: unknown[] = [tenantId, spec.job, jobId, spec.children];
  const parts = [
    `SELECT 'job' AS via, ${cols} FROM st_records WHERE tenant_id = $1 AND resource = $2 AND st_id = $3`,
    `SELECT 'child', ${cols} FROM st_records WHERE tenant_id = $1 AND resource = ANY($4::text[]) AND parent_id = $3`,
  ];
  spec.linked.forEach((link, i) => {
    values.push(link.resource, link.field);
    const r = `$${values.length - 1}`;
    const f = `$${values.length}`;
    const key = `(SELECT CASE WHEN jsonb_typeof(data->${f}) = 'number' THEN (data->>${f})::bigint END FROM j)`;
    parts.push(
      `SELECT 'linked:${i}', ${cols} FROM st_records WHERE tenant_id = $1 AND resource = ${r} AND ${
        link.by === 'id' ? 'st_id' : 'parent_id'
      } = ${key}`,
    );
  });
  values.push(FEED_MARKS);
  parts.push(`SELECT 'feed', ${cols} FROM st_records WHERE tenant_id = $1 AND resource = $${values.length}`);
  parts.push(`SELECT 'now', NULL, NULL::bigint, NULL::bigint, NULL::jsonb, now(), NULL::timestamptz`);
  const rows = await db.$queryRawUnsafe<
    {
      via: string;
      resource: string | null;
      st_id: bigint | null;
      parent_id: bigint | null;
      data: unknown;
      synced_at: Date;
      modified_on: Date | null;
    }[]
  >(
    `WITH j AS (SELECT data FROM st_records WHERE tenant_id = $1 AND resource = $2 AND st_id = $3)
     ${parts.join('\n     UNION ALL ')}`,
    ...values,
  );
  const snapshot: MirrorJobSnapshot = {
    now: new Date(),
    job: null,
    children: new Map(spec.children.map((r) => [r, []])),
    linked: new Map(spec.linked.map((l) => [`${l.resource} ${l.field}`, []])),
    feeds: new Map(),
  };
  const record = (r: (typeof rows)[number]): MirrorRecord => ({
    resource: r.resource!,
    stId: Number(r.st_id),
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    data: r.data as Record<string, unknown>,
    syncedAt: r.synced_at,
  });
  for (const r of rows) {
    if (r.via === 'now') snapshot.now = r.synced_at;
    else if (r.via === 'job') snapshot.job = record(r);
    else if (r.via === 'child') snapshot.children.get(r.resource!)?.push(record(r));
    else if (r.via === 'feed') {
      const mark = markOf(r.data, r.modified_on);
      snapshot.feeds.set(mark.feed, mark);
    } else {
      const link = spec.linked[Number(r.via.slice('linked:'.length))]!;
      snapshot.linked.get(`${link.resource} ${link.field}`)!.push(record(r));
    }
  }
  const byId = (a: MirrorRecord, b: MirrorRecord) => a.stId - b.stId;
  for (const list of [...snapshot.children.values(), ...snapshot.linked.values()]) list.sort(byId);
  return snapshot;
}
