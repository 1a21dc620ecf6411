/**
 * The felt's animation as a timeline of small state steps: dealing cards one at a time in the
 * order of `bj:dealt.cards`, then (on `bj:settled`) turning the hole card and drawing the dealer's
 * cards, then showing results. Pure: the store plays the steps with timers (or all at once when
 * the user prefers reduced motion).
 */
import type { BjDealtCard } from '@protocol/blackjack-events.js';
import type { AnimState } from './tableView';

export interface Step {
  /** Wait this long before applying the step. */
  delayMs: number;
  apply: (s: AnimState | null) => AnimState | null;
}

export const PACE = { deal: 260, flip: 500, draw: 650, results: 450 } as const;

/** Steps for a fresh deal: empty hands, then one card at a time. */
export function dealSteps(roundId: number, cards: readonly BjDealtCard[], pace: { deal: number } = PACE): Step[] {
  const handCount = cards.reduce((n, c) => Math.max(n, c.to + 1), 0);
  const steps: Step[] = [{ delayMs: 0, apply: () => ({ round: roundId, hands: new Array<number>(handCount).fill(0), dealer: 0, holeHidden: true, outcomes: false }) }];
  for (const c of cards) {
    steps.push({
      delayMs: pace.deal,
      apply: (s) => {
        if (!s || s.round !== roundId) return s;
        if (c.to < 0) return { ...s, dealer: (s.dealer ?? 0) + 1 };
        const hands = (s.hands ?? []).slice();
        hands[c.to] = (hands[c.to] ?? 0) + 1;
        return { ...s, hands };
      },
    });
  }
  // Dealt: later cards (hits, splits) show as they come; the dealer keeps two, hole face down.
  steps.push({ delayMs: 0, apply: (s) => (s && s.round === roundId ? { ...s, hands: null, dealer: 2 } : s) });
  return steps;
}

/** Steps for the end of a round: turn the hole card, draw the dealer's cards, then results. */
export function settleSteps(roundId: number, dealerCards: number, pace: { flip: number; draw: number; results: number } = PACE): Step[] {
  const steps: Step[] = [
    { delayMs: 0, apply: (s) => ({ round: roundId, hands: s?.round === roundId ? s.hands : null, dealer: Math.min(2, dealerCards), holeHidden: true, outcomes: false }) },
    { delayMs: pace.flip, apply: (s) => (s && s.round === roundId ? { ...s, holeHidden: false } : s) },
  ];
  for (let n = 3; n <= dealerCards; n++) steps.push({ delayMs: pace.draw, apply: (s) => (s && s.round === roundId ? { ...s, dealer: n } : s) });
  steps.push({ delayMs: pace.results, apply: (s) => (s && s.round === roundId ? { ...s, dealer: null, hands: null, outcomes: true } : s) });
  return steps;
}

/** Applies every step at once (reduced motion, or to test a timeline's end state). */
export function runAll(steps: readonly Step[], start: AnimState | null): AnimState | null {
  return steps.reduce<AnimState | null>((s, step) => step.apply(s), start);
}
