import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './users.js';

/**
 * Registration invite codes made by admins (used when registration is invite-only). Only the
 * SHA-256 of a code is kept: it is shown once, when made; `hint` is its first characters.
 */
export const inviteCodes = sqliteTable(
  'invite_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    codeHash: text('code_hash').notNull(),
    hint: text('hint').notNull(),
    note: text('note').notNull().default(''),
    /** null: unlimited. */
    maxUses: integer('max_uses'),
    uses: integer('uses').notNull().default(0),
    /** null: never expires. */
    expiresAt: integer('expires_at'),
    revokedAt: integer('revoked_at'),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('invite_codes_hash_idx').on(t.codeHash)],
);
