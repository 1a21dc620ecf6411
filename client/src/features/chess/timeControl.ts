/**
 * Time control presets, labels and the custom form. The presets and speed classes mirror
 * `protocol/chess.ts` (a unit test keeps them equal) so that this chunk does not pull in zod.
 */
import type { Speed, TimeControl } from '@protocol/chess.js';

/** Lichess' quick-pairing grid, as in protocol/chess.ts. */
export const PRESETS: readonly { label: string; speed: Speed; tc: TimeControl | null }[] = [
  { label: '1+0', speed: 'bullet', tc: { minutes: 1, increment: 0 } },
  { label: '2+1', speed: 'bullet', tc: { minutes: 2, increment: 1 } },
  { label: '3+0', speed: 'blitz', tc: { minutes: 3, increment: 0 } },
  { label: '3+2', speed: 'blitz', tc: { minutes: 3, increment: 2 } },
  { label: '5+0', speed: 'blitz', tc: { minutes: 5, increment: 0 } },
  { label: '5+3', speed: 'blitz', tc: { minutes: 5, increment: 3 } },
  { label: '10+0', speed: 'rapid', tc: { minutes: 10, increment: 0 } },
  { label: '10+5', speed: 'rapid', tc: { minutes: 10, increment: 5 } },
  { label: '15+10', speed: 'rapid', tc: { minutes: 15, increment: 10 } },
  { label: '30+0', speed: 'classical', tc: { minutes: 30, increment: 0 } },
  { label: '30+20', speed: 'classical', tc: { minutes: 30, increment: 20 } },
  { label: 'Untimed', speed: 'untimed', tc: null },
];

/** Speed class by estimated game length (minutes*60 + 40*increment seconds), as on the server. */
export function speedOf(tc: TimeControl | null): Speed {
  if (!tc) return 'untimed';
  const est = tc.minutes * 60 + 40 * tc.increment;
  if (est < 180) return 'bullet';
  if (est < 480) return 'blitz';
  if (est < 1500) return 'rapid';
  return 'classical';
}

const FRACTIONS: Record<number, string> = { 0.25: '¼', 0.5: '½', 0.75: '¾' };

/** "5+3", "½+0", or "Untimed". */
export function tcLabel(tc: TimeControl | null): string {
  if (!tc) return 'Untimed';
  return `${FRACTIONS[tc.minutes] ?? tc.minutes}+${tc.increment}`;
}

/** Minutes offered in the custom form (lichess' list). */
export const CUSTOM_MINUTES: readonly number[] = [0.25, 0.5, 0.75, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 25, 30, 35, 40, 45, 60, 75, 90, 120, 150, 180];
export const CUSTOM_INCREMENTS: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 45, 60, 90, 120, 150, 180];

export function minutesLabel(m: number): string {
  return FRACTIONS[m] ?? String(m);
}

/** Equal time controls (null = untimed). */
export function sameTc(a: TimeControl | null, b: TimeControl | null): boolean {
  return a === b || (!!a && !!b && a.minutes === b.minutes && a.increment === b.increment);
}
