// Console users and their sessions. Passwords arrive here already hashed (the console hashes
// with scrypt); session rows are keyed by the SHA-256 of the cookie token, so a copy of this
// table cannot be replayed as cookies.
import type { Db, Tx } from '../client.ts';
import type { Session, User } from '../generated/prisma/client.ts';

export const USER_ROLES = ['billing_specialist', 'billing_manager', 'engineer', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export function isUserRole(value: string): value is UserRole {
  return (USER_ROLES as readonly string[]).includes(value);
}

export interface NewUser {
  email: string;
  name: string;
  role: UserRole;
  passwordHash: string;
  /** Tenants a non-admin may see; empty or absent = every tenant (see tenantScopeOf). */
  tenantIds?: string[];
}

/**
 * The tenants a user may see, or null for every tenant: admins always see every tenant; anyone
 * else sees the tenants on their list, or every tenant when the list is empty (users created
 * before scoping existed keep what they had).
 */
export function tenantScopeOf(user: Pick<User, 'role' | 'tenantIds'>): readonly string[] | null {
  if (user.role === 'admin') return null;
  const ids = user.tenantIds ?? [];
  return ids.length ? ids : null;
}

/** A tenant list as stored: trimmed, without duplicates, in the order given. */
export function normalizeTenantIds(ids: Iterable<string>): string[] {
  return [...new Set([...ids].map((id) => id.trim()).filter(Boolean))];
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function createUser(db: Db | Tx, input: NewUser): Promise<User> {
  return db.user.create({
    data: {
      ...input,
      email: normalizeEmail(input.email),
      tenantIds: normalizeTenantIds(input.tenantIds ?? []),
    },
  });
}

export async function findUserByEmail(db: Db | Tx, email: string): Promise<User | null> {
  return db.user.findUnique({ where: { email: normalizeEmail(email) } });
}

export async function getUser(db: Db | Tx, id: string): Promise<User | null> {
  return db.user.findUnique({ where: { id } });
}

export async function listUsers(db: Db | Tx): Promise<User[]> {
  return db.user.findMany({ orderBy: [{ active: 'desc' }, { email: 'asc' }] });
}

/** Names for a set of user ids (claims and audit rows store ids). */
export async function userNames(db: Db | Tx, ids: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set(ids)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (!unique.length) return new Map();
  const rows = await db.user.findMany({ where: { id: { in: unique } }, select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function updateUser(
  db: Db | Tx,
  id: string,
  patch: Partial<Pick<User, 'name' | 'role' | 'active' | 'passwordHash' | 'lastLoginAt' | 'tenantIds'>>,
): Promise<User> {
  const data = patch.tenantIds ? { ...patch, tenantIds: normalizeTenantIds(patch.tenantIds) } : patch;
  return db.user.update({ where: { id }, data });
}

export interface NewSession {
  /** SHA-256 (hex) of the cookie token. */
  tokenHash: string;
  userId: string;
  csrfSecret: string;
  expiresAt: Date;
  userAgent?: string | null;
}

export async function createSession(db: Db | Tx, input: NewSession): Promise<Session> {
  return db.session.create({
    data: {
      id: input.tokenHash,
      userId: input.userId,
      csrfSecret: input.csrfSecret,
      expiresAt: input.expiresAt,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
    },
  });
}

/** The live session for a token hash, with its (active) user; expired sessions are not returned. */
export async function findSession(
  db: Db | Tx,
  tokenHash: string,
  now = new Date(),
): Promise<(Session & { user: User }) | null> {
  const session = await db.session.findUnique({ where: { id: tokenHash }, include: { user: true } });
  if (!session || session.expiresAt <= now || !session.user.active) return null;
  return session;
}

export async function touchSession(db: Db | Tx, tokenHash: string, now = new Date()): Promise<void> {
  await db.session.updateMany({ where: { id: tokenHash }, data: { lastSeenAt: now } });
}

export async function deleteSession(db: Db | Tx, tokenHash: string): Promise<void> {
  await db.session.deleteMany({ where: { id: tokenHash } });
}

export async function deleteUserSessions(db: Db | Tx, userId: string): Promise<number> {
  const { count } = await db.session.deleteMany({ where: { userId } });
  return count;
}

export async function deleteExpiredSessions(db: Db | Tx, now = new Date()): Promise<number> {
  const { count } = await db.session.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}
