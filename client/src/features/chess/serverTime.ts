/**
 * Round-trip samples behind the `lag` sent with each move. The server clock itself is the shared
 * one (lib/serverClock.ts); move acks add round trips here so the lag estimate follows the
 * connection as it changes.
 */
import { lagEstimate } from './clockMath';

const roundTrips: number[] = [];
const KEEP = 9;

export function recordRoundTrip(ms: number): void {
  roundTrips.push(ms);
  if (roundTrips.length > KEEP) roundTrips.shift();
}

/** The one-way lag to report with a move (ms). */
export function currentLag(): number {
  return lagEstimate(roundTrips);
}
