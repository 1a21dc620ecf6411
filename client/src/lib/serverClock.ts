/**
 * The server's clock as seen from this tab: `serverNow() = Date.now() + offset`. The offset is
 * measured NTP-style: each sample is a round trip that carried a server reading (`clock:sync`,
 * or a feature's own snapshot), and the sample with the shortest round trip wins (see
 * {@link bestOffset}). Re-measured every few minutes, when the tab becomes visible again
 * (sleeping laptops drift) and on reconnect. One place for every feature that shows a countdown:
 * the pomodoro, alarms, chess clocks and blackjack timers.
 */
import { reactive, readonly } from 'vue';
import { bestOffset, type ClockSample } from './clock';
import { command, isConnected, onConnected } from './socket';

const RESYNC_MS = 5 * 60_000;
const SAMPLES_PER_SYNC = 5;
/** Recent samples kept: old enough ones fall out, so a drifting clock is followed. */
const WINDOW = 12;

const samples: ClockSample[] = [];
const state = reactive({ offset: 0, rtt: null as number | null, syncedAt: 0 });
/** Reactive offset and round trip: countdowns re-render when the offset improves. */
export const serverClock = readonly(state);

export function serverNow(): number {
  return Date.now() + state.offset;
}

/** A rough offset from a reading without a round trip (a snapshot's `serverNow`), until a sample. */
export function roughSync(serverReading: number): void {
  if (state.rtt === null) state.offset = serverReading - Date.now();
}

/** Adds one round trip that carried a server reading (sent at t0, answered at t1). */
export function addClockSample(sample: ClockSample): void {
  samples.push(sample);
  if (samples.length > WINDOW) samples.shift();
  const best = bestOffset(samples);
  if (!best) return;
  state.offset = Math.round(best.offset);
  state.rtt = best.rtt;
  state.syncedAt = Date.now();
}

let running: Promise<void> | null = null;

/** Takes a few `clock:sync` round trips (one run at a time). */
export function syncClock(rounds = SAMPLES_PER_SYNC): Promise<void> {
  if (!isConnected()) return Promise.resolve();
  running ??= (async () => {
    for (let i = 0; i < rounds; i++) {
      const t0 = Date.now();
      try {
        const { serverNow: s } = await command('clock:sync', {}, 3000);
        addClockSample({ t0, t1: Date.now(), serverNow: s });
      } catch {
        break;
      }
    }
  })().finally(() => (running = null));
  return running;
}

let started = false;

/** Starts keeping the offset fresh (idempotent). */
export function startClockSync(): void {
  if (started) return;
  started = true;
  void syncClock();
  setInterval(() => void syncClock(), RESYNC_MS);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && Date.now() - state.syncedAt > 10_000) void syncClock();
  });
  onConnected(() => void syncClock());
}
