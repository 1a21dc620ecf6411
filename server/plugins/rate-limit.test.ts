import { describe, expect, it } from 'vitest';
import { RateLimiter, perWindow, takeToken } from './rate-limit.js';

describe('takeToken', () => {
  it('allows a burst up to capacity, then asks to wait for one token', () => {
    const rule = perWindow(3, 3000);
    let b = takeToken(undefined, rule, 0).bucket;
    b = takeToken(b, rule, 0).bucket;
    b = takeToken(b, rule, 0).bucket;
    const denied = takeToken(b, rule, 0);
    expect(denied.waitMs).toBe(1000);
    expect(takeToken(denied.bucket, rule, 1000).waitMs).toBe(0);
  });
});

describe('RateLimiter', () => {
  it('counts keys separately and reports seconds to wait', () => {
    let now = 0;
    const rl = new RateLimiter(perWindow(2, 60_000), () => now);
    expect(rl.hit('a')).toBe(0);
    expect(rl.hit('a')).toBe(0);
    expect(rl.hit('a')).toBe(30);
    expect(rl.hit('b')).toBe(0);
    now = 30_000;
    expect(rl.hit('a')).toBe(0);
  });

  it('enforce throws RATE_LIMITED with retryAfter', () => {
    const rl = new RateLimiter(perWindow(1, 10_000), () => 0);
    rl.enforce('k');
    expect(() => rl.enforce('k')).toThrowError(expect.objectContaining({ code: 'RATE_LIMITED', retryAfter: 10 }));
  });

  it('peek and check look without spending; only hit spends', () => {
    const rl = new RateLimiter(perWindow(1, 10_000), () => 0);
    expect(rl.peek('k')).toBe(0);
    rl.check('k');
    expect(rl.peek('k')).toBe(0);
    rl.hit('k');
    expect(rl.peek('k')).toBe(10);
    expect(() => rl.check('k')).toThrowError(expect.objectContaining({ code: 'RATE_LIMITED', retryAfter: 10 }));
  });
});
