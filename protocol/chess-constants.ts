/**
 * Chess constants shared by client and server. Zod-free, so the client's chess chunk can import
 * them without pulling in the schema library.
 */

/** Minutes + increment seconds (validated by `timeControlSchema` in chess.ts). */
export interface TimeControlValue {
  minutes: number;
  increment: number;
}

export type Speed = 'bullet' | 'blitz' | 'rapid' | 'classical' | 'untimed';

/** Presets for the challenge dialog (lichess' quick pairing grid). Any other valid value is "custom". */
export const TIME_CONTROL_PRESETS: readonly { label: string; speed: Speed; tc: TimeControlValue | null }[] = [
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

/** Lichess' speed classes, by estimated game length: minutes*60 + 40*increment seconds. */
export function speedOf(tc: TimeControlValue | null): Speed {
  if (!tc) return 'untimed';
  const est = tc.minutes * 60 + 40 * tc.increment;
  if (est < 180) return 'bullet';
  if (est < 480) return 'blitz';
  if (est < 1500) return 'rapid';
  return 'classical';
}

