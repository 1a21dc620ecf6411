import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Each broadcast that became playable (from the stream service's `stream:started`/`stream:ended` facts), for analytics. */
export const streamSessions = sqliteTable(
  'stream_sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roomId: integer('room_id').notNull(),
    streamId: text('stream_id').notNull(),
    startedAt: integer('started_at').notNull(),
    /** Null while live (or when the server stopped mid-stream). */
    endedAt: integer('ended_at'),
  },
  (t) => [index('stream_sessions_started_idx').on(t.startedAt), index('stream_sessions_stream_idx').on(t.streamId)],
);
