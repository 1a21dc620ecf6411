/**
 * Folding a game's channel facts into its view. Versioned facts carry the game version `v`: one
 * already seen (`v <= mine`) is dropped, the next one (`v = mine + 1`) is applied, anything further
 * means facts were missed and the caller must `chess:watch` again for a fresh view.
 */
import type { ChessMovedFact, OfferKind } from '@protocol/chess-events.js';
import type { Color, GameResult, GameSummary, GameView, Offers } from '@protocol/chess.js';

export type Fold = { kind: 'apply'; view: GameView } | { kind: 'stale' } | { kind: 'gap' };

export function versionVerdict(mine: number, theirs: number): 'stale' | 'next' | 'gap' {
  if (theirs <= mine) return 'stale';
  return theirs === mine + 1 ? 'next' : 'gap';
}

export function foldMoved(view: GameView, f: ChessMovedFact): Fold {
  const verdict = versionVerdict(view.v, f.v);
  if (verdict !== 'next') return { kind: verdict };
  // The move must extend the list we hold; otherwise we missed something despite the version.
  if (f.move.ply !== view.moves.length + 1) return { kind: 'gap' };
  return {
    kind: 'apply',
    view: {
      ...view,
      v: f.v,
      moves: [...view.moves, f.move],
      fen: f.fen,
      lastMove: f.move.uci,
      ply: f.move.ply,
      turn: f.turn,
      check: f.check,
      clock: f.clock,
      offers: f.offers,
      // Both sides have moved once: the first-move deadline no longer applies.
      firstMoveDeadline: f.move.ply >= 2 ? null : view.firstMoveDeadline,
    },
  };
}

export function foldOffers(view: GameView, f: { v: number; offers: Offers }): Fold {
  const verdict = versionVerdict(view.v, f.v);
  if (verdict !== 'next') return { kind: verdict };
  return { kind: 'apply', view: { ...view, v: f.v, offers: f.offers } };
}

/** Facts that carry a whole new view (takeback, end): take it if it is newer. */
export function foldReplace(view: GameView, f: { v: number; game: GameView }): Fold {
  if (f.v <= view.v || f.game.v <= view.v) return { kind: 'stale' };
  return { kind: 'apply', view: f.game };
}

/** A view from an ack (move, resign, draw...): take it unless we already hold something newer. */
export function newerView(view: GameView | null, next: GameView): boolean {
  return !view || view.id !== next.id || next.v >= view.v;
}

/** What the room list shows about a game after a move seen on the room channel. */
export function summaryAfterMove(g: GameSummary, f: ChessMovedFact): GameSummary {
  return { ...g, fen: f.fen, lastMove: f.move.uci, ply: f.move.ply, turn: f.turn, clock: f.clock };
}

export function colorOf(g: Pick<GameSummary, 'white' | 'black'>, userId: number | undefined): Color | null {
  if (userId === undefined) return null;
  if (g.white?.id === userId) return 'w';
  if (g.black?.id === userId) return 'b';
  return null;
}

export const other = (c: Color): Color => (c === 'w' ? 'b' : 'w');

const REASONS: Record<string, string> = {
  checkmate: 'by checkmate',
  resign: 'by resignation',
  timeout: 'on time',
  'timeout-vs-insufficient': 'time out, but the opponent cannot mate',
  stalemate: 'by stalemate',
  threefold: 'by threefold repetition',
  'fifty-moves': 'by the fifty-move rule',
  'insufficient-material': 'by insufficient material',
  agreement: 'by agreement',
  abandoned: 'the opponent left the game',
  aborted: 'a player aborted before both had moved',
  'no-start': 'a first move was not made in time',
};

/** The result banner: headline and reason. */
export function resultText(result: GameResult | null, reason: string | null, status: GameSummary['status']): { title: string; detail: string } {
  const detail = reason ? (REASONS[reason] ?? reason) : '';
  if (status === 'aborted' || result === '*') return { title: 'Game aborted', detail: capitalise(detail) };
  if (result === '1-0') return { title: 'White wins', detail: capitalise(detail) };
  if (result === '0-1') return { title: 'Black wins', detail: capitalise(detail) };
  if (result === '1/2-1/2') return { title: 'Draw', detail: capitalise(detail) };
  return { title: '', detail: '' };
}

function capitalise(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

export const OFFER_WORDS: Record<OfferKind, string> = { draw: 'a draw', takeback: 'a takeback', rematch: 'a rematch' };
