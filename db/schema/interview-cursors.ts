import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { interviewSessions } from './interview-sessions.js';
import { users } from './users.js';

/**
 * Where the host and the candidate had their cursor and selection in a session's code pad, for the
 * replay (ADR 0027): sampled from awareness at most a few times a second, kept with the session.
 * `cursor` is JSON `{ anchor, head }` of Yjs relative positions (already schema-checked).
 */
export const interviewCursors = sqliteTable(
  'interview_cursors',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sessionId: text('session_id')
      .notNull()
      .references(() => interviewSessions.id, { onDelete: 'cascade' }),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    cursor: text('cursor').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('interview_cursors_session_idx').on(t.sessionId, t.id)],
);
