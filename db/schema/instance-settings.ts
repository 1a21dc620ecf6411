import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Instance-wide settings an admin changes at run time: one row (`id` = 1), created with defaults
 * on first read. Registration mode and the announcement banner live here.
 */
export const instanceSettings = sqliteTable('instance_settings', {
  id: integer('id').primaryKey(),
  /** open: anyone may register; invite: an admin-made invite code is needed; closed: nobody. */
  registration: text('registration', { enum: ['open', 'invite', 'closed'] }).notNull().default('open'),
  /** Banner text for every signed-in user; empty: no banner. */
  announcement: text('announcement').notNull().default(''),
  announcementStartsAt: integer('announcement_starts_at'),
  announcementEndsAt: integer('announcement_ends_at'),
  /** Rises with each announcement change: a dismissal remembers the version it dismissed. */
  announcementVersion: integer('announcement_version').notNull().default(0),
  updatedAt: integer('updated_at').notNull(),
  updatedBy: integer('updated_by'),
});
