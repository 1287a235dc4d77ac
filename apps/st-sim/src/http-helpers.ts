// The real ServiceTitan envelopes: list `{page,pageSize,hasMore,totalCount,data}`, export
// `{hasMore,continueFrom,data}` with an opaque token, and the ApiErrorResponse error body.
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { Collection, SimRecord } from './store.ts';

export type Query = Record<string, string | string[] | undefined>;

export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly errors: Record<string, string[]> = {},
  ) {
    super(title);
  }
}

export function sendError(
  reply: FastifyReply,
  status: number,
  title: string,
  errors: Record<string, string[]> = {},
) {
  return reply.code(status).send({
    type: `https://tools.ietf.org/html/rfc7231#section-6.5.${status === 404 ? 4 : 1}`,
    title,
    status,
    traceId: randomUUID().replaceAll('-', ''),
    errors,
    data: {},
  });
}

export function first(query: Query, name: string): string | undefined {
  const v = query[name];
  return Array.isArray(v) ? v[0] : v;
}

export function all(query: Query, name: string): string[] {
  const v = query[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).filter(Boolean);
}

export function intParam(query: Query, name: string): number | undefined {
  const v = first(query, name);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n))
    throw new SimHttpError(400, 'One or more validation errors occurred.', {
      [name]: [`The value '${v}' is not valid.`],
    });
  return n;
}

export function idsParam(query: Query): number[] | undefined {
  const ids = all(query, 'ids');
  if (!ids.length) return undefined;
  const parsed = ids.map(Number);
  if (parsed.some((n) => !Number.isInteger(n))) {
    throw new SimHttpError(400, 'One or more validation errors occurred.', {
      ids: ['ids must be comma-separated integers'],
    });
  }
  if (parsed.length > 50)
    throw new SimHttpError(400, 'One or more validation errors occurred.', {
      ids: ['At most 50 ids are allowed.'],
    });
  return parsed;
}

function dateParam(query: Query, name: string): number | undefined {
  const v = first(query, name);
  if (!v) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t))
    throw new SimHttpError(400, 'One or more validation errors occurred.', {
      [name]: [`The value '${v}' is not valid.`],
    });
  return t;
}

type Dated = { createdOn?: string | null; modifiedOn?: string | null; active?: boolean | null };

/** The filters every list endpoint shares: active, created/modified windows. */
export function commonFilter<T extends Dated>(query: Query): (r: T) => boolean {
  const active = (first(query, 'active') ?? 'True').toLowerCase();
  const windows: [keyof Dated, number | undefined, number | undefined][] = [
    ['createdOn', dateParam(query, 'createdOnOrAfter'), dateParam(query, 'createdBefore')],
    ['modifiedOn', dateParam(query, 'modifiedOnOrAfter'), dateParam(query, 'modifiedBefore')],
  ];
  return (r) => {
    if (active === 'true' && r.active === false) return false;
    if (active === 'false' && r.active !== false) return false;
    for (const [field, from, before] of windows) {
      if (from === undefined && before === undefined) continue;
      const t = r[field] ? Date.parse(String(r[field])) : Number.NaN;
      if (Number.isNaN(t)) return false;
      if (from !== undefined && t < from) return false;
      if (before !== undefined && t >= before) return false;
    }
    return true;
  };
}

export function dateWindow(
  query: Query,
  after: string,
  before: string,
): (value: string | null | undefined) => boolean {
  const from = dateParam(query, after);
  const to = dateParam(query, before);
  return (value) => {
    if (from === undefined && to === undefined) return true;
    if (!value) return false;
    const t = Date.parse(value);
    return (from === undefined || t >= from) && (to === undefined || t < to);
  };
}

/** Page through `rows` (already filtered) with page/pageSize/includeTotal and sort. */
export function listResponse<T extends { id: number }>(
  rows: T[],
  query: Query,
  map: (r: T) => unknown = (r) => r,
) {
  const page = intParam(query, 'page') ?? 1;
  const pageSize = intParam(query, 'pageSize') ?? 50;
  if (page < 1)
    throw new SimHttpError(400, 'One or more validation errors occurred.', {
      page: ['page must be 1 or more'],
    });
  if (pageSize < 1 || pageSize > 5000) {
    throw new SimHttpError(400, 'One or more validation errors occurred.', {
      pageSize: ['pageSize must be between 1 and 5000'],
    });
  }
  const sort = first(query, 'sort');
  const sorted = [...rows];
  if (sort) {
    const desc = sort.startsWith('-');
    const field = sort.replace(/^[+-]/, '');
    const key = field.charAt(0).toLowerCase() + field.slice(1);
    sorted.sort((a, b) => {
      const av = (a as Record<string, unknown>)[key] as string | number;
      const bv = (b as Record<string, unknown>)[key] as string | number;
      return (av < bv ? -1 : av > bv ? 1 : 0) * (desc ? -1 : 1);
    });
  } else {
    sorted.sort((a, b) => a.id - b.id);
  }
  const start = (page - 1) * pageSize;
  const data = sorted.slice(start, start + pageSize).map(map);
  const includeTotal = (first(query, 'includeTotal') ?? '').toLowerCase() === 'true';
  return {
    page,
    pageSize,
    hasMore: start + pageSize < sorted.length,
    totalCount: includeTotal ? sorted.length : null,
    data,
  };
}

/** Opaque continuation tokens: base64url of the last change sequence served. */
export function encodeToken(seq: number): string {
  return Buffer.from(JSON.stringify({ v: 1, s: seq })).toString('base64url');
}

export function decodeFrom<T extends SimRecord>(
  collection: Collection<T>,
  from: string | undefined,
  modifiedOf: (r: T) => string | null | undefined,
): number {
  if (!from) return 0;
  if (/^\d{4}-\d{2}-\d{2}/.test(from)) {
    const date = new Date(from);
    if (Number.isNaN(date.getTime()))
      throw new SimHttpError(400, 'One or more validation errors occurred.', { from: ['Invalid date'] });
    return collection.seqForDate(date, modifiedOf);
  }
  try {
    const parsed = JSON.parse(Buffer.from(from, 'base64url').toString('utf8')) as { s?: unknown };
    if (typeof parsed.s === 'number') return parsed.s;
  } catch {
    // fall through
  }
  throw new SimHttpError(400, 'One or more validation errors occurred.', {
    from: ['The continuation token is not valid.'],
  });
}

export const EXPORT_BATCH = 500;

export function exportResponse<T extends SimRecord>(
  collection: Collection<T>,
  query: Query,
  map: (r: T) => unknown = (r) => r,
  modifiedOf: (r: T) => string | null | undefined = (r) => r.modifiedOn as string | undefined,
) {
  const after = decodeFrom(collection, first(query, 'from'), modifiedOf);
  const { records, lastSeq, hasMore } = collection.changesSince(after, EXPORT_BATCH);
  return { hasMore, continueFrom: encodeToken(lastSeq), data: records.map(map) };
}
