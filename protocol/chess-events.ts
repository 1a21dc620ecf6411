/**
 * Chess' part of the socket contract (merged into events.ts).
 *
 * Two kinds of facts:
 * - **Room facts** (`ChessRoomFacts`: challenged, cancelled, started, finished) go through the
 *   room's sequenced broadcast (`roomId` + `seq`) to members looking at the room: they keep the
 *   room's game list right. On a seq gap, `chess:list` returns the live list again.
 * - **Game facts** go to the game's own channel (sockets that sent `chess:watch`), each carrying
 *   `gameId` and the game version `v` (except presence, which is latest-wins). Per-move traffic
 *   would be too chatty for the room's sequence (every member would have to resync the room for a
 *   missed move of a game they do not watch), so moves are versioned per game instead.
 *   `chess:moved` is also sent to members looking at the room (one emit to both channels, so
 *   nobody gets it twice) to keep thumbnails live; the list's client should just take the latest
 *   `fen`/`lastMove`/`clock` per `gameId` and ignore `v`.
 */
import { z } from 'zod';
import {
  chessChallengeSchema,
  chessClaimSchema,
  chessDrawSchema,
  chessGameRefSchema,
  chessListSchema,
  chessMoveSchema,
  chessRematchSchema,
  chessTakebackSchema,
  type ClockView,
  type Color,
  type GameSummary,
  type GameView,
  type MoveView,
  type Offers,
} from './chess.js';

export const chessCommandSchemas = {
  /** The room's open seats, challenges and games in progress (a snapshot; resync after a seq gap). */
  'chess:list': chessListSchema,
  /** Open a seat or challenge a member. */
  'chess:challenge': chessChallengeSchema,
  /** Take an open seat, or accept a challenge addressed to you: the game starts. */
  'chess:accept': chessGameRefSchema,
  /** The addressee refuses a challenge. */
  'chess:decline': chessGameRefSchema,
  /** The creator withdraws an open seat or challenge. */
  'chess:cancel': chessGameRefSchema,
  /** Subscribe this socket to a game (players and room members) and get its full view. */
  'chess:watch': chessGameRefSchema,
  'chess:unwatch': chessGameRefSchema,
  'chess:move': chessMoveSchema,
  'chess:resign': chessGameRefSchema,
  'chess:draw': chessDrawSchema,
  'chess:takeback': chessTakebackSchema,
  /** Either player, before both sides have moved. */
  'chess:abort': chessGameRefSchema,
  'chess:claim': chessClaimSchema,
  'chess:rematch': chessRematchSchema,
} as const;

/** A move was played: everything a board needs to follow, without the whole move list. */
export interface ChessMovedFact {
  gameId: number;
  roomId: number;
  v: number;
  move: MoveView;
  /** Position after the move (same as move.fen). */
  fen: string;
  turn: Color;
  /** The side to move is in check. */
  check: boolean;
  clock: ClockView | null;
  /** Offers after the move (a move clears takeback requests and the opponent's draw offer). */
  offers: Offers;
}

export interface ChessCommandResults {
  'chess:list': { games: GameSummary[]; serverNow: number };
  'chess:challenge': GameSummary;
  'chess:accept': GameView;
  'chess:decline': null;
  'chess:cancel': null;
  'chess:watch': GameView;
  'chess:unwatch': null;
  /** The same payload the other watchers get as `chess:moved`. */
  'chess:move': ChessMovedFact;
  'chess:resign': GameView;
  'chess:draw': GameView;
  'chess:takeback': GameView;
  'chess:abort': GameView;
  'chess:claim': GameView;
  /** `game`: the finished game; `next`: the new game once a rematch was accepted (the acceptor's call). */
  'chess:rematch': { game: GameView; next: GameView | null };
}

/** Sequenced room broadcasts (roomId + seq added by RoomEvents). */
export interface ChessRoomFacts {
  /** A seat was opened or a challenge sent (status pending). */
  'chess:challenged': { game: GameSummary };
  /** A pending seat/challenge is gone without a game. */
  'chess:cancelled': { gameId: number; reason: 'cancelled' | 'declined' | 'expired' };
  /** A game began (seat taken, challenge or rematch accepted). */
  'chess:started': { game: GameSummary };
  /** A game ended (finished or aborted): move it from the live list to the history. */
  'chess:finished': { game: GameSummary };
}

type Versioned = { gameId: number; roomId: number; v: number };
export type OfferKind = 'draw' | 'takeback' | 'rematch';

export type ChessPersonalEvents = {
  /** Game channel (+ room viewers, for thumbnails). */
  'chess:moved': (fact: ChessMovedFact) => void;
  /** Game channel: a draw offer, takeback request or rematch offer was made. */
  'chess:offered': (fact: Versioned & { kind: OfferKind; by: Color; offers: Offers }) => void;
  /** Game channel: one was declined (`by` is who declined). A move declines a pending draw offer silently (see `offers` in `chess:moved`). */
  'chess:declined': (fact: Versioned & { kind: OfferKind; by: Color; offers: Offers }) => void;
  /** Game channel: a takeback was accepted; the view replaces the board's state. */
  'chess:takenback': (fact: Versioned & { game: GameView; plies: number }) => void;
  /** Game channel: the game is over (result, reason, final clocks). */
  'chess:ended': (fact: Versioned & { game: GameView }) => void;
  /** Game channel: a rematch was accepted; watchers of the old game are subscribed to `next` already. */
  'chess:rematched': (fact: Versioned & { next: GameView }) => void;
  /**
   * Game channel, not versioned (latest wins): a player's last watching socket went away, or one
   * came back. The opponent may claim from `claimableAt`.
   */
  'chess:presenceChanged': (fact: { gameId: number; roomId: number; color: Color; present: boolean; goneSince: number | null; claimableAt: number | null }) => void;
  /** Personal (to the addressee of a challenge, wherever they are in the app). */
  'chess:invited': (fact: { roomId: number; roomName: string; game: GameSummary }) => void;
  /**
   * Personal (to the addressee): that challenge is no longer open — accepted (perhaps on another
   * of their devices), declined, withdrawn or lapsed. Clients close what they showed about it.
   */
  'chess:inviteClosed': (fact: { roomId: number; gameId: number; reason: 'accepted' | 'declined' | 'cancelled' | 'expired' }) => void;
};

/** Command names, for the client's typing. */
export type ChessCommandName = keyof typeof chessCommandSchemas;
export type ChessCommandPayload<E extends ChessCommandName> = z.input<(typeof chessCommandSchemas)[E]>;
