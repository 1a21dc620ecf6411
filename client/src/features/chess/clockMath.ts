/** Chess clock arithmetic and display. Server instants in, what a clock face shows out. */
import type { ClockView } from '@protocol/chess.js';
import type { Color } from './geometry';

/** Below this a clock turns red (lichess' "emergency" colour). */
export const LOW_TIME_MS = 20_000;
/** Below this the clock shows tenths of a second. */
export const TENTHS_BELOW_MS = 10_000;

/**
 * Both sides' remaining ms when the server clock reads `serverNow`: the running side loses the time
 * since `at`. Never negative.
 */
export function liveClock(clock: ClockView, serverNow: number): Record<Color, number> {
  const elapsed = Math.max(0, serverNow - clock.at);
  return {
    w: Math.max(0, clock.white - (clock.running === 'w' ? elapsed : 0)),
    b: Math.max(0, clock.black - (clock.running === 'b' ? elapsed : 0)),
  };
}

/**
 * "5:00", "0:42", "1:02:03"; under ten seconds "0:09.4". Time is cut, not rounded, as on a chess
 * clock: 0:00.0 means the flag is (about to be) down.
 */
export function formatClock(ms: number): string {
  const t = Math.max(0, ms);
  if (t < TENTHS_BELOW_MS) {
    const tenths = Math.floor(t / 100);
    return `0:0${Math.floor(tenths / 10)}.${tenths % 10}`;
  }
  const total = Math.floor(t / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Spoken form for screen readers: "4 minutes 5 seconds". */
export function spokenClock(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  const parts = [];
  if (m) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  if (s || !m) parts.push(`${s} second${s === 1 ? '' : 's'}`);
  return parts.join(' ');
}

/** How soon the face changes: every 100 ms with tenths, else at the next whole second. */
export function nextRedrawMs(ms: number): number {
  if (ms <= 0) return 1000;
  if (ms < TENTHS_BELOW_MS + 1000) return (ms % 100) + 1;
  return (ms % 1000) + 1;
}

export const MAX_LAG_MS = 500;

/**
 * One-way lag to report with a move: half the median of recent round trips, bounded. The server
 * credits at most 500 ms anyway (docs/decisions/0004-chess-clocks.md); unknown means 0.
 */
export function lagEstimate(roundTrips: readonly number[]): number {
  const ok = roundTrips.filter((r) => Number.isFinite(r) && r >= 0).sort((a, b) => a - b);
  if (ok.length === 0) return 0;
  const mid = ok.length >> 1;
  const median = ok.length % 2 ? ok[mid]! : (ok[mid - 1]! + ok[mid]!) / 2;
  return Math.min(MAX_LAG_MS, Math.round(median / 2));
}
