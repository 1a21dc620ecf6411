import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';

/**
 * A room's live-stream settings. The stream key is never stored in the clear: `keyHash` is
 * HMAC-SHA256(session secret, key) for looking a publish up, `keyEnc` is the key sealed with
 * AES-256-GCM under a key derived from the session secret, so owners and moderators can copy it
 * again (see docs/decisions/0006-streaming.md). The database alone reveals neither.
 */
export const roomStreams = sqliteTable(
  'room_streams',
  {
    roomId: integer('room_id')
      .primaryKey()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    keyHash: text('key_hash').notNull(),
    keyEnc: text('key_enc').notNull(),
    /** Keep a VOD of every stream. */
    record: integer('record', { mode: 'boolean' }).notNull().default(false),
    keyRotatedAt: integer('key_rotated_at').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('room_streams_key_hash_idx').on(t.keyHash)],
);
