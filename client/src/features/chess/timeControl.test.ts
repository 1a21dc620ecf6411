import { describe, expect, it } from 'vitest';
import { timeControlSchema } from '@protocol/chess.js';
import { CUSTOM_INCREMENTS, CUSTOM_MINUTES, PRESETS, sameTc, speedOf, tcLabel } from './timeControl';

describe('time controls', () => {
  it('offers only presets the server accepts, with lichess speed classes', () => {
    for (const p of PRESETS) if (p.tc) expect(timeControlSchema.safeParse(p.tc).success).toBe(true);
    expect(speedOf({ minutes: 1, increment: 0 })).toBe('bullet');
    expect(speedOf({ minutes: 5, increment: 3 })).toBe('blitz');
    expect(speedOf({ minutes: 15, increment: 10 })).toBe('rapid');
    expect(speedOf(null)).toBe('untimed');
  });

  it('offers only custom values the server accepts', () => {
    for (const minutes of CUSTOM_MINUTES) for (const increment of CUSTOM_INCREMENTS) expect(timeControlSchema.safeParse({ minutes, increment }).success).toBe(true);
  });

  it('labels time controls', () => {
    expect(tcLabel({ minutes: 5, increment: 3 })).toBe('5+3');
    expect(tcLabel({ minutes: 0.5, increment: 0 })).toBe('½+0');
    expect(tcLabel(null)).toBe('Untimed');
    expect(sameTc({ minutes: 1, increment: 0 }, { minutes: 1, increment: 0 })).toBe(true);
    expect(sameTc(null, { minutes: 1, increment: 0 })).toBe(false);
  });
});
