/** Countdown math for the betting, insurance and turn timers (pure; instants on the server clock). */
import type { BjPhase, BjRulesView } from '@protocol/blackjack.js';

/** The full length of the timer running in `phase`, in ms (0 when none runs). */
export function phaseLengthMs(phase: BjPhase, rules: Pick<BjRulesView, 'betSeconds' | 'insuranceSeconds' | 'turnSeconds'>): number {
  switch (phase) {
    case 'betting':
      return rules.betSeconds * 1000;
    case 'insurance':
      return rules.insuranceSeconds * 1000;
    case 'playing':
      return rules.turnSeconds * 1000;
    default:
      return 0;
  }
}

export interface Countdown {
  remainingMs: number;
  /** Whole seconds shown, rounded up (a fresh 15 s window reads 15). */
  seconds: number;
  /** Share of the window still left, 0..1. */
  fraction: number;
  /** The last few seconds. */
  urgent: boolean;
}

export function countdown(deadline: number | null, serverNow: number, lengthMs: number): Countdown | null {
  if (deadline === null) return null;
  const remainingMs = Math.max(0, deadline - serverNow);
  const fraction = lengthMs > 0 ? Math.min(1, remainingMs / lengthMs) : 0;
  const seconds = Math.ceil(Math.round(remainingMs) / 1000);
  return { remainingMs, seconds, fraction, urgent: remainingMs <= 5000 };
}

/**
 * A CSS animation that drains a ring from `fraction` to empty: a negative delay starts it part
 * way, so the browser animates it smoothly with no JavaScript ticking.
 */
export function ringAnimation(deadline: number, serverNow: number, lengthMs: number): { durationMs: number; delayMs: number } {
  const remaining = Math.max(0, deadline - serverNow);
  const length = Math.max(lengthMs, remaining, 1);
  return { durationMs: length, delayMs: -(length - remaining) };
}

/** One round trip's server-clock sample (for `bestOffset` in lib/clock). */
export const sampleOf = (t0: number, t1: number, serverNow: number) => ({ t0, t1, serverNow });
