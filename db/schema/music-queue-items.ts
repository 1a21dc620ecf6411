import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';
import { users } from './users.js';

/** A room's shared Spotify queue, including the playing track (see music_playback.item_id). */
export const musicQueueItems = sqliteTable(
  'music_queue_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roomId: integer('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    /** JSON MusicTrack as Spotify described it when added. */
    track: text('track').notNull(),
    durationMs: integer('duration_ms').notNull(),
    addedBy: integer('added_by')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Play order within the room (ascending). */
    position: integer('position').notNull(),
    addedAt: integer('added_at').notNull(),
  },
  (t) => [index('music_queue_items_room_idx').on(t.roomId, t.position)],
);
