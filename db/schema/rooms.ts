import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './users.js';

export const rooms = sqliteTable(
  'rooms',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** argon2id hash; null when the room has no passcode. */
    passcodeHash: text('passcode_hash'),
    listed: integer('listed', { mode: 'boolean' }).notNull().default(true),
    /** 'room': an ordinary study room; 'dm' / 'group': a direct conversation (server/dms, ADR 0011); 'interview': an interview session's hidden room (server/interviews, ADR 0021). */
    kind: text('kind', { enum: ['room', 'dm', 'group', 'interview'] }).notNull().default('room'),
    capacity: integer('capacity').notNull().default(50),
    slowModeSeconds: integer('slow_mode_seconds').notNull().default(0),
    ownerId: integer('owner_id')
      .notNull()
      .references(() => users.id),
    /** Sequence number of the last room broadcast; rises forever, survives restarts. */
    seq: integer('seq').notNull().default(0),
    lastActivityAt: integer('last_activity_at').notNull(),
    /** Set when an admin closed (archived) the room: members may read it, nobody may write. */
    closedAt: integer('closed_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('rooms_code_idx').on(t.code), index('rooms_listed_idx').on(t.listed, t.lastActivityAt)],
);
