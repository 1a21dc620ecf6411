import { blob, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';
import { users } from './users.js';

/**
 * Live documents (notes and code pads) of a room. The text itself is Yjs state: `snapshot` holds
 * the merged state up to update `snapshot_upto`; later updates sit in `doc_updates` (the tail).
 */
export const documents = sqliteTable(
  'documents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roomId: integer('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    kind: text('kind', { enum: ['note', 'code'] }).notNull(),
    language: text('language').notNull(),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    lastEditorId: integer('last_editor_id').references(() => users.id, { onDelete: 'set null' }),
    /** Yjs update holding the whole document up to `snapshotUpto` (null before the first compaction). */
    snapshot: blob('snapshot', { mode: 'buffer' }),
    /** Id of the last `doc_updates` row merged into `snapshot`. */
    snapshotUpto: integer('snapshot_upto').notNull().default(0),
    /** Bytes of snapshot + tail, checked against the size cap. */
    storedBytes: integer('stored_bytes').notNull().default(0),
    /**
     * History base: Yjs state of every update up to `baseUpto` that was pruned from `doc_updates`,
     * garbage-collected except for the deleted text named versions show (ADR 0039); named versions
     * in that range are rebuilt from it with their Yjs snapshots in `doc_versions`.
     */
    base: blob('base', { mode: 'buffer' }),
    baseUpto: integer('base_upto').notNull().default(0),
  },
  (t) => [index('documents_room_idx').on(t.roomId, t.updatedAt)],
);
