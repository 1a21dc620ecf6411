import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { interviewSessions } from './interview-sessions.js';
import { users } from './users.js';

/** Observers of a session (the host and the candidate are columns of the session). */
export const interviewObservers = sqliteTable(
  'interview_observers',
  {
    sessionId: text('session_id')
      .notNull()
      .references(() => interviewSessions.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    joinedAt: integer('joined_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.userId] })],
);
