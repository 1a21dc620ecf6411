import { describe, expect, it } from 'vitest';
import { START_FEN } from './fen';
import { materialOf } from './material';

describe('material', () => {
  it('is even at the start', () => {
    expect(materialOf(START_FEN)).toEqual({ captured: { w: [], b: [] }, diff: 0 });
  });

  it('lists what each side took and who is ahead', () => {
    // White took a knight and a pawn, Black took a pawn.
    const m = materialOf('r1bqkbnr/ppp2ppp/8/3p4/8/8/PPPP1PPP/RNBQKBNR w KQkq - 0 4');
    expect(m.captured.w).toEqual(['n', 'p']);
    expect(m.captured.b).toEqual(['p']);
    expect(m.diff).toBe(3);
  });

  it('does not count a promoted queen as a capture', () => {
    // White promoted a pawn to a second queen; Black has lost a rook.
    const m = materialOf('1nbqkbn1/pppppppp/8/8/8/8/PPPPPPP1/RNBQKBNQ w - - 0 20');
    expect(m.captured.b).toEqual(['r']);
    expect(m.captured.w).toEqual(['r', 'r']);
    expect(m.diff).toBe(9 - 1 + 5 + 5 - 5);
  });
});
