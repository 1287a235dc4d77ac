// Webhook signature verification: HMAC of the raw body with the shared key, compared in
// constant time. Header, algorithm and encoding are configurable because ServiceTitan does not
// publish them; an optional "sha256=" style prefix is accepted. Hex is compared without regard
// to case (it names the same bytes); base64 is case-sensitive and compared as given.
import { createHmac, timingSafeEqual } from 'node:crypto';

const ALGORITHM_PREFIX = /^(?:sha1|sha256|sha512)=/i;

export function verifySignature(
  rawBody: string,
  header: string | undefined,
  secret: string,
  algorithm: string,
  encoding: 'hex' | 'base64',
): boolean {
  if (!header) return false;
  let received = header.trim().replace(ALGORITHM_PREFIX, '').trim();
  if (encoding === 'hex') received = received.toLowerCase();
  const expected = createHmac(algorithm, secret).update(rawBody).digest(encoding);
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
