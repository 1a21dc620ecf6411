/**
 * The server's clock as this tab sees it, for the chess clocks, and the round-trip samples behind
 * the `lag` sent with each move. The offset comes from a few `clock:sync` round trips (the least
 * queued one wins, see `bestOffset` in lib/clock.ts); until then a view's `serverNow` gives a rough
 * one. Move acks add round-trip samples, so the lag estimate follows the connection as it changes.
 */
import { reactive } from 'vue';
import { bestOffset, type ClockSample } from '../../lib/clock';
import { command, isConnected, onConnected } from '../../lib/socket';
import { lagEstimate } from './clockMath';

const state = reactive({ offset: 0, synced: false });
const roundTrips: number[] = [];
const KEEP = 9;

export function serverNow(): number {
  return Date.now() + state.offset;
}

/** A reading without a round trip (a view's `serverNow`): good to a one-way delay, until a sync. */
export function roughOffset(serverReading: number): void {
  if (!state.synced) state.offset = serverReading - Date.now();
}

export function recordRoundTrip(ms: number): void {
  roundTrips.push(ms);
  if (roundTrips.length > KEEP) roundTrips.shift();
}

/** The one-way lag to report with a move (ms). */
export function currentLag(): number {
  return lagEstimate(roundTrips);
}

let running: Promise<void> | null = null;

export function syncServerTime(samples = 5): Promise<void> {
  if (!isConnected()) return Promise.resolve();
  running ??= (async () => {
    const got: ClockSample[] = [];
    for (let i = 0; i < samples; i++) {
      const t0 = Date.now();
      try {
        const { serverNow: s } = await command('clock:sync', {}, 3000);
        const t1 = Date.now();
        got.push({ t0, t1, serverNow: s });
        recordRoundTrip(t1 - t0);
      } catch {
        break;
      }
    }
    const best = bestOffset(got);
    if (best) {
      state.offset = best.offset;
      state.synced = true;
    }
  })().finally(() => (running = null));
  return running;
}

let started = false;
/** Keeps the offset fresh while chess is open (idempotent). */
export function startServerTime(): void {
  if (started) return;
  started = true;
  void syncServerTime();
  setInterval(() => void syncServerTime(3), 120_000);
  onConnected(() => void syncServerTime());
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) void syncServerTime(3);
  });
}
