// A user's tenants, as the users page, the JSON API and `users:create` set them. Stored as a
// list (users.tenant_ids); an empty list means every tenant, and admins see every tenant
// whatever the list says (auth/tenant-scope.ts has the rule).
//
// Form fields: `scope` = `all` (every tenant) or `listed` (only the ticked `tenants`, at least
// one). JSON clients may instead send `tenants`: a list, or null for every tenant. Neither field
// leaves a user's tenants as they are.
import { type Db, normalizeTenantIds, type Tx } from '@invoicer/db';
import { z } from 'zod';
import { type FieldIssue, parseInput, ValidationError } from '../http/errors.ts';

const TenantId = z.string().trim().min(1).max(64);

const TenantsFields = z.object({
  scope: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['all', 'listed'], { message: 'must be all or listed' }).optional(),
  ),
  tenants: z
    .union([z.string().max(2000), z.array(z.string().max(2000)).max(500), z.null()], {
      message: 'must be a list of tenant ids',
    })
    .optional(),
});

/** Comma-separated ids, as the CLI and a text field give them. */
export function splitTenantIds(value: string | readonly string[]): string[] {
  return normalizeTenantIds([value].flat().flatMap((v) => v.split(',')));
}

/**
 * The tenant list a form or body asks for: undefined = leave as it is, [] = every tenant, or the
 * ids (checked to exist with `checkTenantIds`).
 */
export function tenantsFromBody(body: unknown): string[] | undefined {
  const { scope, tenants } = parseInput(TenantsFields, body);
  const listed = tenants === undefined || tenants === null ? [] : splitTenantIds(tenants);
  for (const id of listed)
    if (!TenantId.safeParse(id).success)
      throw new ValidationError([{ field: 'tenants', message: `"${id.slice(0, 80)}" is not a tenant id` }]);
  if (scope === 'all') {
    if (listed.length)
      throw new ValidationError([
        {
          field: 'tenants',
          message: 'untick the tenants to give every tenant, or choose "only these tenants"',
        },
      ]);
    return [];
  }
  if (scope === 'listed' || (tenants !== undefined && tenants !== null)) {
    if (!listed.length)
      throw new ValidationError([
        { field: 'tenants', message: 'choose at least one tenant, or "every tenant"' },
      ]);
    return listed;
  }
  return tenants === null ? [] : undefined;
}

/** Problems with a tenant list: ids that name no registered tenant. */
export async function tenantIdProblems(db: Db | Tx, ids: readonly string[]): Promise<FieldIssue[]> {
  if (!ids.length) return [];
  const rows = await db.tenant.findMany({ where: { id: { in: [...ids] } }, select: { id: true } });
  const known = new Set(rows.map((t) => t.id));
  const unknown = ids.filter((id) => !known.has(id));
  return unknown.length
    ? [{ field: 'tenants', message: `no tenant ${unknown.map((id) => `"${id}"`).join(', ')} is registered` }]
    : [];
}

/** Refuse a list naming a tenant that is not registered (a typo would scope a user to nothing). */
export async function checkTenantIds(db: Db | Tx, ids: readonly string[]): Promise<void> {
  const problems = await tenantIdProblems(db, ids);
  if (problems.length) throw new ValidationError(problems);
}

/** For audit data and JSON: null for every tenant, else the list. */
export function tenantsForAudit(ids: readonly string[] | null | undefined): string[] | null {
  return ids?.length ? [...ids] : null;
}
