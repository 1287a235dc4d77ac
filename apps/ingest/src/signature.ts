// Webhook signature verification: HMAC of the raw body with the shared key, compared in
// constant time. Header, algorithm and encoding are configurable because ServiceTitan does not
// publish them; an optional "sha256=" style prefix is accepted.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function verifySignature(
  rawBody: string,
  header: string | undefined,
  secret: string,
  algorithm: string,
  encoding: 'hex' | 'base64',
): boolean {
  if (!header) return false;
  const received = header.replace(/^[a-z0-9]+=/i, '').trim();
  const expected = createHmac(algorithm, secret).update(rawBody).digest(encoding);
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
