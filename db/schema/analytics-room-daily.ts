import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Messages per room per day (instance time zone), for "busiest rooms". No FK: history outlives a room. */
export const analyticsRoomDaily = sqliteTable(
  'analytics_room_daily',
  {
    day: text('day').notNull(),
    roomId: integer('room_id').notNull(),
    messages: integer('messages').notNull().default(0),
  },
  // Covering index: "busiest rooms over 90 days" reads the index alone, never the table.
  (t) => [primaryKey({ columns: [t.day, t.roomId] }), index('analytics_room_daily_cover').on(t.day, t.roomId, t.messages)],
);
