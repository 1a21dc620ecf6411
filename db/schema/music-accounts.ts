import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './users.js';

/**
 * A user's connected Spotify account. Tokens are AES-256-GCM ciphertexts (server/music/token-crypto.ts,
 * key derived from the session secret, bound to the user id): the table alone grants nothing.
 */
export const musicAccounts = sqliteTable('music_accounts', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  spotifyUserId: text('spotify_user_id').notNull(),
  displayName: text('display_name').notNull(),
  /** Spotify's `product` from /v1/me: premium, free, open. */
  product: text('product').notNull(),
  accessTokenEnc: text('access_token_enc').notNull(),
  refreshTokenEnc: text('refresh_token_enc').notNull(),
  /** Instant the access token expires. */
  expiresAt: integer('expires_at').notNull(),
  scope: text('scope').notNull().default(''),
  connectedAt: integer('connected_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
