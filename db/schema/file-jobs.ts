import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { FILE_JOB_STATES, FILE_PRESETS } from '../../protocol/files-constants.js';
import { rooms } from './rooms.js';

/** A media tool run on a room file (convert, extract audio, thumbnail strip); the result is a new file. */
export const fileJobs = sqliteTable(
  'file_jobs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roomId: integer('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    fileId: integer('file_id').notNull(),
    userId: integer('user_id').notNull(),
    preset: text('preset', { enum: FILE_PRESETS }).notNull(),
    status: text('status', { enum: FILE_JOB_STATES }).notNull(),
    progress: real('progress').notNull().default(0),
    error: text('error'),
    resultFileId: integer('result_file_id'),
    createdAt: integer('created_at').notNull(),
    finishedAt: integer('finished_at'),
    /** The server process running it (cluster node id); null while queued. Scale-out: ADR 0037. */
    nodeId: text('node_id'),
  },
  (t) => [index('file_jobs_room_idx').on(t.roomId, t.createdAt), index('file_jobs_status_idx').on(t.status)],
);
