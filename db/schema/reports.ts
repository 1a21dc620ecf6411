import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';
import { users } from './users.js';

/**
 * A member's report of a message or a user in a room (server/reports). The reported message's text
 * is kept as it was when reported (`message_text`), so the queue still shows the evidence after the
 * message is edited or deleted. One open report per reporter and target (partial unique index).
 */
export const reports = sqliteTable(
  'reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roomId: integer('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    reporterId: integer('reporter_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The reported user: the message's author for a message report. */
    targetUserId: integer('target_user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Null for a report about a user. */
    messageId: integer('message_id'),
    messageText: text('message_text'),
    /** `message:<id>` or `user:<id>`: what "the same target" means for one open report each. */
    targetKey: text('target_key').notNull(),
    reason: text('reason', { enum: ['spam', 'harassment', 'inappropriate', 'other'] }).notNull(),
    note: text('note').notNull().default(''),
    status: text('status', { enum: ['open', 'resolved', 'dismissed'] }).notNull().default('open'),
    createdAt: integer('created_at').notNull(),
    closedAt: integer('closed_at'),
  },
  (t) => [
    index('reports_room_status_idx').on(t.roomId, t.status, t.id),
    index('reports_status_idx').on(t.status, t.id),
    // One open report per reporter and target.
    uniqueIndex('reports_open_once_idx').on(t.reporterId, t.roomId, t.targetKey).where(sql`status = 'open'`),
  ],
);
