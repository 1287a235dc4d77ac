// Reminder-email unsubscribe tokens: "<message id>.<HMAC-SHA256(secret, tenant:message id)>",
// base64url, so a List-Unsubscribe link names one message (and so its recipient) and cannot be
// forged or pointed at another tenant.
import { createHmac, timingSafeEqual } from 'node:crypto';

const mac = (secret: string, tenantId: string, messageId: string) =>
  createHmac('sha256', secret).update(`${tenantId}:${messageId}`).digest('base64url');

export function unsubscribeToken(secret: string, tenantId: string, messageId: string): string {
  return `${messageId}.${mac(secret, tenantId, messageId)}`;
}

/** The message id the token names, or null when it is not valid for this tenant. */
export function readUnsubscribeToken(secret: string, tenantId: string, token: string): string | null {
  const [messageId, given] = token.split('.');
  if (!messageId || !given || !/^[0-9a-f-]{36}$/.test(messageId)) return null;
  const expected = Buffer.from(mac(secret, tenantId, messageId));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? messageId : null;
}
