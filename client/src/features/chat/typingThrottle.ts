/**
 * When to tell the room "I am typing": at most once per `everyMs` while typing goes on, and at
 * once after sending — the message cleared the others' indicator, so the next keystroke is news
 * again (issue 17 item 16: it used to stay hidden for up to `everyMs` after a send).
 */
export interface TypingThrottle {
  /** True when a notice should go out at `now` (and records that it did). */
  take(now: number): boolean;
  /** A message was sent: the next keystroke notifies at once. */
  reset(): void;
}

export function typingThrottle(everyMs: number): TypingThrottle {
  let last = -Infinity;
  return {
    take(now) {
      if (now - last < everyMs) return false;
      last = now;
      return true;
    },
    reset() {
      last = -Infinity;
    },
  };
}
