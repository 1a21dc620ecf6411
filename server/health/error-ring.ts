import type { RecentError } from '../../protocol/health.js';

/** pino's numeric level of `error`. */
const ERROR_LEVEL = 50;

/**
 * The last N errors the server logged (level error and fatal), for the admin Health page. Fed by a
 * pino `logMethod` hook (see app.ts), so every `log.error(...)` anywhere lands here, with the
 * request id when it happened inside a request.
 */
export class ErrorRing {
  private readonly items: RecentError[] = [];
  private readonly listeners: ((e: RecentError) => void)[] = [];

  constructor(readonly capacity = 50) {}

  push(e: RecentError): void {
    this.items.push(e);
    if (this.items.length > this.capacity) this.items.shift();
    for (const fn of this.listeners) fn(e);
  }

  onError(fn: (e: RecentError) => void): void {
    this.listeners.push(fn);
  }

  /** Newest first. */
  recent(limit = 20): RecentError[] {
    return this.items.slice(-limit).reverse();
  }

  /** A pino `logMethod` hook that copies error-level lines here and then logs as usual. */
  logHook() {
    const ring = this;
    return function logMethod(this: { bindings?: () => Record<string, unknown> }, args: unknown[], method: (...a: unknown[]) => void, level: number) {
      if (level >= ERROR_LEVEL) {
        try {
          const [first, second] = args;
          const obj = typeof first === 'object' && first !== null ? (first as { err?: unknown; msg?: unknown }) : null;
          const err = obj?.err ?? (first instanceof Error ? first : null);
          const text = typeof second === 'string' ? second : typeof first === 'string' ? first : '';
          const errText = err instanceof Error ? `${err.name}: ${err.message}` : '';
          const message = [text, errText].filter(Boolean).join(' — ').slice(0, 500) || 'error';
          const reqId = ring.reqIdOf(this);
          ring.push({ at: Date.now(), message, reqId });
        } catch {
          // never let bookkeeping break logging
        }
      }
      method.apply(this, args);
    };
  }

  private reqIdOf(logger: { bindings?: () => Record<string, unknown> }): string | null {
    const id = logger.bindings?.().reqId;
    return typeof id === 'string' ? id : null;
  }
}
