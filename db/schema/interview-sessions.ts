import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { documents } from './documents.js';
import { interviewProblems } from './interview-problems.js';
import { rooms } from './rooms.js';
import { users } from './users.js';

/**
 * Interview sessions. `id` is random (128 bits, base64url): the deep link /session/<id>. Invites
 * are stored as SHA-256 hashes; the candidate's is one-time (bound to the first user who accepts).
 * The session's chat, call and code pad live in a hidden room of kind 'interview'.
 */
export const interviewSessions = sqliteTable(
  'interview_sessions',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    hostId: integer('host_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    problemId: integer('problem_id')
      .notNull()
      .references(() => interviewProblems.id),
    language: text('language').notNull(),
    roomId: integer('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    docId: integer('doc_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    fromRoomId: integer('from_room_id').references(() => rooms.id, { onDelete: 'set null' }),
    candidateId: integer('candidate_id').references(() => users.id, { onDelete: 'set null' }),
    candidateInviteHash: text('candidate_invite_hash'),
    observerInviteHash: text('observer_invite_hash').notNull(),
    status: text('status', { enum: ['open', 'ended'] }).notNull().default('open'),
    timerStartedAt: integer('timer_started_at'),
    timerAccumulatedMs: integer('timer_accumulated_ms').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    endedAt: integer('ended_at'),
  },
  (t) => [index('interview_sessions_host_idx').on(t.hostId, t.createdAt), index('interview_sessions_doc_idx').on(t.docId)],
);
