/**
 * Sign-in throttling that stops password guessing without handing strangers a way to lock the
 * owner out (OWASP Authentication Cheat Sheet, "Account Lockout" and "Login Throttling"):
 *
 * - per IP, every attempt (`AUTH_ATTEMPTS_PER_15MIN`): a hard limit, shared with sign-up;
 * - per IP + account, failures only: a hard limit (10 per 15 minutes); success clears it;
 * - per account, failures from anywhere: never a lock. Past a free allowance the account enters an
 *   exponential back-off (1 s, 2 s, 4 s … capped at {@link MAX_BACKOFF_MS}): at most one attempt
 *   per back-off step is admitted, from any address, so a distributed guesser gets a trickle while
 *   the owner waits seconds, not forever. Addresses that hold a live session of the account (the
 *   owner's usual devices) skip the account back-off.
 *
 * The bookkeeping lives in memory (one process); a restart forgets it.
 */
import { RateLimiter, perWindow } from '../plugins/rate-limit.js';
import { AppError } from '../plugins/errors.js';

export const WINDOW_MS = 15 * 60_000;
export const PAIR_FAILURES = 10;
/** Failures across all addresses before the account back-off starts. */
export const ACCOUNT_FREE_FAILURES = 10;
export const MAX_BACKOFF_MS = 60_000;

interface AccountState {
  /** Recent failures, decaying linearly to zero over {@link WINDOW_MS} past the free allowance. */
  failures: number;
  updatedAt: number;
  /** No attempt (from an unknown address) is admitted before this time. */
  nextAt: number;
}

/** Pure: the back-off for a number of recent failures (0 while within the free allowance). */
export function backoffMs(failures: number): number {
  const over = Math.floor(failures) - ACCOUNT_FREE_FAILURES;
  if (over <= 0) return 0;
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(over - 1, 16));
}

/** The account-wide part: slows, never refuses for longer than {@link MAX_BACKOFF_MS}. */
export class AccountBackoff {
  private readonly accounts = new Map<string, AccountState>();

  constructor(private readonly now: () => number = Date.now) {}

  private state(account: string, t: number): AccountState {
    const s = this.accounts.get(account);
    if (!s) return { failures: 0, updatedAt: t, nextAt: 0 };
    const decayed = Math.max(0, s.failures - ((t - s.updatedAt) * ACCOUNT_FREE_FAILURES) / WINDOW_MS);
    return { failures: decayed, updatedAt: t, nextAt: s.nextAt };
  }

  /**
   * Admits an attempt or returns the seconds to wait. While backing off, an admitted attempt
   * takes the next slot at once, so parallel requests cannot slip through together.
   */
  admit(account: string): number {
    const t = this.now();
    const s = this.state(account, t);
    const step = backoffMs(s.failures);
    if (step === 0) return 0;
    if (t < s.nextAt) return Math.max(1, Math.ceil((s.nextAt - t) / 1000));
    this.accounts.set(account, { ...s, nextAt: t + step });
    return 0;
  }

  failed(account: string): void {
    const t = this.now();
    const s = this.state(account, t);
    const failures = s.failures + 1;
    this.accounts.set(account, { failures, updatedAt: t, nextAt: Math.max(s.nextAt, t + backoffMs(failures)) });
    if (this.accounts.size > 10_000) this.sweep(t);
  }

  private sweep(t: number): void {
    for (const [key] of this.accounts) {
      const s = this.state(key, t);
      if (s.failures === 0 && s.nextAt <= t) this.accounts.delete(key);
    }
  }
}

export interface LoginAttempt {
  ip: string;
  /** The lower-cased username. */
  account: string;
  /** The address holds a live session of this account (the owner's device). */
  knownAddress: boolean;
}

/** All three limits in one place; the route calls `before`, then `failed` or `succeeded`. */
export class LoginThrottle {
  readonly perIp: RateLimiter;
  private readonly perPair: RateLimiter;
  private readonly account: AccountBackoff;

  constructor(attemptsPerIpPer15Min: number, now: () => number = Date.now) {
    this.perIp = new RateLimiter(perWindow(attemptsPerIpPer15Min, WINDOW_MS), now);
    this.perPair = new RateLimiter(perWindow(PAIR_FAILURES, WINDOW_MS), now);
    this.account = new AccountBackoff(now);
  }

  private pairKey = (a: LoginAttempt) => `${a.ip}\n${a.account}`;

  /** Throws RATE_LIMITED (with retryAfter) or admits the attempt. */
  before(a: LoginAttempt): void {
    this.perIp.enforce(a.ip, 'Too many sign-in attempts from your network. Try again later.');
    this.perPair.check(this.pairKey(a), 'Too many wrong passwords for this account. Try again later.');
    if (a.knownAddress) return;
    const wait = this.account.admit(a.account);
    if (wait > 0) throw new AppError('RATE_LIMITED', `This account is being sent many wrong passwords: try again in ${wait} s.`, wait);
  }

  failed(a: LoginAttempt): void {
    this.perPair.hit(this.pairKey(a));
    this.account.failed(a.account);
  }

  succeeded(a: LoginAttempt): void {
    this.perPair.reset(this.pairKey(a));
  }
}
