import { describe, expect, it } from 'vitest';
import { STREAM_KEY_RE, StreamKeyVault } from './stream-keys.js';

describe('stream key vault', () => {
  const vault = new StreamKeyVault('x'.repeat(40));

  it('makes keys NMS accepts, distinct each time', () => {
    const a = StreamKeyVault.newKey();
    expect(a).toMatch(STREAM_KEY_RE);
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(StreamKeyVault.newKey()).not.toBe(a);
  });

  it('stores neither the key nor something that reveals it without the secret', () => {
    const key = StreamKeyVault.newKey();
    const hash = vault.hash(key);
    const sealed = vault.seal(key, 7);
    expect(hash).not.toContain(key);
    expect(sealed).not.toContain(key.slice(5));
    expect(vault.matches(key, hash)).toBe(true);
    expect(vault.matches(`${key}x`, hash)).toBe(false);
    expect(vault.open(sealed, 7)).toBe(key);
    // Bound to its room, to the secret, and tamper-evident.
    expect(vault.open(sealed, 8)).toBeNull();
    expect(new StreamKeyVault('y'.repeat(40)).open(sealed, 7)).toBeNull();
    expect(new StreamKeyVault('y'.repeat(40)).hash(key)).not.toBe(hash);
    const parts = sealed.split('.');
    parts[3] = parts[3]!.slice(0, -2) + (parts[3]!.endsWith('AA') ? 'BB' : 'AA');
    expect(vault.open(parts.join('.'), 7)).toBeNull();
    expect(vault.open('garbage', 7)).toBeNull();
  });
});
