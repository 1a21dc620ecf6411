import { describe, expect, it } from 'vitest';
import { speedOf as serverSpeedOf, TIME_CONTROL_PRESETS, timeControlSchema } from '@protocol/chess.js';
import { CUSTOM_INCREMENTS, CUSTOM_MINUTES, PRESETS, sameTc, speedOf, tcLabel } from './timeControl';

describe('time controls', () => {
  it('mirror the protocol’s presets and speed classes', () => {
    expect(PRESETS).toEqual(TIME_CONTROL_PRESETS);
    for (const m of CUSTOM_MINUTES) for (const increment of [0, 2, 10, 60]) expect(speedOf({ minutes: m, increment })).toBe(serverSpeedOf({ minutes: m, increment }));
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
