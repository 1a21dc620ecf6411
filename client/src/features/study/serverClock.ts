/**
 * The server's clock as seen from this tab: `serverNow() = Date.now() + offset`, the offset
 * measured NTP-style with several `clock:sync` round trips (see {@link bestOffset}). Re-measured
 * every few minutes, when the tab becomes visible again (sleeping laptops drift) and on reconnect.
 */
import { reactive, readonly } from 'vue';
import { bestOffset, type ClockSample } from '../../lib/clock';
import { command, isConnected, onConnected } from '../../lib/socket';

const RESYNC_MS = 5 * 60_000;
const SAMPLES = 5;

const state = reactive({ offset: 0, rtt: null as number | null, syncedAt: 0 });
/** Reactive offset and round trip, for diagnostics. */
export const serverClock = readonly(state);

export function serverNow(): number {
  return Date.now() + state.offset;
}

/** A rough offset from a reading without a round trip (a snapshot's `serverNow`), until a sync. */
export function roughSync(serverReading: number): void {
  if (state.rtt === null) state.offset = serverReading - Date.now();
}

let running: Promise<void> | null = null;

/** Takes a few round trips and keeps the best one. */
export function syncClock(): Promise<void> {
  if (!isConnected()) return Promise.resolve();
  running ??= (async () => {
    const samples: ClockSample[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const t0 = Date.now();
      try {
        const { serverNow: s } = await command('clock:sync', {}, 3000);
        samples.push({ t0, t1: Date.now(), serverNow: s });
      } catch {
        break;
      }
    }
    const best = bestOffset(samples);
    if (best) {
      state.offset = best.offset;
      state.rtt = best.rtt;
      state.syncedAt = Date.now();
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
