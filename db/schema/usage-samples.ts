import { integer, sqliteTable } from 'drizzle-orm/sqlite-core';

/**
 * One row a minute (server/analytics): the most sockets connected at once during that minute, and
 * the live-stream viewers at the sample (each viewer-sample is one minute of watch time).
 */
export const usageSamples = sqliteTable('usage_samples', {
  at: integer('at').primaryKey(),
  peakSockets: integer('peak_sockets').notNull(),
  streamViewers: integer('stream_viewers').notNull(),
});
