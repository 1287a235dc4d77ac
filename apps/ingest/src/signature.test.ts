import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifySignature } from './signature.ts';

const SECRET = 'unit-test-secret-0123456789';
const sign = (body: string, encoding: 'hex' | 'base64', algorithm = 'sha256') =>
  createHmac(algorithm, SECRET).update(body).digest(encoding);

describe('verifySignature', () => {
  it('accepts hex in either case, with or without an algorithm prefix', () => {
    const body = '{"a":1}';
    const hex = sign(body, 'hex');
    for (const header of [hex, hex.toUpperCase(), `sha256=${hex}`, `SHA256=${hex.toUpperCase()}`, ` ${hex} `])
      expect(verifySignature(body, header, SECRET, 'sha256', 'hex'), header).toBe(true);
  });

  it('refuses a wrong, truncated or missing signature', () => {
    const body = '{"a":1}';
    const other = sign('{"a":2}', 'hex');
    expect(verifySignature(body, other, SECRET, 'sha256', 'hex')).toBe(false);
    expect(verifySignature(body, other.toUpperCase(), SECRET, 'sha256', 'hex')).toBe(false);
    expect(verifySignature(body, sign(body, 'hex').slice(0, 63), SECRET, 'sha256', 'hex')).toBe(false);
    expect(verifySignature(body, undefined, SECRET, 'sha256', 'hex')).toBe(false);
    expect(verifySignature(body, '', SECRET, 'sha256', 'hex')).toBe(false);
  });

  it('keeps base64 case-sensitive and never mistakes its padding for a prefix', () => {
    // A base64 digest with no "+" or "/" before its "=" padding looks like "<letters>=".
    let body = '';
    for (let n = 0; ; n++) {
      body = `{"n":${n}}`;
      if (/^[A-Za-z0-9]+=$/.test(sign(body, 'base64'))) break;
    }
    const b64 = sign(body, 'base64');
    expect(verifySignature(body, b64, SECRET, 'sha256', 'base64')).toBe(true);
    expect(verifySignature(body, `sha256=${b64}`, SECRET, 'sha256', 'base64')).toBe(true);
    expect(verifySignature(body, b64.toLowerCase(), SECRET, 'sha256', 'base64')).toBe(false);
  });
});
