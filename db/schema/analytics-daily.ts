import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Daily rollup for the admin analytics (server/analytics/rollup.ts); days in the instance time zone. */
export const analyticsDaily = sqliteTable('analytics_daily', {
  day: text('day').primaryKey(),
  dau: integer('dau').notNull().default(0),
  wau: integer('wau').notNull().default(0),
  mau: integer('mau').notNull().default(0),
  signups: integer('signups').notNull().default(0),
  messages: integer('messages').notNull().default(0),
  /** Seconds (the API shows minutes): batches of short spans add up without rounding loss. */
  focusSeconds: integer('focus_seconds').notNull().default(0),
  chessGames: integer('chess_games').notNull().default(0),
  blackjackRounds: integer('blackjack_rounds').notNull().default(0),
  streams: integer('streams').notNull().default(0),
  watchMinutes: integer('watch_minutes').notNull().default(0),
  peakSockets: integer('peak_sockets').notNull().default(0),
  /** Null for days before the first rollup that saw them (storage cannot be known afterwards). */
  storageBytes: integer('storage_bytes'),
  computedAt: integer('computed_at').notNull(),
});
