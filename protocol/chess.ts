/**
 * Chess (SPEC GC): payload schemas and the views the server sends. The server runs chess.js as the
 * rules engine and is the only authority on legality, results and clocks; the client also runs
 * chess.js (lazy-loaded with the board) to compute legal-move hints, captured material and to step
 * through the move list. The server therefore never sends a legal-move list: a position (`fen`) is
 * enough for chess.js to derive it, and a move the client thought legal is still re-checked here.
 *
 * Time is always an instant in ms since the epoch on the server's clock; use `clock:sync` to learn
 * the offset. A clock is sent as remaining ms "as of" an instant (`ClockView.at`), so every client
 * shows the same time whatever the delivery delay.
 */
import { z } from 'zod';
import { clientIdSchema } from './client-id.js';
import { userSchemaOut } from './users.js';

const id = z.number().int().positive();

export const gameIdSchema = id;

// ---- time controls ----

/** Minutes below one that lichess also offers (¼, ½, ¾); otherwise whole minutes. */
export const SUB_MINUTE_MINUTES = [0.25, 0.5, 0.75] as const;
export const MAX_MINUTES = 180;
export const MAX_INCREMENT_SECONDS = 180;

/**
 * A clock: base minutes per side plus seconds added after each move (Fischer increment). `null`
 * instead of a time control means an untimed game.
 */
export const timeControlSchema = z
  .object({
    minutes: z
      .number()
      .refine((m) => (Number.isInteger(m) && m >= 1 && m <= MAX_MINUTES) || (SUB_MINUTE_MINUTES as readonly number[]).includes(m), {
        message: `minutes must be 0.25, 0.5, 0.75 or a whole number from 1 to ${MAX_MINUTES}`,
      }),
    increment: z.number().int().min(0).max(MAX_INCREMENT_SECONDS),
  })
  .strict();
export type TimeControl = z.infer<typeof timeControlSchema>;

export { TIME_CONTROL_PRESETS, speedOf, type Speed } from './chess-constants.js';

// ---- command payloads ----

export const COLOR_CHOICES = ['white', 'black', 'random'] as const;
export type ColorChoice = (typeof COLOR_CHOICES)[number];

/** Open a seat (no `opponentId`: any member may take it) or challenge one member. */
export const chessChallengeSchema = z
  .object({
    roomId: id,
    /** Omitted: an open seat anyone in the room can take. */
    opponentId: id.optional(),
    /** The challenger's colour. */
    color: z.enum(COLOR_CHOICES).default('random'),
    /** `null`: untimed. */
    timeControl: timeControlSchema.nullable(),
    /** Idempotency key: a retry with the same id returns the first result (see protocol/client-id.ts). */
    clientId: clientIdSchema.optional(),
  })
  .strict();

export const chessGameRefSchema = z.object({ gameId: id }).strict();

/** A move in UCI long algebraic form: `e2e4`, `e1g1` (castling: the king's move), `e7e8q` (promotion). */
export const uciSchema = z.string().regex(/^[a-h][1-8][a-h][1-8][qrbn]?$/, 'a move is like e2e4 or e7e8q');

export const chessMoveSchema = z
  .object({
    gameId: id,
    uci: uciSchema,
    /**
     * Plies already played in the position the move was made on. When given and stale (a takeback
     * or the opponent's move crossed it), the move is refused with CONFLICT instead of being
     * applied to a different position.
     */
    ply: z.number().int().min(0).max(10_000).optional(),
    /**
     * The client's estimate of its one-way network lag in ms (half its median `clock:sync`/ping
     * round trip). The server credits at most 500 ms of it per move, within a per-player quota;
     * see docs/decisions/0004-chess-clocks.md.
     */
    lag: z.number().int().min(0).max(10_000).optional(),
  })
  .strict();

export const chessDrawSchema = z.object({ gameId: id, action: z.enum(['offer', 'accept', 'decline']) }).strict();
export const chessTakebackSchema = z.object({ gameId: id, action: z.enum(['request', 'accept', 'decline']) }).strict();
export const chessRematchSchema = z.object({ gameId: id, action: z.enum(['offer', 'accept', 'decline']) }).strict();
/** After the opponent has been gone longer than the grace period: take the win, or a draw. */
export const chessClaimSchema = z.object({ gameId: id, outcome: z.enum(['win', 'draw']) }).strict();
export const chessListSchema = z.object({ roomId: id }).strict();

// ---- views ----

export const colorSchema = z.enum(['w', 'b']);
export type Color = z.infer<typeof colorSchema>;

export const GAME_STATUSES = ['pending', 'active', 'finished', 'aborted', 'cancelled'] as const;
/**
 * `pending`: an open seat or a challenge waiting for an answer. `active`: being played.
 * `finished`: has a result. `aborted`: ended before both sides moved (no result). `cancelled`: the
 * seat/challenge was withdrawn, declined or expired (never played).
 */
export type GameStatus = (typeof GAME_STATUSES)[number];

export const RESULTS = ['1-0', '0-1', '1/2-1/2', '*'] as const;
export type GameResult = (typeof RESULTS)[number];

