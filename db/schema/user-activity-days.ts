import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The days (instance time zone, 'YYYY-MM-DD') on which a user was active: connected a socket or
 * sent a message. Written at most once per user per day (server/analytics); feeds DAU/WAU/MAU.
 * No foreign key: a deleted account still counted as active on the days it was.
 */
export const userActivityDays = sqliteTable(
  'user_activity_days',
  {
    day: text('day').notNull(),
    userId: integer('user_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.userId] })],
);
