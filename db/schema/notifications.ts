import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';
import { users } from './users.js';

/** Kinds as in protocol/notifications-constants.ts (db imports nothing of ours). The notification centre: one row per thing a user should see (ADR 0013). */
export const notifications = sqliteTable(
  'notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['mention', 'reply', 'dm', 'message', 'invite', 'chess', 'stream', 'alarm', 'file', 'alert', 'session'] }).notNull(),
    actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
    /** A deleted room takes its notifications with it. */
    roomId: integer('room_id').references(() => rooms.id, { onDelete: 'cascade' }),
    messageId: integer('message_id'),
    gameId: integer('game_id'),
    streamId: text('stream_id'),
    inviteCode: text('invite_code'),
    /** Plain text (an excerpt); the client renders it as text. */
    text: text('text').notNull(),
    /** How many events this unread row stands for (messages in an "all messages" room fold together). */
    count: integer('count').notNull().default(1),
    createdAt: integer('created_at').notNull(),
    readAt: integer('read_at'),
  },
  (t) => [
    // The bell's pages, newest first.
    index('notifications_user_idx').on(t.userId, t.id),
    // The unread count.
    index('notifications_unread_idx').on(t.userId, t.readAt),
    // Folding into an unread row of the same room and kind; marking a room read.
    index('notifications_fold_idx').on(t.userId, t.roomId, t.kind, t.readAt),
    // At most one unread folding row per (user, room, kind): notify() upserts into it (ON CONFLICT),
    // so two notifications folding at once on PostgreSQL cannot insert two rows or lose a count.
    // The predicate is FOLD_PREDICATE of the service (an upsert must name it to use this index).
    uniqueIndex('notifications_fold_unique').on(t.userId, t.roomId, t.kind).where(sql`read_at is null and kind in ('message', 'dm', 'session')`),
  ],
);
