import { describe, expect, it } from 'vitest';
import { START_FEN } from './fen';
import { legalDests, playLocal } from './rules';

describe('rules', () => {
  it('lists legal destinations', () => {
    const d = legalDests(START_FEN);
    expect(d.get('e2')?.sort()).toEqual(['e3', 'e4']);
    expect(d.get('g1')?.sort()).toEqual(['f3', 'h3']);
    expect(d.has('e1')).toBe(false);
    expect(legalDests('nonsense').size).toBe(0);
  });

  it('plays moves locally, promotions included, and refuses illegal ones', () => {
    expect(playLocal(START_FEN, 'e2e4')?.san).toBe('e4');
    expect(playLocal(START_FEN, 'e2e5')).toBeNull();
    const promo = playLocal('8/4P3/8/8/8/k7/8/K7 w - - 0 1', 'e7e8n');
    expect(promo?.san).toBe('e8=N');
    expect(promo?.fen.startsWith('4N3/')).toBe(true);
  });
});
