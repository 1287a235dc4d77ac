// The signed customer link: "<payload>.<mac>", both base64url. The payload names the tenant, the
// customer, the invoice and when the link expires; the MAC is HMAC-SHA256 over the payload with
// PORTAL_LINK_SECRET. The link alone decides whose data a page and the assistant can read: nothing
// a customer types, and nothing a model says, can widen it.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface LinkScope {
  tenantId: string;
  customerId: number;
  invoiceId: number;
}

export interface SignedLink extends LinkScope {
  /** Expiry, seconds since the epoch. */
  expiresAt: number;
  /** Issue time, seconds since the epoch (a new link for the same invoice is a new conversation). */
  issuedAt: number;
}

export const DEFAULT_LINK_TTL_DAYS = 30;

const mac = (secret: string, payload: string) =>
  createHmac('sha256', secret).update(`portal-link:v1:${payload}`).digest('base64url');

export function signLink(
  secret: string,
  scope: LinkScope,
  options: { now?: Date; ttlDays?: number } = {},
): string {
  if (secret.length < 16) throw new Error('the portal link secret must be at least 16 characters');
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const expiresAt = issuedAt + Math.round((options.ttlDays ?? DEFAULT_LINK_TTL_DAYS) * 86_400);
  const body: SignedLink = { ...scope, issuedAt, expiresAt };
  const payload = Buffer.from(
    JSON.stringify([body.tenantId, body.customerId, body.invoiceId, body.issuedAt, body.expiresAt]),
  ).toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

export type LinkCheck = { ok: true; link: SignedLink } | { ok: false; reason: 'invalid' | 'expired' };

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function verifyLink(secret: string, token: string, now: Date = new Date()): LinkCheck {
  if (typeof token !== 'string' || token.length > 600) return { ok: false, reason: 'invalid' };
  const [payload, given, extra] = token.split('.');
  if (!payload || !given || extra !== undefined) return { ok: false, reason: 'invalid' };
  const expected = Buffer.from(mac(secret, payload));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual))
    return { ok: false, reason: 'invalid' };
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (!Array.isArray(parts) || parts.length !== 5) return { ok: false, reason: 'invalid' };
  const [tenantId, customerId, invoiceId, issuedAt, expiresAt] = parts;
  const positive = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) > 0;
  if (typeof tenantId !== 'string' || !ID.test(tenantId)) return { ok: false, reason: 'invalid' };
  if (![customerId, invoiceId, issuedAt, expiresAt].every(positive)) return { ok: false, reason: 'invalid' };
  if (now.getTime() / 1000 >= expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, link: { tenantId, customerId, invoiceId, issuedAt, expiresAt } };
}

/** A stable, non-reversible id of a link (rate-limit keys, the conversation row): never the token. */
export function linkDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 32);
}

/** The customer page's URL for a link, from the configured public base (e.g. https://pay.shop.com). */
export function portalUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/portal/${token}`;
}
