// Create a user, or bring an existing one to the given name, role and password. Used by the
// users:create CLI and by the demo for its demo login.
import {
  type AuditInput,
  appendAuditTx,
  createUser,
  type Db,
  findUserByEmail,
  isUserRole,
  type User,
  type UserRole,
  updateUser,
} from '@invoicer/db';
import { CONSOLE_AUDIT_CHAIN } from '../audit/record.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/password.ts';

export interface UserInput {
  email: string;
  name: string;
  role: string;
  password: string;
}

export function checkUserInput(input: UserInput): string[] {
  const problems: string[] = [];
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.email.trim())) problems.push('email must be an email address');
  if (!input.name.trim()) problems.push('name must not be empty');
  if (!isUserRole(input.role))
    problems.push('role must be billing_specialist, billing_manager, engineer or admin');
  if (input.password.length < MIN_PASSWORD_LENGTH)
    problems.push(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  return problems;
}

export async function ensureUser(
  db: Db,
  input: UserInput,
  actor = 'system:ensureUser',
): Promise<{ user: User; created: boolean }> {
  const problems = checkUserInput(input);
  if (problems.length) throw new Error(`cannot create user: ${problems.join('; ')}`);
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    const existing = await findUserByEmail(tx, input.email);
    const fields = { name: input.name.trim(), role: input.role as UserRole };
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
        before: existing ? { name: existing.name, role: existing.role, active: existing.active } : null,
        after: { name: user.name, role: user.role, active: user.active },
        passwordChanged: true,
      },
    };
    await appendAuditTx(tx, audit);
    return { user, created: !existing };
  });
}
