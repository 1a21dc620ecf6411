/** Captured pieces and the material balance of a position (lichess' piece values). */
import { parsePlacement, type PieceType } from './fen';
import type { Color } from './geometry';

export const PIECE_VALUES: Record<PieceType, number> = { p: 1, n: 3, b: 3, r: 5, q: 9, k: 0 };
const START: Record<Exclude<PieceType, 'k'>, number> = { q: 1, r: 2, b: 2, n: 2, p: 8 };
const ORDER = ['q', 'r', 'b', 'n', 'p'] as const;

export interface Material {
  /** Pieces each side has taken from the other, most valuable first. */
  captured: Record<Color, PieceType[]>;
  /** Material points White is ahead (negative: Black is ahead). */
  diff: number;
}

/**
 * Derived from the position alone, so it stays right after takebacks and while browsing history.
 * A promoted piece beyond the starting count is counted as a pawn that left the board, not as a
 * capture of a phantom piece.
 */
export function materialOf(fen: string): Material {
  const count: Record<Color, Record<PieceType, number>> = {
    w: { p: 0, n: 0, b: 0, r: 0, q: 0, k: 0 },
    b: { p: 0, n: 0, b: 0, r: 0, q: 0, k: 0 },
  };
  for (const p of parsePlacement(fen).values()) count[p.color][p.type]++;
  const captured: Record<Color, PieceType[]> = { w: [], b: [] };
  let score = 0;
  for (const side of ['w', 'b'] as const) {
    const has = count[side];
    // Extra pieces came from promoted pawns.
    let promoted = 0;
    for (const t of ORDER) if (t !== 'p') promoted += Math.max(0, has[t] - START[t]);
    const taker: Color = side === 'w' ? 'b' : 'w';
    for (const t of ORDER) {
      const missing = t === 'p' ? Math.max(0, START.p - has.p - promoted) : Math.max(0, START[t] - has[t]);
      for (let i = 0; i < missing; i++) captured[taker].push(t);
      score += (side === 'w' ? 1 : -1) * has[t] * PIECE_VALUES[t];
    }
  }
  return { captured, diff: score };
}
