import { index, integer, primaryKey, sqliteTable } from 'drizzle-orm/sqlite-core';
import { users } from './users.js';

/** `blockerId` blocked `blockedId`: no direct messages between them, no adding to group DMs (ADR 0011). */
export const userBlocks = sqliteTable(
  'user_blocks',
  {
    blockerId: integer('blocker_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    blockedId: integer('blocked_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.blockerId, t.blockedId] }), index('user_blocks_blocked_idx').on(t.blockedId)],
);
