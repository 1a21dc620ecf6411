import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { sessions } from './sessions.js';

/**
 * Pending Spotify sign-ins: the OAuth `state` (stored as its SHA-256) bound to the session that
 * started it, single use and short-lived, with the PKCE code verifier (encrypted).
 */
export const musicAuthStates = sqliteTable(
  'music_auth_states',
  {
    stateHash: text('state_hash').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    userId: integer('user_id').notNull(),
    codeVerifierEnc: text('code_verifier_enc').notNull(),
    /** The room to return to after the consent screen. */
    roomId: integer('room_id'),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('music_auth_states_session_idx').on(t.sessionId)],
);
