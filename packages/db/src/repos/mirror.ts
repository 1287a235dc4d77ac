// The ServiceTitan mirror: raw records from export feeds, upserted in bulk. History and
// reconciliation read from here instead of calling ServiceTitan again.
import type { Db } from '../client.ts';

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
    await db.$executeRawUnsafe(
      `INSERT INTO st_records (tenant_id, resource, st_id, parent_id, data, modified_on, synced_at)
       SELECT $1, $2, u.st_id, u.parent_id, u.data::jsonb, u.modified_on, now()
       FROM unnest($3::bigint[], $4::bigint[], $5::text[], $6::timestamptz[]) AS u(st_id, parent_id, data, modified_on)
       ON CONFLICT (tenant_id, resource, st_id) DO UPDATE
         SET parent_id = EXCLUDED.parent_id, data = EXCLUDED.data, modified_on = EXCLUDED.modified_on, synced_at = now()`,
      tenantId,
      resource,
      chunk.map((r) => r.stId),
      chunk.map((r) => r.parentId),
      chunk.map((r) => JSON.stringify(r.data)),
      chunk.map((r) => r.modifiedOn),
    );
  }
}

export async function mirrorRecords<T>(
  db: Db,
  tenantId: string,
  resource: string,
  stIds: number[],
): Promise<T[]> {
  if (!stIds.length) return [];
  const rows = await db.stRecord.findMany({ where: { tenantId, resource, stId: { in: stIds } } });
  return rows.map((r) => r.data as T);
}

export async function mirrorChildren<T>(
  db: Db,
  tenantId: string,
  resource: string,
  parentIds: number[],
): Promise<T[]> {
  if (!parentIds.length) return [];
  const rows = await db.stRecord.findMany({
    where: { tenantId, resource, parentId: { in: parentIds } },
    orderBy: { stId: 'asc' },
  });
  return rows.map((r) => r.data as T);
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
