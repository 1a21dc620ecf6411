import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { FILE_KINDS, THUMB_STATES } from '../../protocol/files-constants.js';
import { fileFolders } from './file-folders.js';
import { rooms } from './rooms.js';
import { users } from './users.js';

/**
 * A file in a room's file space. The bytes live in the blob store under their sha256 (identical
 * content is stored once); `name` is for people only and never part of a storage path.
 */
export const roomFiles = sqliteTable(
  'room_files',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roomId: integer('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    folderId: integer('folder_id').references(() => fileFolders.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Lower-cased name, for search. */
    nameLower: text('name_lower').notNull(),
    size: integer('size').notNull(),
    mime: text('mime').notNull(),
    kind: text('kind', { enum: FILE_KINDS }).notNull(),
    sha256: text('sha256').notNull(),
    uploaderId: integer('uploader_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    deletedAt: integer('deleted_at'),
    deletedBy: integer('deleted_by'),
    thumb: text('thumb', { enum: THUMB_STATES }).notNull().default('none'),
  },
  (t) => [
    index('room_files_folder_idx').on(t.roomId, t.folderId, t.nameLower),
    index('room_files_kind_idx').on(t.roomId, t.kind, t.createdAt),
    index('room_files_uploader_idx').on(t.roomId, t.uploaderId, t.createdAt),
    index('room_files_sha_idx').on(t.sha256),
    // Name search, newest first: the scan walks this index backwards and evaluates the name and
    // trash conditions on the index entries alone; only the rows it returns are read from the table.
    index('room_files_recent_idx').on(t.roomId, t.createdAt, t.id, t.nameLower, t.deletedAt),
  ],
);
