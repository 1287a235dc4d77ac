// CSRF tokens bound to the session's secret (sessions.csrf_secret). Each rendered token is a
// fresh salt plus HMAC(secret, salt), so tokens differ per page (no BREACH-style reuse) and
// any of them verifies for as long as the session lives.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

function mac(secret: string, salt: string): string {
  return createHmac('sha256', secret).update(salt).digest('base64url');
}

export function newCsrfSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function csrfToken(secret: string): string {
  const salt = randomBytes(12).toString('base64url');
  return `${salt}.${mac(secret, salt)}`;
}

export function verifyCsrfToken(secret: string, token: unknown): boolean {
  if (typeof token !== 'string') return false;
  const [salt, given] = token.split('.');
  if (!salt || !given) return false;
  return safeEqual(mac(secret, salt), given);
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Same-origin check for unsafe requests: the Origin (or Referer) must name this host. */
export function sameOrigin(
  headers: { origin?: string | string[]; referer?: string | string[] },
  host: string,
  requireHeader: boolean,
): boolean {
  const origin = [headers.origin].flat()[0];
  if (origin === 'null') return false;
  const source = origin || [headers.referer].flat()[0];
  if (!source) return !requireHeader;
  try {
    return new URL(source).host === host;
  } catch {
    return false;
  }
}
