import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';
import { users } from './users.js';

export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roomId: integer('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    replyToId: integer('reply_to_id'),
    /** JSON array of mentioned user ids. */
    mentions: text('mentions').notNull().default('[]'),
    createdAt: integer('created_at').notNull(),
    editedAt: integer('edited_at'),
    deletedAt: integer('deleted_at'),
    /** The sender's idempotency key (chat:send `clientId`): a retry after a lost ack finds its message. */
    clientId: text('client_id'),
    /** JSON array of attached room file ids (issue 11), null when none. */
    attachments: text('attachments'),
  },
  (t) => [
    index('messages_room_id_idx').on(t.roomId, t.id),
    index('messages_user_idx').on(t.roomId, t.userId),
    // A user's own messages across rooms (admin user page, account deletion with purge).
    index('messages_author_idx').on(t.userId, t.id),
    // NULLs never collide in SQLite: messages without a key are unaffected.
    uniqueIndex('messages_user_client_id_idx').on(t.userId, t.clientId),
  ],
);
