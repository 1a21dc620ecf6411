/**
 * In-memory rate limiting: token buckets keyed by string. One process, one limiter per purpose;
 * a multi-node deployment would move this to Redis (see docs/decisions).
 */
import { AppError } from './errors.js';

export interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface RateRule {
  /** Tokens the bucket holds when full (the burst). */
  capacity: number;
  /** Tokens added back per millisecond. */
  refillPerMs: number;
}

/** Pure: the bucket after spending one token at `now`, or the ms to wait when empty. */
export function takeToken(bucket: Bucket | undefined, rule: RateRule, now: number): { bucket: Bucket; waitMs: number } {
  const prev = bucket ?? { tokens: rule.capacity, updatedAt: now };
  const tokens = Math.min(rule.capacity, prev.tokens + (now - prev.updatedAt) * rule.refillPerMs);
  if (tokens >= 1) return { bucket: { tokens: tokens - 1, updatedAt: now }, waitMs: 0 };
  return { bucket: { tokens, updatedAt: now }, waitMs: Math.ceil((1 - tokens) / rule.refillPerMs) };
}

export const perWindow = (count: number, windowMs: number): RateRule => ({
  capacity: count,
  refillPerMs: count / windowMs,
});

export class RateLimiter {
  private buckets = new Map<string, Bucket>();
  private sweeps = 0;

  constructor(
    private readonly rule: RateRule,
    private readonly now: () => number = Date.now,
  ) {}

  /** Spends a token for `key`; returns 0 when allowed, else seconds to wait. */
  hit(key: string): number {
    const t = this.now();
    const { bucket, waitMs } = takeToken(this.buckets.get(key), this.rule, t);
    this.buckets.set(key, bucket);
    if (++this.sweeps % 1000 === 0) this.sweep(t);
    return waitMs === 0 ? 0 : Math.max(1, Math.ceil(waitMs / 1000));
  }

  /** Seconds to wait before `key` may spend a token (0: it may now), without spending one. */
  peek(key: string): number {
    const { waitMs } = takeToken(this.buckets.get(key), this.rule, this.now());
    return waitMs === 0 ? 0 : Math.max(1, Math.ceil(waitMs / 1000));
  }

  /**
   * Throws RATE_LIMITED while `key` has no token left, without spending one: pair it with
   * {@link hit} on failure so only failed attempts count.
   */
  check(key: string, message = 'Too many attempts. Try again later.'): void {
    const retryAfter = this.peek(key);
    if (retryAfter > 0) throw new AppError('RATE_LIMITED', message, retryAfter);
  }

  /** Throws RATE_LIMITED when `key` is over its rate. */
  enforce(key: string, message = 'Too many attempts. Try again later.'): void {
    const retryAfter = this.hit(key);
    if (retryAfter > 0) throw new AppError('RATE_LIMITED', message, retryAfter);
  }

  /** Gives a spent token back (for example after a successful login). */
  reset(key: string): void {
    this.buckets.delete(key);
  }

  /** Forgets buckets that have refilled completely. */
  private sweep(t: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + (t - b.updatedAt) * this.rule.refillPerMs >= this.rule.capacity) this.buckets.delete(key);
    }
  }
}
