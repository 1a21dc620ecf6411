import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms.js';

/** A room's pomodoro: settings and state as instants (see server/study/pomodoro.ts). */
export const roomTimers = sqliteTable('room_timers', {
  roomId: integer('room_id')
    .primaryKey()
    .references(() => rooms.id, { onDelete: 'cascade' }),
  focusMin: integer('focus_min').notNull(),
  shortBreakMin: integer('short_break_min').notNull(),
  longBreakMin: integer('long_break_min').notNull(),
  longBreakEvery: integer('long_break_every').notNull(),
  autoAdvance: integer('auto_advance', { mode: 'boolean' }).notNull(),
  /** Who may start/pause/skip/reset: every member, or moderators and the owner only. */
  control: text('control', { enum: ['everyone', 'moderators'] }).notNull().default('everyone'),
  changedBy: integer('changed_by'),
  phase: text('phase', { enum: ['focus', 'short', 'long'] }).notNull(),
  status: text('status', { enum: ['idle', 'running', 'paused'] }).notNull(),
  phaseStartedAt: integer('phase_started_at'),
  pausedMs: integer('paused_ms').notNull().default(0),
  pausedAt: integer('paused_at'),
  completedFocus: integer('completed_focus').notNull().default(0),
  updatedAt: integer('updated_at').notNull(),
  /**
   * Write fence (scale-out, ADR 0032): a node that takes the room over adds 1 and remembers the
   * result; its writes require it, so a node that lost the room can no longer write.
   */
  epoch: integer('epoch').notNull().default(0),
});
