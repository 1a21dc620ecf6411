/**
 * Rate limiting: token buckets keyed by string, one limiter per purpose. In one process the
 * buckets live in memory. With several nodes (REDIS_URL, docs/decisions/0020-scale-out.md) every
 * spend also goes to a shared bucket in Redis and the local bucket is replaced by the shared
 * one's answer: decisions stay synchronous (made on the local copy) and follow what every node
 * spent, overshooting at most by the spends in flight on each node.
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

/** Buckets shared by every node (server/cluster/rate-store.ts). */
export interface SharedRateStore {
  /** Spends one token of `key` in the shared bucket (when it has one) and answers the bucket after. */
  take(key: string, rule: RateRule, now: number): Promise<Bucket>;
  reset(key: string): void;
}

let shared: SharedRateStore | null = null;

/** Scale-out: every limiter of this process shares its buckets through `store` (null: memory only). */
export function useSharedRateStore(store: SharedRateStore | null): void {
  shared = store;
}

/** Where a limiter was constructed (file:line:column): the same on every node running the same build. */
function constructionSite(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(3);
  const frame = frames.find((f) => !f.includes('rate-limit')) ?? 'unknown';
  return frame.replace(/^\s*at\s+/, '').replace(/^.*\((.*)\)$/, '$1').replace(/^.*[\\/](server|dist)[\\/]/, '$1/');
}

export class RateLimiter {
  private buckets = new Map<string, Bucket>();
  private sweeps = 0;
  /** Namespace of this limiter's shared buckets. */
  readonly name: string;

  constructor(
    private readonly rule: RateRule,
    private readonly now: () => number = Date.now,
    name?: string,
  ) {
    this.name = name ?? constructionSite();
  }

  /** Spends a token for `key`; returns 0 when allowed, else seconds to wait. */
  hit(key: string): number {
    const t = this.now();
    const { bucket, waitMs } = takeToken(this.buckets.get(key), this.rule, t);
    this.buckets.set(key, bucket);
    if (shared) {
      shared.take(`${this.name}|${key}`, this.rule, t).then(
        (b) => this.buckets.set(key, b),
        () => {},
      );
    }
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
    shared?.reset(`${this.name}|${key}`);
  }

  /** Forgets buckets that have refilled completely. */
  private sweep(t: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + (t - b.updatedAt) * this.rule.refillPerMs >= this.rule.capacity) this.buckets.delete(key);
    }
  }
}
