// Create a user, or bring an existing one to the given name, role, password and (when given)
// tenants. Used by the users:create CLI and by the demo for its demo login.
import {
  type AuditInput,
  appendAuditTx,
  createUser,
  type Db,
  findUserByEmail,
  isUserRole,
  normalizeTenantIds,
  type User,
  type UserRole,
  updateUser,
} from '@invoicer/db';
import { CONSOLE_AUDIT_CHAIN } from '../audit/record.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/password.ts';
import { tenantIdProblems, tenantsForAudit } from './tenants.ts';

export interface UserInput {
  email: string;
  name: string;
  role: string;
  password: string;
  /**
   * The tenants the user may see: a list of registered tenant ids, or null/[] for every tenant.
   * Absent: a new user gets every tenant, an existing one keeps theirs. Admins see every tenant
   * whatever is stored.
   */
  tenants?: readonly string[] | null;
}

export function checkUserInput(input: UserInput): string[] {
  const problems: string[] = [];
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email.trim())) problems.push('email must be an email address');
  if (!input.name.trim()) problems.push('name must not be empty');
  if (!isUserRole(input.role))
    problems.push('role must be billing_specialist, billing_manager, engineer or admin');
  if (input.password.length < MIN_PASSWORD_LENGTH)
    problems.push(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  for (const id of input.tenants ?? [])
    if (!/^[^\s,]{1,64}$/.test(id)) problems.push(`tenants: "${id.slice(0, 80)}" is not a tenant id`);
  return problems;
}

export async function ensureUser(
  db: Db,
  input: UserInput,
  actor = 'system:ensureUser',
): Promise<{ user: User; created: boolean }> {
  const problems = checkUserInput(input);
  if (problems.length) throw new Error(`cannot create user: ${problems.join('; ')}`);
  const tenantIds = input.tenants === undefined ? undefined : normalizeTenantIds(input.tenants ?? []);
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    const unknown = tenantIds ? await tenantIdProblems(tx, tenantIds) : [];
    if (unknown.length)
      throw new Error(`cannot create user: ${unknown.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    const existing = await findUserByEmail(tx, input.email);
    const fields = {
      name: input.name.trim(),
      role: input.role as UserRole,
      ...(tenantIds ? { tenantIds } : {}),
    };
    const user = existing
      ? await updateUser(tx, existing.id, { ...fields, passwordHash, active: true })
      : await createUser(tx, { email: input.email, passwordHash, ...fields });
    const audit: AuditInput = {
      tenantId: CONSOLE_AUDIT_CHAIN,
      actorType: 'system',
      actor,
      action: existing ? 'user.updated' : 'user.created',
      data: {
        userId: user.id,
        email: user.email,
        before: existing
          ? {
              name: existing.name,
              role: existing.role,
              active: existing.active,
              tenants: tenantsForAudit(existing.tenantIds),
            }
          : null,
        after: {
          name: user.name,
          role: user.role,
          active: user.active,
          tenants: tenantsForAudit(user.tenantIds),
        },
        passwordChanged: true,
      },
    };
    await appendAuditTx(tx, audit);
    return { user, created: !existing };
  });
}
