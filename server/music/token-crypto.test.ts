import { describe, expect, it } from 'vitest';
import { TokenCipher } from './token-crypto.js';

const secret = 'a-session-secret-that-is-long-enough-1234';

describe('TokenCipher', () => {
  it('round-trips and never shows the token in the sealed value', () => {
    const c = new TokenCipher(secret);
    const token = 'BQD3x-access-token-from-spotify';
    const sealed = c.encrypt(token, 'user:1:access');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(token);
    expect(Buffer.from(sealed.split('.')[3]!, 'base64url').toString()).not.toContain('access-token');
    expect(c.decrypt(sealed, 'user:1:access')).toBe(token);
  });

  it('uses a fresh IV each time', () => {
    const c = new TokenCipher(secret);
    expect(c.encrypt('same', 'x')).not.toBe(c.encrypt('same', 'x'));
  });

  it('refuses another context, another key and tampering', () => {
    const c = new TokenCipher(secret);
    const sealed = c.encrypt('token', 'user:1:access');
    expect(() => c.decrypt(sealed, 'user:2:access')).toThrow();
    expect(() => new TokenCipher(`${secret}-rotated`).decrypt(sealed, 'user:1:access')).toThrow();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0]! ^= 1;
    expect(() => c.decrypt([parts[0], parts[1], parts[2], body.toString('base64url')].join('.'), 'user:1:access')).toThrow();
    expect(() => c.decrypt('plain-token', 'user:1:access')).toThrow();
  });

  it('needs a real secret', () => {
    expect(() => new TokenCipher('short')).toThrow();
  });
});