/**
 * Why a game ended. `timeout-vs-insufficient`: a flag fell but the other side could not mate with
 * what it had left, so it is a draw. `abandoned`: claimed (win or draw) after the opponent stayed
 * away longer than the grace period. `no-start`: a timed game where a side did not make its first
 * move in time (aborted). `aborted`: a player aborted before both had moved.
 */
export const END_REASONS = [
  'checkmate',
  'resign',
  'timeout',
  'timeout-vs-insufficient',
  'stalemate',
  'threefold',
  'fifty-moves',
  'insufficient-material',
  'agreement',
  'abandoned',
  'aborted',
  'no-start',
] as const;
export type EndReason = (typeof END_REASONS)[number];

/**
 * Both clocks as of the server instant `at`. The side named by `running` loses time from `at` on:
 * show `white - (serverNow - at)` for it. `running` is null before both sides have moved (the
 * clock starts after Black's first move, as on lichess) and once the game is over.
 */
export const clockViewSchema = z.object({
  initialMs: z.number(),
  incrementMs: z.number(),
  white: z.number(),
  black: z.number(),
  running: colorSchema.nullable(),
  at: z.number(),
});
export type ClockView = z.infer<typeof clockViewSchema>;

/** One half-move. `clockMs`: the mover's remaining time right after it (increment included); null when untimed. */
export const moveViewSchema = z.object({
  /** 1-based half-move number. */
  ply: z.number(),
  uci: z.string(),
  san: z.string(),
  /** Position after the move. */
  fen: z.string(),
  at: z.number(),
  clockMs: z.number().nullable(),
});
export type MoveView = z.infer<typeof moveViewSchema>;

export const offersSchema = z.object({
  /** Who offers a draw (the other side may accept or decline). */
  draw: colorSchema.nullable(),
  /** Who asks to take back their last move. */
  takeback: colorSchema.nullable(),
  /** After the game: who offers a rematch with colours swapped. */
  rematch: colorSchema.nullable(),
});
export type Offers = z.infer<typeof offersSchema>;

/** A player's connection to the game (any socket of theirs watching it). */
export const seatPresenceSchema = z.object({
  present: z.boolean(),
  /** When the last socket left; null while present. */
  goneSince: z.number().nullable(),
  /** From this instant the opponent may `chess:claim` (goneSince + grace); null while present. */
  claimableAt: z.number().nullable(),
});
export type SeatPresence = z.infer<typeof seatPresenceSchema>;

/** What the room's game list shows: enough for a live thumbnail. */
export const gameSummarySchema = z.object({
  id: z.number(),
  roomId: z.number(),
  status: z.enum(GAME_STATUSES),
  /** Who opened the seat or sent the challenge. */
  createdBy: userSchemaOut,
  /** A challenge's addressee; null for an open seat. */
  opponent: userSchemaOut.nullable(),
  /** The creator's colour choice. */
  colorChoice: z.enum(COLOR_CHOICES),
  /** Set once the game starts (pending: null). */
  white: userSchemaOut.nullable(),
  black: userSchemaOut.nullable(),
  timeControl: timeControlSchema.nullable(),
  speed: z.enum(['bullet', 'blitz', 'rapid', 'classical', 'untimed']),
  fen: z.string(),
  /** Last move in UCI (for the last-move highlight), null before the first. */
  lastMove: z.string().nullable(),
  /** Half-moves played. */
  ply: z.number(),
  turn: colorSchema,
  clock: clockViewSchema.nullable(),
  result: z.enum(RESULTS).nullable(),
  reason: z.enum(END_REASONS).nullable(),
  /** The game this one is a rematch of, and the rematch that followed this one. */
  rematchOf: z.number().nullable(),
  rematchId: z.number().nullable(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
});
export type GameSummary = z.infer<typeof gameSummarySchema>;

/** Everything a board needs: the summary plus the moves, offers, presence and a version. */
export const gameViewSchema = gameSummarySchema.extend({
  /**
   * Game version: every versioned game fact (`chess:moved`, `chess:offered`, `chess:declined`,
   * `chess:takenback`, `chess:ended`) carries the next one. Drop facts with `v <= mine`; on a gap,
   * `chess:watch` again for a fresh view.
   */
  v: z.number(),
  moves: z.array(moveViewSchema),
  /** The side to move is in check (check highlight). */
  check: z.boolean(),
  offers: offersSchema,
  presence: z.object({ w: seatPresenceSchema, b: seatPresenceSchema }),
  /** Disconnection grace period in ms (how long before a claim is allowed). */
  graceMs: z.number(),
  /** Timed games only, while fewer than two plies were played: the side to move must move by this instant or the game is aborted. */
  firstMoveDeadline: z.number().nullable(),
  serverNow: z.number(),
});
export type GameView = z.infer<typeof gameViewSchema>;

// ---- HTTP ----

/** `status` filter of the game lists: one status, or `live` (pending + active). Omitted: all but cancelled. */
export const gamesQuerySchema = z.object({
  status: z.enum([...GAME_STATUSES, 'live']).optional(),
  /** Cursor: games with an id below this one (newest first). */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});
export const gamesPageSchema = z.object({
  games: z.array(gameSummarySchema),
  /** Pass as `before` for the next page; null at the end. */
  nextBefore: z.number().nullable(),
});
export type GamesPage = z.infer<typeof gamesPageSchema>;
