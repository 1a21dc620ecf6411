/**
 * The little the board needs from chess.js: legal destinations for hints and drops, and the
 * position after a move for the optimistic update. The server re-checks every move.
 */
import { Chess } from 'chess.js';

/** From-square -> legal to-squares for the side to move. Empty for unreadable positions. */
export function legalDests(fen: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let chess: Chess;
  try {
    chess = new Chess(fen);
  } catch {
    return out;
  }
  for (const m of chess.moves({ verbose: true })) {
    const list = out.get(m.from);
    if (!list) out.set(m.from, [m.to]);
    else if (!list.includes(m.to)) list.push(m.to);
  }
  return out;
}

/** Plays a UCI move locally: the new FEN and its SAN, or null if illegal. */
export function playLocal(fen: string, uci: string): { fen: string; san: string } | null {
  try {
    const chess = new Chess(fen);
    const m = chess.move({ from: uci.slice(0, 2), to: uci.slice(2, 4), promotion: uci[4] });
    return { fen: chess.fen(), san: m.san };
  } catch {
    return null;
  }
}
