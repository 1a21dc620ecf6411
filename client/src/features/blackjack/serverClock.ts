/**
 * The server's clock for the table's deadlines: `serverNow() = Date.now() + offset`. Every
 * `bj:watch` round trip is an NTP-style sample (its snapshot carries `serverNow`), topped up by a
 * few `clock:sync` round trips; the sample with the shortest round trip wins (lib/clock).
 */
import { ref } from 'vue';
import { bestOffset, type ClockSample } from '../../lib/clock';
import { command } from '../../lib/socket';

const samples: ClockSample[] = [];
/** Server minus local, in ms. Reactive so countdowns re-render when it improves. */
export const clockOffset = ref(0);

export function serverNow(): number {
  return Date.now() + clockOffset.value;
}

export function addClockSample(s: ClockSample): void {
  samples.push(s);
  if (samples.length > 12) samples.shift();
  const best = bestOffset(samples);
  if (best) clockOffset.value = Math.round(best.offset);
}

let syncing = false;
let syncedAt = 0;

/** A few `clock:sync` round trips (at most once a minute). */
export async function syncClock(rounds = 3): Promise<void> {
  if (syncing || Date.now() - syncedAt < 60_000) return;
  syncing = true;
  try {
    for (let i = 0; i < rounds; i++) {
      const t0 = Date.now();
      const { serverNow: s } = await command('clock:sync', {}, 3000);
      addClockSample({ t0, t1: Date.now(), serverNow: s });
    }
    syncedAt = Date.now();
  } catch {
    // The watch sample still stands.
  } finally {
    syncing = false;
  }
}
