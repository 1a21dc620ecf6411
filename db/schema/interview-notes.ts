import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { interviewSessions } from './interview-sessions.js';

/**
 * The host's private notes and scorecard, in their own table so that no query of the session
 * (which everyone in it receives) can carry them by accident. Read and written by the host only.
 */
export const interviewNotes = sqliteTable('interview_notes', {
  sessionId: text('session_id')
    .primaryKey()
    .references(() => interviewSessions.id, { onDelete: 'cascade' }),
  notes: text('notes').notNull().default(''),
  /** JSON { ratings, recommendation }. */
  scorecard: text('scorecard').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
