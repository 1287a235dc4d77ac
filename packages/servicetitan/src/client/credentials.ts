// Tenant credentials at rest: AES-256-GCM with a key from the environment. The sealed form is
// "v1.<iv>.<tag>.<ciphertext>" (base64url); tampering fails authentication.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const StCredentials = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  appKey: z.string().min(1),
});
export type StCredentials = z.infer<typeof StCredentials>;

/** Accepts a 32-byte key as base64, base64url or hex. */
export function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32)
    throw new Error('CREDENTIALS_KEY must be 32 bytes (64 hex characters or 44 base64 characters)');
  return key;
}

export function sealCredentials(credentials: StCredentials, key: Buffer): string {
  return sealJson(StCredentials.parse(credentials), key);
}

export function openCredentials(sealed: string, key: Buffer): StCredentials {
  return StCredentials.parse(openJson(sealed, key));
}

/** Seal any JSON value the same way (other secrets at rest, e.g. accounting OAuth tokens). */
export function sealJson(value: unknown, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ['v1', iv, tag, ciphertext]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export function openJson(sealed: string, key: Buffer): unknown {
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || !ciphertext) throw new Error('sealed credentials are malformed');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
  return JSON.parse(plain.toString('utf8'));
}

/**
 * The key that seals tenant credentials: CREDENTIALS_KEY when set; otherwise (local
 * development only) a random key kept in `devKeyFile`, created on first use with mode 0600.
 */
export function resolveCredentialsKey(
  envValue: string | undefined,
  devKeyFile: string,
): { key: Buffer; source: 'env' | 'dev-file' } {
  if (envValue) return { key: parseKey(envValue), source: 'env' };
  if (!existsSync(devKeyFile)) {
    mkdirSync(path.dirname(devKeyFile), { recursive: true });
    writeFileSync(devKeyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  return { key: parseKey(readFileSync(devKeyFile, 'utf8')), source: 'dev-file' };
}
