import { describe, expect, it } from 'vitest';
import { announceMove, navigate, pairMoves } from './moveList';

const sans = ['f3', 'e5', 'g4', 'Qh4#'];
const moves = sans.map((san, i) => ({ san, ply: i + 1 }));

describe('move list', () => {
  it('pairs half-moves into numbered rows', () => {
    expect(pairMoves(moves)).toEqual([
      { n: 1, white: { san: 'f3', ply: 1 }, black: { san: 'e5', ply: 2 } },
      { n: 2, white: { san: 'g4', ply: 3 }, black: { san: 'Qh4#', ply: 4 } },
    ]);
    expect(pairMoves(moves.slice(0, 3)).at(-1)).toEqual({ n: 2, white: { san: 'g4', ply: 3 }, black: null });
    expect(pairMoves([])).toEqual([]);
  });

  it('navigates history; reaching the end follows the live game again', () => {
    expect(navigate('prev', null, 4)).toBe(3);
    expect(navigate('prev', 0, 4)).toBe(0);
    expect(navigate('first', null, 4)).toBe(0);
    expect(navigate('next', 2, 4)).toBe(3);
    expect(navigate('next', 3, 4)).toBeNull();
    expect(navigate('last', 1, 4)).toBeNull();
    expect(navigate('prev', null, 0)).toBeNull();
  });

  it('announces moves for screen readers', () => {
    expect(announceMove('Nf6+', 2)).toBe('Black played Nf6, check');
    expect(announceMove('Qh4#', 4)).toBe('Black played Qh4, checkmate');
    expect(announceMove('e4', 1)).toBe('White played e4');
    expect(announceMove('O-O', 9)).toBe('White castles kingside');
    expect(announceMove('exd8=N+', 31)).toBe('White played exd8, promotes to knight, check');
  });
});
