// Tenant scoping: which tenants a signed-in user may see and act on, checked for every route in
// one place. The rule (users.tenant_ids, read by tenantScopeOf in @invoicer/db):
//   - admins see every tenant, always;
//   - anyone else with a list of tenants sees those tenants and nothing of any other;
//   - anyone else without a list sees every tenant (users from before scoping keep what they had).
//
// Each row of the role matrix says how its request names a tenant (`tenant` in roles.ts), and
// the guard calls `checkTenantScope` for every request after the role and CSRF checks:
//   'none'   — no tenant data (sign-in, health, static files, the admins' users page);
//   'item'   — the review item in `:id`;
//   'tenant' — a `tenant` field in the query string or the body (lists, counts, searches, forms);
//   'audit'  — the `run` or `item` in the query string, or, without them, a `tenant` filter
//              (the shop-wide page then lists the user's tenants only);
//   'all'    — the page shows every tenant at once and cannot be narrowed (the cluster overview,
//              Bull Board): refused (403) to scoped users.
// Another tenant's item, run or tenant id answers 404 exactly as one that does not exist, so a
// scoped user cannot learn what other tenants have. Handlers then list and default to the
// user's tenants only (`visibleTenants`), so lists never hold, and counts never count, another
// tenant's rows.
import { type Db, listTenants, type Tenant } from '@invoicer/db';
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../http/errors.ts';
import type { SessionUser } from './session.ts';

export type TenantRule = 'none' | 'item' | 'tenant' | 'audit' | 'all';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const NO_ITEM = 'There is no such review item.';
export const NO_RUN = 'There is no such run.';
export const noTenant = (id: string) => `There is no tenant "${id}".`;

/** Thrown for another tenant's data: the same 404 a missing item, run or tenant gets. */
export class OutOfScopeError extends HttpError {
  override name = 'OutOfScopeError';
  constructor(message: string) {
    super(404, message);
  }
}

export function isScoped(user: Pick<SessionUser, 'tenants'>): boolean {
  return user.tenants !== null;
}

export function canSeeTenant(user: Pick<SessionUser, 'tenants'>, tenantId: string): boolean {
  return user.tenants === null || user.tenants.includes(tenantId);
}

/** The registered tenants this user may see, in id order. */
export async function visibleTenants(db: Db, user: Pick<SessionUser, 'tenants'>): Promise<Tenant[]> {
  const tenants = await listTenants(db);
  return user.tenants === null ? tenants : tenants.filter((t) => canSeeTenant(user, t.id));
}

/** Every `tenant` value a request carries, in its query string or its body. */
function requestedTenants(request: FastifyRequest): string[] {
  const out: string[] = [];
  for (const source of [request.query, request.body]) {
    if (!source || typeof source !== 'object' || Buffer.isBuffer(source)) continue;
    const value = (source as Record<string, unknown>).tenant;
    for (const v of [value].flat()) if (typeof v === 'string' && v.trim() !== '') out.push(v.trim());
  }
  return out;
}

function param(source: unknown, name: string): string | null {
  const value = (source as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && UUID.test(value) ? value : null;
}

/**
 * Refuse a request that reaches past the user's tenants. Unscoped users (admins, users without a
 * list) pass untouched. Malformed ids are left to the handler's validation (400 says nothing about
 * what exists).
 */
export async function checkTenantScope(
  db: Db,
  request: FastifyRequest,
  rule: TenantRule,
  user: SessionUser,
): Promise<void> {
  if (!isScoped(user) || rule === 'none') return;
  if (rule === 'all')
    throw new HttpError(
      403,
      'This page shows every tenant at once; your account is limited to some tenants. Ask an admin.',
    );
  // A `tenant` named anywhere in the request must be one of the user's, whatever the rule.
  for (const id of requestedTenants(request))
    if (!canSeeTenant(user, id)) throw new OutOfScopeError(noTenant(id));
  if (rule === 'item') {
    const id = param(request.params, 'id');
    if (!id) return;
    const item = await db.reviewItem.findUnique({ where: { id }, select: { tenantId: true } });
    if (!item || !canSeeTenant(user, item.tenantId)) throw new OutOfScopeError(NO_ITEM);
  } else if (rule === 'audit') {
    const itemId = param(request.query, 'item');
    const runId = param(request.query, 'run');
    if (itemId) {
      const item = await db.reviewItem.findUnique({ where: { id: itemId }, select: { tenantId: true } });
      if (!item || !canSeeTenant(user, item.tenantId)) throw new OutOfScopeError(NO_ITEM);
    }
    if (runId) {
      const run = await db.pipelineRun.findUnique({ where: { id: runId }, select: { tenantId: true } });
      if (!run || !canSeeTenant(user, run.tenantId)) throw new OutOfScopeError(NO_RUN);
    }
  }
}
