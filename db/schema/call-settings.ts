import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';

/** The owner's call mode per room (issue 16): 'large' runs every call through Janus; no row = 'auto'. */
export const callSettings = sqliteTable('call_settings', {
  roomId: integer('room_id')
    .primaryKey()
    .references(() => rooms.id, { onDelete: 'cascade' }),
  preference: text('preference', { enum: ['auto', 'large'] }).notNull().default('auto'),
  updatedAt: integer('updated_at').notNull(),
});
