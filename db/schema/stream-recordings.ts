import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';

/** A recorded stream (VOD): MP4 + poster under DATA_DIR/vod/<roomId>/. */
export const streamRecordings = sqliteTable(
  'stream_recordings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roomId: integer('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    streamId: text('stream_id').notNull(),
    status: text('status', { enum: ['processing', 'ready', 'failed'] }).notNull(),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at').notNull(),
    durationMs: integer('duration_ms').notNull().default(0),
    sizeBytes: integer('size_bytes').notNull().default(0),
    hasPoster: integer('has_poster', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('stream_recordings_room_idx').on(t.roomId, t.startedAt)],
);
