/** Helpers for the study-tools specs. */
export { sharedRoom } from '../fixtures.js';

/** "24:58" -> 1498 seconds. */
export function seconds(mmss: string | null): number {
  const parts = (mmss ?? '').trim().split(':').map(Number);
  if (parts.length < 2 || parts.some((n) => !Number.isFinite(n))) throw new Error(`not a countdown: ${mmss}`);
  return parts.reduce((acc, n) => acc * 60 + n, 0);
}
