/**
 * Pure room-pomodoro rules. The state holds instants, never a ticking counter: the remaining time
 * at any moment is derived, so every client (with its server-clock offset) shows the same value,
 * and a restarted server resumes by calling {@link advance} with the current time.
 */

export type Phase = 'focus' | 'short' | 'long';
export type TimerStatus = 'idle' | 'running' | 'paused';

export interface PomodoroSettings {
  focusMin: number;
  shortBreakMin: number;
  longBreakMin: number;
  /** A long break replaces the short one after this many focus phases. */
  longBreakEvery: number;
  /** Start the next phase by itself when one ends (otherwise wait for "start"). */
  autoAdvance: boolean;
}

export interface PomodoroState {
  phase: Phase;
  status: TimerStatus;
  /** When the current phase (last) started running; null while idle. */
  phaseStartedAt: number | null;
  /** Total paused time within the current phase. */
  pausedMs: number;
  /** When the current pause began; null unless paused. */
  pausedAt: number | null;
  /** Focus phases completed since the last reset (drives long breaks). */
  completedFocus: number;
}

/** A phase that ran to its end (or was skipped): what focus statistics are made of. */
export interface PhaseRecord {
  phase: Phase;
  startedAt: number;
  endedAt: number;
  skipped: boolean;
}

export type TimerAction = 'start' | 'pause' | 'resume' | 'skip' | 'reset';

export const DEFAULT_SETTINGS: PomodoroSettings = { focusMin: 25, shortBreakMin: 5, longBreakMin: 15, longBreakEvery: 4, autoAdvance: true };

export const initialState = (): PomodoroState => ({
  phase: 'focus',
  status: 'idle',
  phaseStartedAt: null,
  pausedMs: 0,
  pausedAt: null,
  completedFocus: 0,
});

export function phaseDurationMs(phase: Phase, s: PomodoroSettings): number {
  const min = phase === 'focus' ? s.focusMin : phase === 'short' ? s.shortBreakMin : s.longBreakMin;
  return min * 60_000;
}

/** The instant the current phase ends if it keeps running; null when idle or paused. */
export function endsAt(state: PomodoroState, s: PomodoroSettings): number | null {
  if (state.status !== 'running' || state.phaseStartedAt === null) return null;
  return state.phaseStartedAt + state.pausedMs + phaseDurationMs(state.phase, s);
}

/** Milliseconds left in the current phase at `now` (full length when idle). */
export function remainingMs(state: PomodoroState, s: PomodoroSettings, now: number): number {
  const total = phaseDurationMs(state.phase, s);
  if (state.status === 'idle' || state.phaseStartedAt === null) return total;
  const at = state.status === 'paused' ? state.pausedAt! : now;
  return Math.max(0, Math.min(total, state.phaseStartedAt + state.pausedMs + total - at));
}

/** Which phase follows, given how many focus phases are done after this one. */
export function nextPhase(phase: Phase, completedFocus: number, s: PomodoroSettings): Phase {
  if (phase !== 'focus') return 'focus';
  return completedFocus > 0 && completedFocus % s.longBreakEvery === 0 ? 'long' : 'short';
}

/** Moves to the phase after the current one, starting it at `at` (running) or idle. */
function moveOn(state: PomodoroState, s: PomodoroSettings, at: number, run: boolean): PomodoroState {
  const completedFocus = state.phase === 'focus' ? state.completedFocus + 1 : state.completedFocus;
  return {
    phase: nextPhase(state.phase, completedFocus, s),
    status: run ? 'running' : 'idle',
    phaseStartedAt: run ? at : null,
    pausedMs: 0,
    pausedAt: null,
    completedFocus,
  };
}

/**
 * Brings the state up to `now`: every phase that ended meanwhile is recorded and, with
 * autoAdvance, the next one starts exactly when the previous ended (so a server that was down
 * for an hour catches up to the right phase and remaining time).
 */
export function advance(state: PomodoroState, s: PomodoroSettings, now: number): { state: PomodoroState; completed: PhaseRecord[] } {
  const completed: PhaseRecord[] = [];
  let cur = state;
  for (let guard = 0; guard < 10_000; guard++) {
    const end = endsAt(cur, s);
    if (end === null || end > now) break;
    completed.push({ phase: cur.phase, startedAt: cur.phaseStartedAt!, endedAt: end, skipped: false });
    cur = moveOn(cur, s, end, s.autoAdvance);
  }
  return { state: cur, completed };
}

export type ActionResult = { ok: true; state: PomodoroState; completed: PhaseRecord[] } | { ok: false; reason: string };

/** Applies a user action at `now` (after catching up with {@link advance}). */
export function applyAction(state: PomodoroState, s: PomodoroSettings, action: TimerAction, now: number): ActionResult {
  const { state: cur, completed } = advance(state, s, now);
  switch (action) {
    case 'start':
      if (cur.status !== 'idle') return { ok: false, reason: 'The timer is already started.' };
      return { ok: true, completed, state: { ...cur, status: 'running', phaseStartedAt: now, pausedMs: 0, pausedAt: null } };
    case 'pause':
      if (cur.status !== 'running') return { ok: false, reason: 'The timer is not running.' };
      return { ok: true, completed, state: { ...cur, status: 'paused', pausedAt: now } };
    case 'resume':
      if (cur.status !== 'paused') return { ok: false, reason: 'The timer is not paused.' };
      return { ok: true, completed, state: { ...cur, status: 'running', pausedMs: cur.pausedMs + (now - cur.pausedAt!), pausedAt: null } };
    case 'skip': {
      const record: PhaseRecord[] =
        cur.status === 'idle' ? [] : [{ phase: cur.phase, startedAt: cur.phaseStartedAt!, endedAt: cur.pausedAt ?? now, skipped: true }];
      return { ok: true, completed: [...completed, ...record], state: moveOn(cur, s, now, cur.status !== 'idle') };
    }
    case 'reset':
      return { ok: true, completed, state: initialState() };
  }
}
