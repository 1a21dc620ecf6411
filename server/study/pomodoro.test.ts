import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS as S, advance, applyAction, endsAt, initialState, nextPhase, remainingMs, type PomodoroState } from './pomodoro.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

function act(state: PomodoroState, action: Parameters<typeof applyAction>[2], now: number) {
  const r = applyAction(state, S, action, now);
  if (!r.ok) throw new Error(r.reason);
  return r;
}

describe('pomodoro rules', () => {
  it('shows the full focus length while idle and counts down from the start instant', () => {
    const idle = initialState();
    expect(remainingMs(idle, S, T0)).toBe(25 * MIN);
    const { state } = act(idle, 'start', T0);
    expect(endsAt(state, S)).toBe(T0 + 25 * MIN);
    expect(remainingMs(state, S, T0 + 10 * MIN)).toBe(15 * MIN);
  });

  it('pause freezes the remaining time and resume pushes the end by the paused span', () => {
    let s = act(initialState(), 'start', T0).state;
    s = act(s, 'pause', T0 + 5 * MIN).state;
    expect(remainingMs(s, S, T0 + 60 * MIN)).toBe(20 * MIN);
    expect(endsAt(s, S)).toBeNull();
    s = act(s, 'resume', T0 + 15 * MIN).state;
    expect(endsAt(s, S)).toBe(T0 + 35 * MIN);
    s = act(s, 'pause', T0 + 20 * MIN).state;
    s = act(s, 'resume', T0 + 22 * MIN).state;
    expect(endsAt(s, S)).toBe(T0 + 37 * MIN);
  });

  it('refuses actions that make no sense in the current status', () => {
    expect(applyAction(initialState(), S, 'pause', T0)).toMatchObject({ ok: false });
    expect(applyAction(initialState(), S, 'resume', T0)).toMatchObject({ ok: false });
    const running = act(initialState(), 'start', T0).state;
    expect(applyAction(running, S, 'start', T0 + 1)).toMatchObject({ ok: false });
    expect(applyAction(running, S, 'resume', T0 + 1)).toMatchObject({ ok: false });
  });

  it('advances focus -> short -> ... -> long after N focus phases, each starting when the last ended', () => {
    const s = act(initialState(), 'start', T0).state;
    // 4 x (25 + 5) minus the 4th short break which becomes long: focus ends at 25, 55, 85, 115.
    const { state, completed } = advance(s, S, T0 + 116 * MIN);
    expect(completed.map((c) => c.phase)).toEqual(['focus', 'short', 'focus', 'short', 'focus', 'short', 'focus']);
    expect(completed.at(-1)!.endedAt).toBe(T0 + 115 * MIN);
    expect(state).toMatchObject({ phase: 'long', status: 'running', phaseStartedAt: T0 + 115 * MIN, completedFocus: 4 });
    expect(remainingMs(state, S, T0 + 116 * MIN)).toBe(14 * MIN);
  });

  it('catches up after a long outage (server restart) to the exact phase and remaining time', () => {
    const s = act(initialState(), 'start', T0).state;
    const cycle = 4 * 25 + 3 * 5 + 15; // 130 minutes
    const { state } = advance(s, S, T0 + (2 * cycle + 7) * MIN);
    expect(state.phase).toBe('focus');
    expect(state.completedFocus).toBe(8);
    expect(remainingMs(state, S, T0 + (2 * cycle + 7) * MIN)).toBe(18 * MIN);
  });

  it('without autoAdvance stops idle at the next phase', () => {
    const manual = { ...S, autoAdvance: false };
    const s = applyAction(initialState(), manual, 'start', T0);
    if (!s.ok) throw new Error();
    const { state, completed } = advance(s.state, manual, T0 + 90 * MIN);
    expect(completed).toHaveLength(1);
    expect(state).toMatchObject({ phase: 'short', status: 'idle', completedFocus: 1 });
  });

  it('skip records the cut-short phase and moves on; skipping while idle just changes the phase', () => {
    const s = act(initialState(), 'start', T0).state;
    const r = act(s, 'skip', T0 + 3 * MIN);
    expect(r.completed).toEqual([{ phase: 'focus', startedAt: T0, endedAt: T0 + 3 * MIN, skipped: true }]);
    expect(r.state).toMatchObject({ phase: 'short', status: 'running', phaseStartedAt: T0 + 3 * MIN });
    const idleSkip = act(initialState(), 'skip', T0);
    expect(idleSkip.completed).toEqual([]);
    expect(idleSkip.state).toMatchObject({ phase: 'short', status: 'idle' });
  });

  it('reset returns to an idle focus phase and forgets the cycle count', () => {
    const s = advance(act(initialState(), 'start', T0).state, S, T0 + 60 * MIN).state;
    expect(act(s, 'reset', T0 + 60 * MIN).state).toEqual(initialState());
  });

  it('nextPhase picks long breaks only on multiples of longBreakEvery', () => {
    expect(nextPhase('focus', 1, S)).toBe('short');
    expect(nextPhase('focus', 4, S)).toBe('long');
    expect(nextPhase('focus', 8, S)).toBe('long');
    expect(nextPhase('long', 4, S)).toBe('focus');
  });
});
