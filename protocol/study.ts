import { z } from 'zod';
import { clientIdSchema } from './client-id.js';
import { userText } from './text.js';
import { userSchemaOut } from './users.js';

const roomId = z.number().int().positive();
const id = z.number().int().positive();
/** Far enough for any real due date or alarm; rejects nonsense instants. */
const instant = z.number().int().min(0).max(8_640_000_000_000);

// ---- to-dos ----
export const todoTextSchema = userText(300);

export const todoAddSchema = z
  .object({
    /** Omitted: the caller's personal list. */
    roomId: roomId.optional(),
    text: todoTextSchema,
    assigneeId: id.optional(),
    dueAt: instant.optional(),
    /** Idempotency key: a retry with the same id returns the first result (see protocol/client-id.ts). */
    clientId: clientIdSchema.optional(),
  })
  .strict();

export const todoUpdateSchema = z
  .object({
    todoId: id,
    text: todoTextSchema.optional(),
    done: z.boolean().optional(),
    assigneeId: id.nullable().optional(),
    dueAt: instant.nullable().optional(),
  })
  .strict();

export const todoMoveSchema = z.object({ todoId: id, toIndex: z.number().int().min(0).max(10_000) }).strict();
export const todoDeleteSchema = z.object({ todoId: id }).strict();
export const todoListSchema = z.object({ roomId: roomId.optional() }).strict();

export const todoSchemaOut = z.object({
  id: z.number(),
  roomId: z.number().nullable(),
  ownerId: z.number(),
  text: z.string(),
  done: z.boolean(),
  doneAt: z.number().nullable(),
  assigneeId: z.number().nullable(),
  dueAt: z.number().nullable(),
  position: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Todo = z.infer<typeof todoSchemaOut>;

// ---- room pomodoro ----
export const TIMER_ACTIONS = ['start', 'pause', 'resume', 'skip', 'reset'] as const;
export const timerSettingsSchema = z
  .object({
    focusMin: z.number().int().min(1).max(180),
    shortBreakMin: z.number().int().min(1).max(60),
    longBreakMin: z.number().int().min(1).max(120),
    longBreakEvery: z.number().int().min(1).max(12),
    autoAdvance: z.boolean(),
    control: z.enum(['everyone', 'moderators']),
  })
  .strict();
export type TimerSettings = z.infer<typeof timerSettingsSchema>;

export interface TimerView {
  roomId: number;
  settings: TimerSettings;
  phase: 'focus' | 'short' | 'long';
  status: 'idle' | 'running' | 'paused';
  /** Instant the phase started running (null while idle). */
  phaseStartedAt: number | null;
  /** Instant the phase ends while running; null when idle or paused. */
  endsAt: number | null;
  /** Remaining ms frozen while paused or idle (use endsAt - serverNow while running). */
  remainingMs: number;
  completedFocus: number;
  /** Who changed it last, for "Ada paused the timer". */
  changedBy: number | null;
}

// ---- goals ----
export const goalSetSchema = z.object({ roomId, text: userText(200) }).strict();
export const goalCheckSchema = z.object({ roomId, goalId: id, done: z.boolean() }).strict();
export const goalSchemaOut = z.object({
  id: z.number(),
  roomId: z.number(),
  userId: z.number(),
  phaseStartedAt: z.number(),
  text: z.string(),
  done: z.boolean(),
});
export type Goal = z.infer<typeof goalSchemaOut>;

/** Everything the study panel needs when a member opens a room. */
export interface StudySnapshot {
  timer: TimerView;
  todos: Todo[];
  /** Goals for the current (or last) focus phase. */
  goals: Goal[];
  serverNow: number;
}

// ---- alarms ----
export const REPEATS = ['none', 'daily', 'weekdays'] as const;
export const alarmCreateSchema = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('countdown'), label: userText(80, { required: false }).default(''), minutes: z.number().min(0.05).max(24 * 60), clientId: clientIdSchema.optional() })
    .strict(),
  z
    .object({
      kind: z.literal('clock'),
      label: userText(80, { required: false }).default(''),
      hour: z.number().int().min(0).max(23),
      minute: z.number().int().min(0).max(59),
      repeat: z.enum(REPEATS).default('none'),
      clientId: clientIdSchema.optional(),
    })
    .strict(),
]);
export const alarmSchemaOut = z.object({
  id: z.number(),
  label: z.string(),
  kind: z.enum(['countdown', 'clock']),
  hour: z.number().nullable(),
  minute: z.number().nullable(),
  repeat: z.enum(REPEATS),
  timeZone: z.string(),
  nextFireAt: z.number().nullable(),
  lastFiredAt: z.number().nullable(),
  /** The latest fire one of the owner's devices rang or showed: not "missed" on the others. */
  seenAt: z.number().nullable(),
  createdAt: z.number(),
});
export type Alarm = z.infer<typeof alarmSchemaOut>;
/** `POST /api/alarms/:id/seen`: a device rang (or showed as missed) the fire at `firedAt`. */
export const alarmSeenSchema = z.object({ firedAt: instant }).strict();

// ---- statistics ----
export const focusSummarySchemaOut = z.object({
  todayMin: z.number(),
  weekMin: z.number(),
  monthMin: z.number(),
  totalMin: z.number(),
  streakDays: z.number(),
  daily: z.array(z.object({ day: z.string(), minutes: z.number() })),
  timeZone: z.string(),
});
export type FocusSummaryView = z.infer<typeof focusSummarySchemaOut>;

export const LEADERBOARD_RANGES = ['today', 'week', 'all'] as const;
export const leaderboardQuerySchema = z.object({ range: z.enum(LEADERBOARD_RANGES).default('week') });
export const leaderboardSchemaOut = z.object({
  range: z.enum(LEADERBOARD_RANGES),
  entries: z.array(z.object({ user: userSchemaOut, minutes: z.number() })),
});
export type Leaderboard = z.infer<typeof leaderboardSchemaOut>;
