import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { interviewSessions } from './interview-sessions.js';
import { users } from './users.js';

/** Test runs of a session (run in a participant's browser; the results are shared and kept). */
export const interviewRuns = sqliteTable(
  'interview_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sessionId: text('session_id')
      .notNull()
      .references(() => interviewSessions.id, { onDelete: 'cascade' }),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    language: text('language').notNull(),
    status: text('status', { enum: ['ok', 'error', 'timeout'] }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    passed: integer('passed').notNull(),
    total: integer('total').notNull(),
    /** JSON CaseResult[]. */
    cases: text('cases').notNull(),
    output: text('output').notNull().default(''),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('interview_runs_session_idx').on(t.sessionId, t.id)],
);
