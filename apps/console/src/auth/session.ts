// Sessions: the cookie carries a random token; Postgres keeps only its SHA-256 (the session
// id), the CSRF secret, an absolute expiry and the last-seen time for the idle timeout.
import { createHash, randomBytes } from 'node:crypto';
import type { Db, User } from '@invoicer/db';
import { createSession, deleteSession, findSession, tenantScopeOf, touchSession } from '@invoicer/db';
import type { ConsoleEnv } from '../config.ts';
import { newCsrfSecret } from './csrf.ts';
import type { Role } from './roles.ts';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  /**
   * The tenants this user may see and act on, or null for every tenant (admins, and users
   * without a list). Read from the user row on every request, so a change applies at once.
   */
  tenants: readonly string[] | null;
}

function sessionUser(user: User): SessionUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role as Role,
    tenants: tenantScopeOf(user),
  };
}

export interface Auth {
  user: SessionUser;
  /** The session id (hash of the cookie token). */
  sessionId: string;
  csrfSecret: string;
}

/** `__Host-` pins the cookie to this host and path / (browsers require Secure for it). */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-invoicer_session' : 'invoicer_session';
}

export function loginCsrfCookieName(secure: boolean): string {
  return secure ? '__Host-invoicer_login' : 'invoicer_login';
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function openSession(
  db: Db,
  user: User,
  env: ConsoleEnv,
  userAgent: string | undefined,
): Promise<{ token: string; auth: Auth }> {
  const token = randomBytes(32).toString('base64url');
  const session = await createSession(db, {
    tokenHash: hashToken(token),
    userId: user.id,
    csrfSecret: newCsrfSecret(),
    expiresAt: new Date(Date.now() + env.SESSION_TTL * 1000),
    userAgent: userAgent ?? null,
  });
  return {
    token,
    auth: {
      user: sessionUser(user),
      sessionId: session.id,
      csrfSecret: session.csrfSecret,
    },
  };
}

const TOUCH_EVERY_MS = 60_000;

/** The signed-in user for a cookie token, or null (unknown, expired, idle too long, inactive). */
export async function resumeSession(db: Db, token: string, env: ConsoleEnv): Promise<Auth | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const id = hashToken(token);
  const now = new Date();
  const session = await findSession(db, id, now);
  if (!session) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > env.SESSION_IDLE_TIMEOUT * 1000) {
    await deleteSession(db, id);
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) await touchSession(db, id, now);
  return {
    user: sessionUser(session.user),
    sessionId: id,
    csrfSecret: session.csrfSecret,
  };
}
