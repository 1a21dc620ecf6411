import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    username: text('username').notNull(),
    /** Lower-cased username: uniqueness is case-insensitive. */
    usernameKey: text('username_key').notNull(),
    passwordHash: text('password_hash').notNull(),
    displayName: text('display_name').notNull(),
    avatarColor: text('avatar_color').notNull(),
    timeZone: text('time_zone').notNull().default('UTC'),
    statusLine: text('status_line').notNull().default(''),
    isAdmin: integer('is_admin', { mode: 'boolean' }).notNull().default(false),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    /** A room integration's author (API token or webhook): never logs in, never joins rooms. */
    isBot: integer('is_bot', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    /**
     * Set when an admin deleted the account. The row stays as an anonymous tombstone ("Deleted
     * user") so messages, games and audit entries keep a valid author; it can never sign in again.
     */
    deletedAt: integer('deleted_at'),
    /** Last request or socket connection of any session (updated at most once a minute). */
    lastSeenAt: integer('last_seen_at'),
  },
  (t) => [
    uniqueIndex('users_username_key_idx').on(t.usernameKey),
    // Admin users list: sort by any column with an index; filters narrow by these flags.
    index('users_created_idx').on(t.createdAt),
    index('users_display_name_idx').on(t.displayName),
    index('users_last_seen_idx').on(t.lastSeenAt),
    index('users_admin_idx').on(t.isAdmin, t.createdAt),
    // Covers the list's exact counts (all / active / disabled / new) without reading table rows.
    index('users_status_idx').on(t.deletedAt, t.disabled, t.isAdmin, t.createdAt),
  ],
);
