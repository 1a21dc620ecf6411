import { describe, expect, it } from 'vitest';
import { rmsLevel, SpeakingDetector } from './speaking';

describe('speaking indicator', () => {
  it('silence is level 0; a full-scale square wave is level 1', () => {
    expect(rmsLevel(new Uint8Array(256).fill(128))).toBe(0);
    const square = Uint8Array.from({ length: 256 }, (_, i) => (i % 2 ? 0 : 255));
    expect(rmsLevel(square)).toBeGreaterThan(0.99);
    expect(rmsLevel(new Uint8Array(0))).toBe(0);
  });

  it('turns on at once, stays on through short pauses, turns off after the hold', () => {
    const d = new SpeakingDetector(0.04, 0.02, 400);
    expect(d.update(0.01, 0)).toBe(false);
    expect(d.update(0.1, 100)).toBe(true);
    expect(d.update(0.01, 200)).toBe(true); // pause between words
    expect(d.update(0.08, 400)).toBe(true);
    expect(d.update(0.01, 500)).toBe(true);
    expect(d.update(0.03, 700)).toBe(true); // between thresholds: still speaking, quiet timer reset
    expect(d.update(0.01, 800)).toBe(true);
    expect(d.update(0.01, 1250)).toBe(false);
  });
});
