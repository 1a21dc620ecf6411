/** Time control presets, labels and the custom form. */
import type { TimeControl } from '@protocol/chess.js';

/** Lichess' quick-pairing grid and speed classes: the protocol's own (zod-free) constants. */
export { TIME_CONTROL_PRESETS as PRESETS, speedOf } from '@protocol/chess-constants.js';

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
