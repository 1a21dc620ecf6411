import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { reports } from './reports.js';

/** What a moderator or admin did about a report: who, what, when (and a small JSON detail). */
export const reportActions = sqliteTable(
  'report_actions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reportId: integer('report_id')
      .notNull()
      .references(() => reports.id, { onDelete: 'cascade' }),
    /** Kept as id + name: the log outlives the account. */
    actorId: integer('actor_id'),
    actorName: text('actor_name').notNull(),
    action: text('action', { enum: ['dismiss', 'delete_message', 'mute', 'kick', 'ban'] }).notNull(),
    detail: text('detail'),
    at: integer('at').notNull(),
  },
  (t) => [index('report_actions_report_idx').on(t.reportId, t.id)],
);
