/**
 * Total-dependent basic strategy for 4–8 decks, dealer stands on soft 17, double after split,
 * late surrender, no resplit of aces (the standard chart, e.g. Wizard of Odds "4-8 decks, S17,
 * DAS, surrender"). Used by the simulation (`npm run bench -- --only blackjack`) to check that the
 * engine's rules and payouts produce the known house edge. Never consulted by the live table.
 *
 * Columns are the dealer's up card 2,3,4,5,6,7,8,9,T,A. Codes: H hit, S stand, D double if
 * allowed else hit, X double if allowed else stand, P split, R surrender if allowed else hit.
 */
import { handTotal, isSoft, points, type Card } from './cards.js';
import type { Move } from './engine.js';

/** Hard totals 4..21 (index = total). */
const HARD: Record<number, string> = {
  4: 'HHHHHHHHHH',
  5: 'HHHHHHHHHH',
  6: 'HHHHHHHHHH',
  7: 'HHHHHHHHHH',
  8: 'HHHHHHHHHH',
  9: 'HDDDDHHHHH',
  10: 'DDDDDDDDHH',
  11: 'DDDDDDDDDH',
  12: 'HHSSSHHHHH',
  13: 'SSSSSHHHHH',
  14: 'SSSSSHHHHH',
  15: 'SSSSSHHHRH',
  16: 'SSSSSHHRRR',
  17: 'SSSSSSSSSS',
  18: 'SSSSSSSSSS',
  19: 'SSSSSSSSSS',
  20: 'SSSSSSSSSS',
  21: 'SSSSSSSSSS',
};

/** Soft totals 12..21 (A,A counted as soft 12 when it cannot be split). */
const SOFT: Record<number, string> = {
  12: 'HHHHHHHHHH',
  13: 'HHHDDHHHHH',
  14: 'HHHDDHHHHH',
  15: 'HHDDDHHHHH',
  16: 'HHDDDHHHHH',
  17: 'HDDDDHHHHH',
  18: 'SXXXXSSHHH',
  19: 'SSSSSSSSSS',
  20: 'SSSSSSSSSS',
  21: 'SSSSSSSSSS',
};

/** Pairs by card points (2..10, 1 = aces). Rows absent = play as a total (5,5 and T,T). */
const PAIRS: Record<number, string> = {
  1: 'PPPPPPPPPP',
  2: 'PPPPPPHHHH',
  3: 'PPPPPPHHHH',
  4: 'HHHPPHHHHH',
  6: 'PPPPPHHHHH',
  7: 'PPPPPPHHHH',
  8: 'PPPPPPPPPP',
  9: 'PPPPPSPPSS',
  10: 'SSSSSSSSSS',
};

export interface Options {
  canDouble: boolean;
  canSplit: boolean;
  canSurrender: boolean;
}

/** The chart column of a dealer up card: 0 for a 2 … 8 for a ten-value, 9 for an ace. */
const column = (up: Card) => {
  const p = points(up);
  return p === 1 ? 9 : p - 2;
};

/** The basic-strategy move for `cards` against the dealer's `up` card. */
export function basicStrategy(cards: readonly Card[], up: Card, o: Options): Move {
  const col = column(up);
  if (o.canSplit && cards.length === 2 && points(cards[0]!) === points(cards[1]!)) {
    const row = PAIRS[points(cards[0]!)];
    if (row && row[col] === 'P') return 'split';
  }
  const total = handTotal(cards);
  const code = (isSoft(cards) ? SOFT[total] : HARD[total])?.[col] ?? 'S';
  switch (code) {
    case 'H':
      return 'hit';
    case 'S':
      return 'stand';
    case 'D':
      return o.canDouble ? 'double' : 'hit';
    case 'X':
      return o.canDouble ? 'double' : 'stand';
    case 'R':
      return o.canSurrender ? 'surrender' : 'hit';
    default:
      return 'stand'; // 'P' rows only for pairs; a pair that cannot split stands on ten-values
  }
}
