import { integer, primaryKey, sqliteTable, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';
import { users } from './users.js';

/**
 * The one 1:1 conversation of a pair of users (`userLo` < `userHi`): the primary key makes it
 * unique per pair even when both start it at the same moment.
 */
export const dmPairs = sqliteTable(
  'dm_pairs',
  {
    userLo: integer('user_lo')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    userHi: integer('user_hi')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    roomId: integer('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.userLo, t.userHi] }), uniqueIndex('dm_pairs_room_idx').on(t.roomId)],
);
