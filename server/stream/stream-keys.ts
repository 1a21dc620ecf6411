/**
 * Stream keys at rest (SPEC: secrets hashed or encrypted). A key is 32 random base64url characters
 * with a `live_` prefix (NMS accepts only [A-Za-z0-9_-] stream names). We store:
 * - HMAC-SHA256(k1, key): looks a publish up by key without keeping the key;
 * - AES-256-GCM(k2, key): lets owners and moderators see and copy it again.
 * k1 and k2 are derived (HKDF-SHA256) from the session secret, which lives outside the database
 * (DATA_DIR/session-secret or SESSION_SECRET): a copy of the database alone reveals no key.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export const STREAM_KEY_RE = /^live_[A-Za-z0-9_-]{32}$/;

export class StreamKeyVault {
  private readonly macKey: Buffer;
  private readonly encKey: Buffer;

  constructor(secret: string) {
    const ikm = Buffer.from(secret, 'utf8');
    this.macKey = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'commonroom stream-key hmac v1', 32));
    this.encKey = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'commonroom stream-key aes-gcm v1', 32));
  }

  static newKey(): string {
    return `live_${randomBytes(24).toString('base64url')}`;
  }

  hash(key: string): string {
    return createHmac('sha256', this.macKey).update(key).digest('base64url');
  }

  matches(key: string, hash: string): boolean {
    const a = Buffer.from(this.hash(key));
    const b = Buffer.from(hash);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** `v1.<iv>.<tag>.<ciphertext>` (base64url parts); the room id is bound as associated data. */
  seal(key: string, roomId: number): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.encKey, iv);
    c.setAAD(Buffer.from(`room:${roomId}`));
    const ct = Buffer.concat([c.update(key, 'utf8'), c.final()]);
    return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  /** The key, or null when it cannot be opened (another secret, tampering). */
  open(sealed: string, roomId: number): string | null {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || ct === undefined) return null;
    try {
      const d = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'));
      d.setAAD(Buffer.from(`room:${roomId}`));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
