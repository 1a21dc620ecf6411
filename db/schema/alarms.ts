import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './users.js';

/** Personal timers (countdown) and alarms (wall-clock time in the user's zone, maybe repeating). */
export const alarms = sqliteTable(
  'alarms',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    kind: text('kind', { enum: ['countdown', 'clock'] }).notNull(),
    hour: integer('hour'),
    minute: integer('minute'),
    repeat: text('repeat', { enum: ['none', 'daily', 'weekdays'] }).notNull().default('none'),
    timeZone: text('time_zone').notNull(),
    /** The next instant it fires; null once a one-off alarm has fired. */
    nextFireAt: integer('next_fire_at'),
    lastFiredAt: integer('last_fired_at'),
    /**
     * The latest fire a device of the owner rang or showed as missed: other devices do not
     * announce fires up to it as missed.
     */
    seenAt: integer('seen_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('alarms_next_idx').on(t.nextFireAt), index('alarms_user_idx').on(t.userId)],
);
