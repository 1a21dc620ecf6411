import { describe, expect, it } from 'vitest';
import type { ChessMovedFact } from '@protocol/chess-events.js';
import type { GameView } from '@protocol/chess.js';
import { START_FEN } from './fen';
import { colorOf, foldMoved, foldOffers, foldReplace, resultText, summaryAfterMove, versionVerdict } from './gameState';

const user = (id: number, name: string) => ({ id, username: name, displayName: name, avatarColor: '#888888', statusLine: '' });
const noOffers = { draw: null, takeback: null, rematch: null };
const view: GameView = {
  id: 7,
  roomId: 1,
  status: 'active',
  createdBy: user(1, 'ada'),
  opponent: user(2, 'bob'),
  colorChoice: 'white',
  white: user(1, 'ada'),
  black: user(2, 'bob'),
  timeControl: { minutes: 3, increment: 2 },
  speed: 'blitz',
  fen: START_FEN,
  lastMove: null,
  ply: 0,
  turn: 'w',
  clock: { initialMs: 180_000, incrementMs: 2000, white: 180_000, black: 180_000, running: null, at: 1000 },
  result: null,
  reason: null,
  rematchOf: null,
  rematchId: null,
  createdAt: 1,
  startedAt: 1,
  endedAt: null,
  v: 0,
  moves: [],
  check: false,
  offers: noOffers,
  presence: { w: { present: true, goneSince: null, claimableAt: null }, b: { present: true, goneSince: null, claimableAt: null } },
  graceMs: 60_000,
  firstMoveDeadline: 61_000,
  serverNow: 1000,
};
const fenAfterF3 = 'rnbqkbnr/pppppppp/8/8/8/5P2/PPPPP1PP/RNBQKBNR b KQkq - 0 1';
const moved = (v: number, ply: number, uci: string, san: string, fen: string): ChessMovedFact => ({
  gameId: 7,
  roomId: 1,
  v,
  move: { ply, uci, san, fen, at: 2000, clockMs: 180_000 },
  fen,
  turn: ply % 2 ? 'b' : 'w',
  check: san.endsWith('+'),
  clock: view.clock,
  offers: noOffers,
});

describe('folding game facts', () => {
  it('orders versions', () => {
    expect(versionVerdict(3, 3)).toBe('stale');
    expect(versionVerdict(3, 2)).toBe('stale');
    expect(versionVerdict(3, 4)).toBe('next');
    expect(versionVerdict(3, 6)).toBe('gap');
  });

  it('applies the next move, drops a repeat, asks for a resync on a gap', () => {
    const f1 = moved(1, 1, 'f2f3', 'f3', fenAfterF3);
    const r = foldMoved(view, f1);
    expect(r.kind).toBe('apply');
    if (r.kind !== 'apply') return;
    expect(r.view).toMatchObject({ v: 1, ply: 1, fen: fenAfterF3, lastMove: 'f2f3', turn: 'b' });
    expect(r.view.moves.map((m) => m.san)).toEqual(['f3']);
    expect(r.view.firstMoveDeadline).toBe(61_000);
    // The same fact again (ack and broadcast both arrive): ignored.
    expect(foldMoved(r.view, f1).kind).toBe('stale');
    expect(foldMoved(r.view, moved(3, 3, 'g2g4', 'g4', START_FEN)).kind).toBe('gap');
    // The version is next but the ply does not follow: something was missed too.
    expect(foldMoved(r.view, moved(2, 3, 'g2g4', 'g4', START_FEN)).kind).toBe('gap');
    const r2 = foldMoved(r.view, moved(2, 2, 'e7e5', 'e5', START_FEN));
    expect(r2.kind === 'apply' && r2.view.firstMoveDeadline).toBeNull();
  });

  it('applies offers and whole views by version', () => {
    const offered = foldOffers(view, { v: 1, offers: { ...noOffers, draw: 'b' } });
    expect(offered.kind === 'apply' && offered.view.offers.draw).toBe('b');
    expect(foldOffers(view, { v: 0, offers: noOffers }).kind).toBe('stale');
    const ended = foldReplace(view, { v: 5, game: { ...view, v: 5, status: 'finished', result: '0-1', reason: 'checkmate' } });
    expect(ended.kind === 'apply' && ended.view.status).toBe('finished');
    expect(foldReplace({ ...view, v: 5 }, { v: 5, game: view }).kind).toBe('stale');
  });

  it('updates thumbnails and knows who plays which colour', () => {
    const s = summaryAfterMove(view, moved(1, 1, 'f2f3', 'f3', fenAfterF3));
    expect(s).toMatchObject({ fen: fenAfterF3, lastMove: 'f2f3', ply: 1, turn: 'b' });
    expect(colorOf(view, 1)).toBe('w');
    expect(colorOf(view, 2)).toBe('b');
    expect(colorOf(view, 3)).toBeNull();
    expect(colorOf(view, undefined)).toBeNull();
  });

  it('words results', () => {
    expect(resultText('0-1', 'checkmate', 'finished')).toEqual({ title: 'Black wins', detail: 'By checkmate' });
    expect(resultText('1/2-1/2', 'agreement', 'finished')).toEqual({ title: 'Draw', detail: 'By agreement' });
    expect(resultText('*', 'aborted', 'aborted').title).toBe('Game aborted');
    expect(resultText('1-0', 'timeout', 'finished')).toEqual({ title: 'White wins', detail: 'On time' });
  });
});
