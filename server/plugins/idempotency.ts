/**
 * Remembers the result of a create command or route by (user, action, client id) for a while, so
 * a retry after a lost ack or response returns the original result instead of creating a
 * duplicate. In memory and bounded; chat messages also keep their key in the database so a retry
 * after a restart still finds the message.
 */
export class IdempotencyCache {
  private readonly entries = new Map<string, { expires: number; result: Promise<unknown> }>();

  constructor(
    private readonly ttlMs = 15 * 60_000,
    private readonly maxEntries = 20_000,
  ) {}

  /**
   * Runs `fn` once per key while its success is remembered. A concurrent duplicate waits for the
   * first run; a failure is forgotten so a retry runs again.
   */
  run<T>(key: string, fn: () => T | Promise<T>, now = Date.now()): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.result as Promise<T>;
    if (hit) this.entries.delete(key);
    const result = (async () => fn())();
    this.entries.set(key, { expires: now + this.ttlMs, result });
    result.catch(() => {
      if (this.entries.get(key)?.result === result) this.entries.delete(key);
    });
    this.evict(now);
    return result;
  }

  private evict(now: number): void {
    // Map keeps insertion order: the oldest entries come first.
    for (const [key, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && e.expires > now) break;
      this.entries.delete(key);
    }
  }
}

/** The cache key of a request: per user and action, so keys from different users never meet. */
export const idempotencyKey = (userId: number, action: string, clientId: string) => `${userId}\u0000${action}\u0000${clientId}`;
