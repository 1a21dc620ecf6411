/**
 * Blackjack's part of the socket contract (merged into events.ts).
 *
 * Commands (acknowledged `{ok:true,data}|{ok:false,error}`): every one needs room membership
 * (NOT_MEMBER otherwise); those naming a `seat` need that seat to be the caller's (FORBIDDEN);
 * wrong phase / not your turn / not enough chips is CONFLICT; a bet outside the table limits or
 * an odd amount is VALIDATION. A refused command changes nothing.
 *
 * Facts are room broadcasts (through the room's sequence numbers, to everyone who has entered the
 * room: players and spectators alike). Each carries `table`, the full public view after the
 * change, so a client may simply render the latest `table` and use the rest to animate.
 */
import { z } from 'zod';
import {
  bjActSchema,
  bjBetSchema,
  bjConfigureSchema,
  bjInsuranceSchema,
  bjLeaveSchema,
  bjSitOutSchema,
  bjSitSchema,
  bjWatchSchema,
  type BjBankroll,
  type BjCard,
  type BjCommandResult,
  type BjMove,
  type BjRoundSummary,
  type BjSnapshot,
  type BjTableView,
  type BjVoidNotice,
} from './blackjack.js';

export const blackjackCommandSchemas = {
  /** Snapshot of the room's table and my bankroll (on opening the table, after a reload or a seq gap). */
  'bj:watch': bjWatchSchema,
  /** Take a free seat (one per user per table). Joins from the next round. */
  'bj:sit': bjSitSchema,
  /** Leave a seat. A pending bet is refunded; mid-round your hands stand and the seat frees at the end. */
  'bj:leave': bjLeaveSchema,
  /** Sit out (keep the seat, not dealt in) or come back. Sitting out refunds a pending bet. */
  'bj:sit-out': bjSitOutSchema,
  /**
   * Set my bet for the coming round (replaces a previous bet; 0 withdraws). Allowed while idle (it
   * opens the betting window) or betting. Dealing starts when the window closes or every seated
   * player has bet.
   */
  'bj:bet': bjBetSchema,
  /** Take (half the bet) or decline insurance while the dealer shows an ace. */
  'bj:insurance': bjInsuranceSchema,
  /** Play the hand whose turn it is: `hand` must be `table.turn` and belong to my seat. */
  'bj:act': bjActSchema,
  /** Owner/moderators: table settings, between rounds when no bets are down. */
  'bj:configure': bjConfigureSchema,
} as const satisfies Record<`bj:${string}`, z.ZodType>;

export interface BlackjackCommandResults {
  'bj:watch': BjSnapshot;
  'bj:sit': BjCommandResult;
  'bj:leave': BjCommandResult;
  'bj:sit-out': BjCommandResult;
  'bj:bet': BjCommandResult;
  'bj:insurance': BjCommandResult;
  'bj:act': BjCommandResult;
  'bj:configure': BjCommandResult;
}

/** A dealt card: `to` is a hand index, or -1 for the dealer; `card` is null for the hidden hole card. */
export interface BjDealtCard {
  to: number;
  card: BjCard | null;
}

export type BjTableChange = 'sat' | 'left' | 'sat-out' | 'sat-in' | 'bet' | 'betting-opened' | 'betting-closed' | 'configured' | 'shuffled';

export interface BlackjackRoomFacts {
  /** Seating, bets, the betting window opening or closing unused, settings, a reshuffle. */
  'bj:table': { table: BjTableView; change: BjTableChange; userId: number | null };
  /** A round was dealt: two cards per hand and the dealer's up card + hidden hole card, in deal order. */
  'bj:dealt': { table: BjTableView; roundId: number; cards: BjDealtCard[]; shuffled: boolean };
  /** A player took (amount > 0) or declined insurance; `auto` when the window ran out or they left. */
  'bj:insured': { table: BjTableView; seat: number; userId: number; amount: number; auto: boolean };
  /** The dealer peeked under an ace or ten. With a blackjack, `bj:settled` follows at once. */
  'bj:peeked': { table: BjTableView; dealerBlackjack: boolean };
  /** A move on a hand, with the cards it drew (split: one for each hand). `auto`: the turn timer or a leave stood it. */
  'bj:acted': { table: BjTableView; seat: number; hand: number; action: BjMove; cards: BjCard[]; auto: boolean };
  /** The round ended: the hole card and the dealer's draws (`summary.dealer`), every hand's result. */
  'bj:settled': { table: BjTableView; summary: BjRoundSummary };
  /** A round (or a betting window) was cancelled and every stake refunded: see `notice.reason`. */
  'bj:voided': { table: BjTableView; notice: BjVoidNotice };
}

export type BlackjackPersonalEvents = {
  /** Sent to one user (every tab): their bankroll changed (bet, payout, refund, top-up). */
  'bj:bankroll': (fact: { bankroll: BjBankroll }) => void;
};
