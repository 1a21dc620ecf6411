import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';

/**
 * A room's blackjack table: the engine state as JSON (server/games/blackjack/engine.ts), shoe
 * order and hole card included. Server-only: clients get `publicView(state)`, never this.
 */
export const blackjackTables = sqliteTable('blackjack_tables', {
  roomId: integer('room_id')
    .primaryKey()
    .references(() => rooms.id, { onDelete: 'cascade' }),
  state: text('state').notNull(),
  /** Copied out of the state so boot can find tables with a round in flight without parsing all. */
  phase: text('phase', { enum: ['idle', 'betting', 'insurance', 'playing'] }).notNull(),
  updatedAt: integer('updated_at').notNull(),
  /**
   * Write fence (scale-out): a node that takes the table over adds 1 before loading it, and every
   * save requires the epoch it loaded, so a node that lost the room can no longer write.
   */
  epoch: integer('epoch').notNull().default(0),
});
