import { sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** The rollup job's bookkeeping: high-water marks of append-only tables, last run, time zone. */
export const analyticsState = sqliteTable('analytics_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
