import { blob, index, integer, sqliteTable } from 'drizzle-orm/sqlite-core';
import { documents } from './documents.js';
import { users } from './users.js';

/**
 * Yjs updates of a document, in arrival order, with who sent it and when (the timeline). Rows
 * older than the history window are folded into `documents.base` (see ADR 0018, "History").
 */
export const docUpdates = sqliteTable(
  'doc_updates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    docId: integer('doc_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    data: blob('data', { mode: 'buffer' }).notNull(),
    createdAt: integer('created_at').notNull(),
    /** Characters this update inserted and deleted (counted once, when it is accepted): the timeline's figures. */
    added: integer('added').notNull().default(0),
    removed: integer('removed').notNull().default(0),
    /** For a restore: the history point (update id, 0 = empty) whose text it brought back. */
    restoredFrom: integer('restored_from'),
  },
  (t) => [
    index('doc_updates_doc_idx').on(t.docId, t.id),
    // The timeline's page boundaries look up one author's previous/next update (doc-history.ts).
    index('doc_updates_doc_user_idx').on(t.docId, t.userId, t.id),
  ],
);
