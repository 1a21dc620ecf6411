import { index, integer, sqliteTable, text, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';

/** A folder in a room's file space; `parentId` null = the room's root. */
export const fileFolders = sqliteTable(
  'file_folders',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roomId: integer('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    parentId: integer('parent_id').references((): AnySQLiteColumn => fileFolders.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Only the owner and moderators may add, change or remove anything inside. */
    readOnly: integer('read_only', { mode: 'boolean' }).notNull().default(false),
    createdBy: integer('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [index('file_folders_parent_idx').on(t.roomId, t.parentId)],
);
