import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { UPLOAD_ROLES } from '../../protocol/files-constants.js';
import { rooms } from './rooms.js';

/** Per-room file rules; a room without a row uses the defaults (members upload). */
export const fileSettings = sqliteTable('file_settings', {
  roomId: integer('room_id')
    .primaryKey()
    .references(() => rooms.id, { onDelete: 'cascade' }),
  uploadRole: text('upload_role', { enum: UPLOAD_ROLES }).notNull().default('member'),
});
