import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';

/**
 * What a room is playing, as instants (server/music/playback.ts): while playing the position is
 * `now - started_at`; while paused it is `paused_position_ms`. Survives restarts.
 */
export const musicPlayback = sqliteTable('music_playback', {
  roomId: integer('room_id')
    .primaryKey()
    .references(() => rooms.id, { onDelete: 'cascade' }),
  /** The playing queue item; null when the queue ran out. */
  itemId: integer('item_id'),
  status: text('status', { enum: ['idle', 'playing', 'paused'] }).notNull(),
  startedAt: integer('started_at'),
  pausedPositionMs: integer('paused_position_ms').notNull().default(0),
  /** JSON array of user ids who voted to skip the playing track. */
  skipVotes: text('skip_votes').notNull().default('[]'),
  updatedAt: integer('updated_at').notNull(),
  /**
   * Write fence of the room's playback and queue (scale-out, ADR 0032): a node that takes the room
   * over adds 1 and remembers the result; its writes require it.
   */
  epoch: integer('epoch').notNull().default(0),
});
