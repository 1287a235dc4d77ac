// The signed customer link: "<tenant>.<customer>.<invoice>.<issued>.<expires>.<mac>", numbers in
// base 36 and the MAC (HMAC-SHA256 with PORTAL_LINK_SECRET over the rest, first 128 bits) in
// base64url, short enough for an SMS. The link alone decides whose data a page and the assistant can
// read: nothing a customer types, and nothing a model says, can widen it.
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
  createHmac('sha256', secret)
    .update(`portal-link:v1:${payload}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const B36 = /^[0-9a-z]{1,12}$/;

export function signLink(
  secret: string,
  scope: LinkScope,
  options: { now?: Date; ttlDays?: number } = {},
): string {
  if (secret.length < 16) throw new Error('the portal link secret must be at least 16 characters');
  if (!ID.test(scope.tenantId)) throw new Error(`tenant id "${scope.tenantId}" cannot be put in a link`);
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const expiresAt = issuedAt + Math.round((options.ttlDays ?? DEFAULT_LINK_TTL_DAYS) * 86_400);
  const payload = [
    scope.tenantId,
    ...[scope.customerId, scope.invoiceId, issuedAt, expiresAt].map((n) => n.toString(36)),
  ].join('.');
  return `${payload}.${mac(secret, payload)}`;
}

export type LinkCheck = { ok: true; link: SignedLink } | { ok: false; reason: 'invalid' | 'expired' };

export function verifyLink(secret: string, token: string, now: Date = new Date()): LinkCheck {
  if (typeof token !== 'string' || token.length > 200) return { ok: false, reason: 'invalid' };
  const parts = token.split('.');
  if (parts.length !== 6) return { ok: false, reason: 'invalid' };
  const given = parts.pop()!;
  const payload = parts.join('.');
  const expected = Buffer.from(mac(secret, payload));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual))
    return { ok: false, reason: 'invalid' };
  const [tenantId, ...numbers] = parts as [string, ...string[]];
  if (!ID.test(tenantId) || !numbers.every((n) => B36.test(n))) return { ok: false, reason: 'invalid' };
  const [customerId, invoiceId, issuedAt, expiresAt] = numbers.map((n) => Number.parseInt(n, 36)) as [
    number,
    number,
    number,
    number,
  ];
  if (![customerId, invoiceId, issuedAt, expiresAt].every((n) => Number.isSafeInteger(n) && n > 0))
    return { ok: false, reason: 'invalid' };
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

/**
 * The customer page link for an invoice message or PDF, when the portal is configured
 * (PORTAL_LINK_SECRET and PORTAL_BASE_URL); null otherwise, so messages simply leave it out.
 */
export function invoiceQuestionsUrl(
  env: { PORTAL_LINK_SECRET?: string; PORTAL_BASE_URL?: string; PORTAL_LINK_TTL_DAYS?: string | number },
  scope: LinkScope,
  now: Date = new Date(),
): string | null {
  if (!env.PORTAL_LINK_SECRET || !env.PORTAL_BASE_URL) return null;
  const ttlDays = Number(env.PORTAL_LINK_TTL_DAYS ?? DEFAULT_LINK_TTL_DAYS) || DEFAULT_LINK_TTL_DAYS;
  return portalUrl(env.PORTAL_BASE_URL, signLink(env.PORTAL_LINK_SECRET, scope, { now, ttlDays }));
}
