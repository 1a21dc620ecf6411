import { blob, index, integer, sqliteTable } from 'drizzle-orm/sqlite-core';
import { documents } from './documents.js';
import { users } from './users.js';

/** Every Yjs update of a document, in arrival order, with who sent it and when (the timeline). */
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
  },
  (t) => [index('doc_updates_doc_idx').on(t.docId, t.id)],
);
