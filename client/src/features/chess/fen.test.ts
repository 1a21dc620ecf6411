import { describe, expect, it } from 'vitest';
import { kingSquare, parsePlacement, START_FEN, squareLabel, turnOf } from './fen';

describe('fen', () => {
  it('reads the start position', () => {
    const p = parsePlacement(START_FEN);
    expect(p.size).toBe(32);
    expect(p.get('e1')).toEqual({ color: 'w', type: 'k' });
    expect(p.get('d8')).toEqual({ color: 'b', type: 'q' });
    expect(p.get('e4')).toBeUndefined();
    expect(kingSquare(p, 'b')).toBe('e8');
    expect(turnOf(START_FEN)).toBe('w');
  });

  it('reads a position after fool’s mate and labels squares', () => {
    const fen = 'rnb1kbnr/pppp1ppp/8/4p3/6Pq/5P2/PPPPP2P/RNBQKBNR w KQkq - 1 3';
    const p = parsePlacement(fen);
    expect(p.get('h4')).toEqual({ color: 'b', type: 'q' });
    expect(p.get('g4')).toEqual({ color: 'w', type: 'p' });
    expect(squareLabel('h4', p.get('h4'))).toBe('h4, black queen');
    expect(squareLabel('e4', p.get('e4'))).toBe('e4');
  });

  it('survives garbage', () => {
    expect(parsePlacement('').size).toBe(0);
    expect(parsePlacement('zz9/x').size).toBe(0);
  });
});
