import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';
import { users } from './users.js';

/** A tus upload in progress: who may continue it, and where it goes when it finishes. */
export const fileUploads = sqliteTable(
  'file_uploads',
  {
    /** The tus upload id (random hex, the last segment of the upload URL). */
    id: text('id').primaryKey(),
    roomId: integer('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    folderId: integer('folder_id'),
    name: text('name').notNull(),
    size: integer('size').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('file_uploads_room_idx').on(t.roomId)],
);
