import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

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
  },
  (t) => [uniqueIndex('users_username_key_idx').on(t.usernameKey)],
);
