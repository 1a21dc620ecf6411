/**
 * Encryption at rest for Spotify tokens and PKCE verifiers. Pure (node:crypto only).
 *
 * AES-256-GCM with a 256-bit key derived from the session secret by HKDF-SHA256 (its own `info`,
 * so the key is never the secret itself nor shared with another purpose). A fresh 96-bit IV per
 * value. The associated data binds a ciphertext to its owner (e.g. `user:42:access`): a value
 * copied into another row does not decrypt. Format: `v1.<iv>.<tag>.<ciphertext>` (base64url).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const INFO = 'commonroom spotify tokens v1';
const SALT = 'commonroom/music';

export class TokenCipher {
  private readonly key: Buffer;

  constructor(secret: string) {
    if (secret.length < 32) throw new Error('TokenCipher needs a secret of 32+ characters');
    this.key = Buffer.from(hkdfSync('sha256', secret, SALT, INFO, 32));
  }

  encrypt(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** Throws when the value was tampered with, belongs to another context or another key. */
  decrypt(sealed: string, context: string): string {
    const [version, iv, tag, body, extra] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined || extra !== undefined) throw new Error('not a sealed token');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
