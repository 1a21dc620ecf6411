import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';
import { users } from './users.js';

/**
 * Chess games of a room, from the open seat or challenge to the result (server/games/chess).
 * Clocks are stored as instants: `white_ms`/`black_ms` are what each side had when the side to
 * move began its turn at `turn_started_at`; `alive_at` is the last instant the server is known to
 * have been running this game (heartbeat), so downtime is not charged after a restart.
 */
export const chessGames = sqliteTable(
  'chess_games',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roomId: integer('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['pending', 'active', 'finished', 'aborted', 'cancelled'] }).notNull(),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    /** A challenge's addressee; null for an open seat. */
    opponentId: integer('opponent_id').references(() => users.id),
    colorChoice: text('color_choice', { enum: ['white', 'black', 'random'] }).notNull(),
    whiteId: integer('white_id').references(() => users.id),
    blackId: integer('black_id').references(() => users.id),
    /** Null: untimed. */
    initialMs: integer('initial_ms'),
    incrementMs: integer('increment_ms'),
    /** JSON array of plies: [uci, san, fen, at, clockMs|null]. */
    moves: text('moves').notNull().default('[]'),
    whiteMs: integer('white_ms').notNull().default(0),
    blackMs: integer('black_ms').notNull().default(0),
    turnStartedAt: integer('turn_started_at'),
    lagQuotaWhite: integer('lag_quota_white').notNull().default(0),
    lagQuotaBlack: integer('lag_quota_black').notNull().default(0),
    aliveAt: integer('alive_at'),
    /** JSON: pending offers and anti-spam bookkeeping ({ offers, lastOffer }). */
    offers: text('offers').notNull().default('{}'),
    result: text('result', { enum: ['1-0', '0-1', '1/2-1/2', '*'] }),
    reason: text('reason'),
    /** Game version: rises with every versioned game fact. */
    version: integer('version').notNull().default(0),
    rematchOf: integer('rematch_of'),
    rematchId: integer('rematch_id'),
    /** Pending seats and challenges lapse at this instant. */
    expiresAt: integer('expires_at'),
    createdAt: integer('created_at').notNull(),
    startedAt: integer('started_at'),
    endedAt: integer('ended_at'),
  },
  (t) => [
    index('chess_games_room_idx').on(t.roomId, t.status, t.id),
    index('chess_games_white_idx').on(t.whiteId, t.id),
    index('chess_games_black_idx').on(t.blackId, t.id),
    index('chess_games_status_idx').on(t.status),
  ],
);
