import { blob, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { documents } from './documents.js';
import { users } from './users.js';

/**
 * Points of a document's history kept for good: versions a member named, and one checkpoint per
 * edit session whose updates were folded into `documents.base` (the timeline of the compacted
 * past). `upto` is the last update id the point includes (0 = the empty document); `snapshot` is
 * a Yjs snapshot (state vector + delete set) a named version carries from its naming. Checkpoints
 * are summaries: since ADR 0039 the collected base cannot rebuild their text, so their snapshot
 * is null (only those written before the base was first collected had one).
 */
export const docVersions = sqliteTable(
  'doc_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    docId: integer('doc_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['named', 'session'] }).notNull(),
    /** The name a member gave (named versions only). */
    name: text('name'),
    upto: integer('upto').notNull(),
    /** Who named it, or the session's author. */
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    /** When it was named, or when the session ended. */
    createdAt: integer('created_at').notNull(),
    /** Session checkpoints: first update's time, updates, characters added and removed, restore source. */
    startedAt: integer('started_at'),
    updates: integer('updates').notNull().default(0),
    added: integer('added').notNull().default(0),
    removed: integer('removed').notNull().default(0),
    restoredFrom: integer('restored_from'),
    snapshot: blob('snapshot', { mode: 'buffer' }),
  },
  (t) => [index('doc_versions_doc_idx').on(t.docId, t.upto)],
);
