/**
 * Shared by the stage and its cards: where the shoe is (cards slide in from it) and which cards
 * have already been shown this round (a card is dealt once, not again on every re-render, split
 * or view switch).
 */
import type { InjectionKey } from 'vue';

export interface DealContext {
  /** The shoe's on-screen box, or null when it is not laid out. */
  shoeRect: () => DOMRect | null;
  /** True the first time a card key is seen while the table is live (then remembered). */
  isFresh: (key: string) => boolean;
}

export const dealContextKey: InjectionKey<DealContext> = Symbol('bj-deal');

/** Remembers card keys; forgets them when too many (keys carry the round id anyway). */
export function createSeenCards(max = 600) {
  const seen = new Set<string>();
  let armed = false;
  return {
    /** Cards present when the table first shows are not "dealt". */
    arm(): void {
      armed = true;
    },
    disarm(): void {
      armed = false;
    },
    isFresh(key: string): boolean {
      if (seen.has(key)) return false;
      if (seen.size >= max) seen.clear();
      seen.add(key);
      return armed;
    },
  };
}
