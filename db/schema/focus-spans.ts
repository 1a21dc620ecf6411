import { index, integer, sqliteTable } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';
import { users } from './users.js';

/** A stretch of time a user was present in a room while its pomodoro was in a running focus phase. */
export const focusSpans = sqliteTable(
  'focus_spans',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    roomId: integer('room_id').references(() => rooms.id, { onDelete: 'set null' }),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at').notNull(),
  },
  (t) => [index('focus_spans_user_idx').on(t.userId, t.startedAt), index('focus_spans_room_idx').on(t.roomId, t.startedAt)],
);
