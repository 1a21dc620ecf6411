import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';
import { users } from './users.js';

/** A user's notification level and mute for one room; no row means the room kind's default. */
export const roomNotifySettings = sqliteTable(
  'room_notify_settings',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    roomId: integer('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    level: text('level', { enum: ['all', 'mentions', 'nothing'] }),
    /** Nothing from the room before this instant; MUTED_FOREVER = until turned back on. */
    mutedUntil: integer('muted_until'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.roomId] }), index('room_notify_settings_room_idx').on(t.roomId, t.level)],
);
