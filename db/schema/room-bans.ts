import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';
import { users } from './users.js';

export const roomBans = sqliteTable(
  'room_bans',
  {
    roomId: integer('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    bannedBy: integer('banned_by')
      .notNull()
      .references(() => users.id),
    reason: text('reason').notNull().default(''),
    /** null: permanent. */
    until: integer('until'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] })],
);
