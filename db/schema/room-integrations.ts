import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';
import { users } from './users.js';

/**
 * A room's API tokens and incoming webhooks. Each posts as its own bot user (`users.is_bot`).
 * Only the HMAC-SHA256 of the secret is stored; the secret itself is shown once.
 */
export const roomIntegrations = sqliteTable(
  'room_integrations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roomId: integer('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['token', 'webhook'] }).notNull(),
    name: text('name').notNull(),
    /** The bot user its messages are posted as. */
    botUserId: integer('bot_user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** JSON array of scopes (tokens); webhooks only post. */
    scopes: text('scopes').notNull().default('[]'),
    secretHash: text('secret_hash').notNull(),
    /** The first characters of the secret, to tell tokens apart in lists. */
    secretHint: text('secret_hint').notNull(),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [uniqueIndex('room_integrations_secret_idx').on(t.secretHash), index('room_integrations_room_idx').on(t.roomId)],
);
