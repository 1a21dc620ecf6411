/** The study tools' part of the socket contract (merged into events.ts). */
import { z } from 'zod';
import {
  goalCheckSchema,
  goalSetSchema,
  timerSettingsSchema,
  todoAddSchema,
  todoDeleteSchema,
  todoListSchema,
  todoMoveSchema,
  todoUpdateSchema,
  TIMER_ACTIONS,
  type Alarm,
  type Goal,
  type StudySnapshot,
  type TimerView,
  type Todo,
} from './study.js';

const roomId = z.number().int().positive();

export const studyCommandSchemas = {
  'study:enter': z.object({ roomId }).strict(),
  'todo:list': todoListSchema,
  'todo:add': todoAddSchema,
  'todo:update': todoUpdateSchema,
  'todo:move': todoMoveSchema,
  'todo:delete': todoDeleteSchema,
  'timer:act': z.object({ roomId, action: z.enum(TIMER_ACTIONS) }).strict(),
  'timer:configure': z.object({ roomId, settings: timerSettingsSchema }).strict(),
  'goal:set': goalSetSchema,
  'goal:check': goalCheckSchema,
} as const;

export interface StudyCommandResults {
  'study:enter': StudySnapshot;
  'todo:list': Todo[];
  'todo:add': Todo;
  'todo:update': Todo;
  'todo:move': Todo;
  'todo:delete': null;
  'timer:act': TimerView;
  'timer:configure': TimerView;
  'goal:set': Goal;
  'goal:check': Goal;
}

export interface StudyRoomFacts {
  'todo:added': { todo: Todo };
  'todo:updated': { todo: Todo };
  'todo:deleted': { todoId: number };
  /** The pomodoro changed; `ended` names the phase that just ran out (chime + notification). */
  'timer:changed': { timer: TimerView; ended: TimerView['phase'] | null };
  'goal:updated': { goal: Goal };
}

export type StudyPersonalEvents = {
  /** Sent to one user: a change to their personal to-do list (from another tab or device). */
  'todo:personal': (fact: { todo: Todo | null; deletedId?: number }) => void;
  /** Sent to one user: one of their alarms or timers went off. */
  'alarm:fired': (fact: { alarm: Alarm; firedAt: number }) => void;
  /** A room's pomodoro phase, for the lobby ("Focus · 12 min left"). */
  'lobby:timer': (fact: { roomId: number; phase: TimerView['phase']; status: TimerView['status']; endsAt: number | null }) => void;
};
