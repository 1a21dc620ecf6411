/** Reading positions from FEN without a rules engine (thumbnails, material, labels). */
import type { Color } from './geometry';

export type PieceType = 'p' | 'n' | 'b' | 'r' | 'q' | 'k';
export interface Piece {
  color: Color;
  type: PieceType;
}

export const START_FEN = 'rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1';

/** Square -> piece for the placement field of a FEN. Malformed input gives what could be read. */
export function parsePlacement(fen: string): Map<string, Piece> {
  const out = new Map<string, Piece>();
  const rows = (fen.split(' ')[0] ?? '').split('/');
  for (let r = 0; r < 8 && r < rows.length; r++) {
    let file = 0;
    for (const ch of rows[r]!) {
      if (/\d/.test(ch)) file += Number(ch);
      else {
        const lower = ch.toLowerCase();
        if (file < 8 && 'pnbrqk'.includes(lower)) {
          out.set(`${'abcdefgh'[file]}${8 - r}`, { color: ch === lower ? 'b' : 'w', type: lower as PieceType });
        }
        file++;
      }
    }
  }
  return out;
}

/** The side to move. */
export function turnOf(fen: string): Color {
  return fen.split(' ')[1] === 'b' ? 'b' : 'w';
}

export function kingSquare(pieces: Map<string, Piece>, color: Color): string | null {
  for (const [sq, p] of pieces) if (p.type === 'k' && p.color === color) return sq;
  return null;
}

export const PIECE_NAMES: Record<PieceType, string> = { p: 'pawn', n: 'knight', b: 'bishop', r: 'rook', q: 'queen', k: 'king' };
export const COLOR_NAMES: Record<Color, string> = { w: 'white', b: 'black' };

/** A square's accessible name: "e4, white knight" or just "e4". */
export function squareLabel(sq: string, piece: Piece | undefined): string {
  return piece ? `${sq}, ${COLOR_NAMES[piece.color]} ${PIECE_NAMES[piece.type]}` : sq;
}
