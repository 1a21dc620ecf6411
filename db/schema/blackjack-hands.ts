import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';
import { users } from './users.js';

/** Hand history: one row per settled hand (a split makes several). Cards as JSON arrays of codes. */
export const blackjackHands = sqliteTable(
  'blackjack_hands',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roomId: integer('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
    roundId: integer('round_id').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    seat: integer('seat').notNull(),
    hand: integer('hand').notNull(),
    cards: text('cards').notNull(),
    total: integer('total').notNull(),
    dealerCards: text('dealer_cards').notNull(),
    dealerTotal: integer('dealer_total').notNull(),
    bet: integer('bet').notNull(),
    doubled: integer('doubled', { mode: 'boolean' }).notNull(),
    outcome: text('outcome', { enum: ['blackjack', 'win', 'push', 'lose', 'bust', 'surrender'] }).notNull(),
    payout: integer('payout').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('blackjack_hands_user_idx').on(t.userId, t.id), index('blackjack_hands_room_idx').on(t.roomId, t.id)],
);
