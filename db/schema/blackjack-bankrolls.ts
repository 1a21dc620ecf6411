import { integer, sqliteTable, text, index } from 'drizzle-orm/sqlite-core';
import { users } from './users.js';

/** A user's blackjack chips, shared by every table; created on first use. */
export const blackjackBankrolls = sqliteTable(
  'blackjack_bankrolls',
  {
    userId: integer('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    chips: integer('chips').notNull(),
    /** Local day ("YYYY-MM-DD", user's time zone) of the last daily top-up. */
    lastTopUpDay: text('last_top_up_day'),
    handsPlayed: integer('hands_played').notNull().default(0),
    handsWon: integer('hands_won').notNull().default(0),
    /** Net chips won or lost over all settled hands (insurance included). */
    net: integer('net').notNull().default(0),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('blackjack_bankrolls_chips_idx').on(t.chips)],
);
