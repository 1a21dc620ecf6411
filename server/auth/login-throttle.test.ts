import { describe, expect, it } from 'vitest';
import { AccountBackoff, LoginThrottle, MAX_BACKOFF_MS, backoffMs } from './login-throttle.js';

describe('backoffMs', () => {
  it('is free for ten failures, then doubles from 1 s and stops at the cap', () => {
    expect(backoffMs(10)).toBe(0);
    expect(backoffMs(11)).toBe(1000);
    expect(backoffMs(12)).toBe(2000);
    expect(backoffMs(15)).toBe(16_000);
    expect(backoffMs(500)).toBe(MAX_BACKOFF_MS);
  });
});

describe('AccountBackoff', () => {
  it('slows an attacked account to one admitted attempt per step, never refusing past the cap', () => {
    let now = 0;
    const b = new AccountBackoff(() => now);
    for (let i = 0; i < 40; i++) b.failed('owner');
    const wait = b.admit('owner');
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(MAX_BACKOFF_MS / 1000);
    now += wait * 1000;
    expect(b.admit('owner')).toBe(0);
    // Parallel attempts cannot slip through together: the admitted one took the slot.
    expect(b.admit('owner')).toBeGreaterThan(0);
    expect(b.admit('someone-else')).toBe(0);
  });

  it('forgets failures over the window', () => {
    let now = 0;
    const b = new AccountBackoff(() => now);
    for (let i = 0; i < 20; i++) b.failed('owner');
    now += 30 * 60_000;
    expect(b.admit('owner')).toBe(0);
    expect(b.admit('owner')).toBe(0);
  });
});

describe('LoginThrottle', () => {
  it('blocks the guessing address for the account, not the owner elsewhere', () => {
    const t = new LoginThrottle(1000, () => 0);
    const guess = { ip: 'A', account: 'victim', knownAddress: false };
    for (let i = 0; i < 10; i++) {
      t.before(guess);
      t.failed(guess);
    }
    expect(() => t.before(guess)).toThrowError(expect.objectContaining({ code: 'RATE_LIMITED' }));
    expect(() => t.before({ ip: 'B', account: 'victim', knownAddress: false })).not.toThrow();
  });
});
