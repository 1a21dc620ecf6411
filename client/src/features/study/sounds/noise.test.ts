import { describe, expect, it } from 'vitest';
import { makeNoise, roughness } from './noise';

/** A small deterministic generator so the test does not depend on Math.random. */
function seeded(seed = 42): () => number {
  let s = seed;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('focus sound generation', () => {
  it('stays within [-1, 1] and is not silent', () => {
    for (const kind of ['white', 'pink', 'brown', 'rain'] as const) {
      const n = makeNoise(kind, 44_100, seeded());
      expect(n.length).toBe(44_100);
      expect(Math.max(...n)).toBeLessThanOrEqual(1);
      expect(Math.min(...n)).toBeGreaterThanOrEqual(-1);
      expect(n.some((v) => Math.abs(v) > 0.01)).toBe(true);
    }
  });

  it('has the right colour: white is roughest, brown smoothest', () => {
    const [w, p, b] = (['white', 'pink', 'brown'] as const).map((k) => roughness(makeNoise(k, 44_100, seeded(7))));
    expect(w).toBeGreaterThan(p!);
    expect(p).toBeGreaterThan(b!);
  });

  it('loops without a jump: the end flows into the start', () => {
    const n = makeNoise('brown', 44_100, seeded(3));
    const seam = Math.abs(n[0]! - n[n.length - 1]!);
    expect(seam).toBeLessThan(roughness(n) * 20);
  });
});
