import { Chess } from 'chess.js';
import { describe, expect, it } from 'vitest';
import {
  FIRST_MOVE_MS,
  LAG_QUOTA_GAIN_MS,
  LAG_QUOTA_MAX_MS,
  LAG_QUOTA_START_MS,
  MAX_LAG_CREDIT_MS,
  START_FEN,
  apply,
  cannotMate,
  clockRunning,
  deadline,
  fenOf,
  newGame,
  remainingAt,
  resumeAfterDowntime,
  turnOf,
  type Action,
  type Color,
  type GameState,
  type Outcome,
} from './chess-rules.js';
import { toPgn } from './pgn.js';

const T0 = 1_700_000_000_000;
const BLITZ = { initialMs: 180_000, incrementMs: 2_000 };

function ok(o: Outcome): Extract<Outcome, { ok: true }> {
  if (!o.ok) throw new Error(`refused: ${o.reason}`);
  return o;
}

/** Plays UCI moves one second apart from `start`; returns the state. */
function play(s: GameState, moves: string[], start = T0, stepMs = 1000): GameState {
  let t = start;
  for (const uci of moves) {
    t += stepMs;
    s = ok(apply(s, { type: 'move', by: turnOf(s), uci }, t)).state;
  }
  return s;
}

/** A game at an arbitrary position (as if `plies` moves led there), for end-condition tests. */
function at(fen: string, clock: GameState['clock'] = null, now = T0): GameState {
  const g = newGame(clock, now);
  const filler = { uci: 'a1a1', san: '?', fen: START_FEN, at: now, clockMs: null };
  return { ...g, plies: [filler, { ...filler, fen }] };
}

const refused = (o: Outcome) => (o.ok ? null : o);

describe('moves', () => {
  it('only the side to move may move, and only legal moves; refusals change nothing', () => {
    const g = newGame(null, T0);
    expect(refused(apply(g, { type: 'move', by: 'b', uci: 'e7e5' }, T0))?.reason).toMatch(/not your turn/);
    expect(refused(apply(g, { type: 'move', by: 'w', uci: 'e2e5' }, T0))?.reason).toMatch(/Illegal/);
    expect(refused(apply(g, { type: 'move', by: 'w', uci: 'e7e5' }, T0))?.reason).toMatch(/Illegal/);
    const after = ok(apply(g, { type: 'move', by: 'w', uci: 'e2e4' }, T0 + 5));
    expect(after.events).toEqual([{ kind: 'moved', ply: { uci: 'e2e4', san: 'e4', fen: expect.stringContaining('4P3'), at: T0 + 5, clockMs: null } }]);
    expect(g.plies).toHaveLength(0); // the input is never mutated
    expect(turnOf(after.state)).toBe('b');
  });

  it('castles both ways (UCI is the king move) and loses castling rights after a king move', () => {
    const s = play(newGame(null, T0), ['e2e4', 'e7e5', 'g1f3', 'b8c6', 'f1c4', 'd7d6', 'e1g1', 'c8g4', 'd2d3', 'd8d7', 'b1c3', 'e8c8']);
    expect(s.plies.at(-6)!.san).toBe('O-O');
    expect(s.plies.at(-1)!.san).toBe('O-O-O');
    const board = new Chess(fenOf(s));
    expect([board.get('g1'), board.get('f1'), board.get('c8'), board.get('d8')]).toEqual([
      { type: 'k', color: 'w' },
      { type: 'r', color: 'w' },
      { type: 'k', color: 'b' },
      { type: 'r', color: 'b' },
    ]);
    expect(fenOf(s).split(' ')[2]).toBe('-'); // no castling rights left
    // Castling through check is illegal: a bishop on c4 covers f1? no: put black bishop on c5 covering f2/g1.
    const blocked = at('4k3/8/8/2b5/8/8/8/4K2R w K - 0 1');
    expect(refused(apply(blocked, { type: 'move', by: 'w', uci: 'e1g1' }, T0))?.reason).toMatch(/Illegal/);
  });

  it('takes en passant only right after the double step', () => {
    const s = play(newGame(null, T0), ['e2e4', 'a7a6', 'e4e5', 'd7d5']);
    const ep = ok(apply(s, { type: 'move', by: 'w', uci: 'e5d6' }, T0 + 9000));
    expect(ep.state.plies.at(-1)!.san).toBe('exd6');
    expect(fenOf(ep.state).split(' ')[0]).toBe('rnbqkbnr/1pp1pppp/p2P4/8/8/8/PPPP1PPP/RNBQKBNR');
    const late = play(s, ['g1f3', 'a6a5']);
    expect(refused(apply(late, { type: 'move', by: 'w', uci: 'e5d6' }, T0 + 20_000))?.reason).toMatch(/Illegal/);
  });

  it('needs a promotion piece for a promotion, refuses one otherwise, and under-promotes', () => {
    const s = at('8/P6k/8/8/8/8/8/K7 w - - 0 1');
    expect(refused(apply(s, { type: 'move', by: 'w', uci: 'a7a8' }, T0))).toMatchObject({ code: 'VALIDATION', reason: expect.stringMatching(/promote/) });
    expect(refused(apply(s, { type: 'move', by: 'w', uci: 'a1b1q' }, T0))).toMatchObject({ code: 'VALIDATION' });
    const n = ok(apply(s, { type: 'move', by: 'w', uci: 'a7a8n' }, T0));
    expect(n.state.plies.at(-1)!.san).toBe('a8=N');
    const q = ok(apply(s, { type: 'move', by: 'w', uci: 'a7a8q' }, T0));
    expect(q.state.plies.at(-1)!.san).toBe('a8=Q');
    expect(q.state.plies.at(-1)!.uci).toBe('a7a8q');
  });
});

describe('end conditions', () => {
  const endOf = (s: GameState) => ({ status: s.status, result: s.result, reason: s.reason });

  it('checkmate (fool’s mate) ends the game for the mover', () => {
    const s = play(newGame(null, T0), ['f2f3', 'e7e5', 'g2g4', 'd8h4']);
    expect(endOf(s)).toEqual({ status: 'ended', result: '0-1', reason: 'checkmate' });
    expect(refused(apply(s, { type: 'move', by: 'w', uci: 'a2a3' }, T0 + 10_000))?.reason).toMatch(/over/);
  });

  it('stalemate is a draw', () => {
    const s = ok(apply(at('7k/8/6Q1/8/8/8/8/K7 w - - 0 1'), { type: 'move', by: 'w', uci: 'g6f7' }, T0)).state;
    expect(endOf(s)).toEqual({ status: 'ended', result: '1/2-1/2', reason: 'stalemate' });
  });

  it('insufficient material (a capture leaves king and bishop vs king) is a draw', () => {
    const k = ok(apply(at('8/8/8/3k4/8/8/3r4/3BK3 w - - 0 1'), { type: 'move', by: 'w', uci: 'e1d2' }, T0)).state;
    expect(endOf(k)).toEqual({ status: 'ended', result: '1/2-1/2', reason: 'insufficient-material' });
  });

  it('threefold repetition is a draw the moment the position occurs a third time', () => {
    const shuffle = ['g1f3', 'g8f6', 'f3g1', 'f6g8'];
    const twice = play(newGame(null, T0), shuffle);
    expect(twice.status).toBe('active'); // start position seen twice
    const s = play(twice, shuffle, T0 + 10_000);
    expect(endOf(s)).toEqual({ status: 'ended', result: '1/2-1/2', reason: 'threefold' });
    expect(s.plies).toHaveLength(8);
  });

  it('the fifty-move rule draws after 100 plies without a capture or pawn move', () => {
    const s = ok(apply(at('8/8/8/3k4/8/8/R7/4K3 w - - 99 80'), { type: 'move', by: 'w', uci: 'a2a3' }, T0)).state;
    expect(endOf(s)).toEqual({ status: 'ended', result: '1/2-1/2', reason: 'fifty-moves' });
    // Checkmate on the hundredth ply still wins.
    const mate = ok(apply(at('k7/8/1K6/8/8/8/8/7R w - - 99 80'), { type: 'move', by: 'w', uci: 'h1h8' }, T0)).state;
    expect(endOf(mate)).toEqual({ status: 'ended', result: '1-0', reason: 'checkmate' });
  });

  it('resignation: the other side wins', () => {
    const s = play(newGame(null, T0), ['e2e4']);
    expect(endOf(ok(apply(s, { type: 'resign', by: 'w' }, T0 + 5000)).state)).toEqual({ status: 'ended', result: '0-1', reason: 'resign' });
    expect(endOf(ok(apply(s, { type: 'resign', by: 'b' }, T0 + 5000)).state)).toMatchObject({ result: '1-0' });
  });
});

describe('abort', () => {
  it('either player may abort until both have moved; then it is too late', () => {
    const g = newGame(BLITZ, T0);
    expect(ok(apply(g, { type: 'abort', by: 'b' }, T0 + 1)).state).toMatchObject({ status: 'ended', result: '*', reason: 'aborted' });
    const one = play(g, ['e2e4']);
    expect(ok(apply(one, { type: 'abort', by: 'w' }, T0 + 3000)).state.reason).toBe('aborted');
    const two = play(g, ['e2e4', 'e7e5']);
    expect(refused(apply(two, { type: 'abort', by: 'w' }, T0 + 3000))?.reason).toMatch(/Too late/);
  });

  it('a timed game whose first move does not come in time is aborted (no-start), also when the move arrives late', () => {
    const g = newGame(BLITZ, T0);
    expect(deadline(g)).toBe(T0 + FIRST_MOVE_MS);
    expect(ok(apply(g, { type: 'tick' }, T0 + FIRST_MOVE_MS - 1)).events).toEqual([]);
    expect(ok(apply(g, { type: 'tick' }, T0 + FIRST_MOVE_MS)).state).toMatchObject({ status: 'ended', result: '*', reason: 'no-start' });
    const late = ok(apply(g, { type: 'move', by: 'w', uci: 'e2e4' }, T0 + FIRST_MOVE_MS + 5));
    expect(late.events).toEqual([{ kind: 'ended' }]);
    expect(late.state.reason).toBe('no-start');
    // Untimed games wait forever.
    expect(deadline(newGame(null, T0))).toBeNull();
  });
});

describe('draw offers', () => {
  const g = play(newGame(null, T0), ['e2e4', 'e7e5']);

  it('offer, then accept: a draw by agreement', () => {
    const offered = ok(apply(g, { type: 'draw', by: 'w', action: 'offer' }, T0 + 5000));
    expect(offered.events).toEqual([{ kind: 'offered', offer: 'draw', by: 'w' }]);
    expect(refused(apply(offered.state, { type: 'draw', by: 'w', action: 'accept' }, T0 + 5000))?.reason).toMatch(/no draw offer/);
    expect(refused(apply(offered.state, { type: 'draw', by: 'w', action: 'offer' }, T0 + 5000))?.reason).toMatch(/already offered/);
    const accepted = ok(apply(offered.state, { type: 'draw', by: 'b', action: 'accept' }, T0 + 6000));
    expect(accepted.state).toMatchObject({ status: 'ended', result: '1/2-1/2', reason: 'agreement' });
  });

  it('offering when the opponent already offered accepts', () => {
    const offered = ok(apply(g, { type: 'draw', by: 'b', action: 'offer' }, T0 + 5000)).state;
    expect(ok(apply(offered, { type: 'draw', by: 'w', action: 'offer' }, T0 + 5000)).state.reason).toBe('agreement');
  });

  it('decline clears it; a new offer needs a new position; the opponent moving declines it; one’s own move keeps it', () => {
    const offered = ok(apply(g, { type: 'draw', by: 'w', action: 'offer' }, T0 + 5000)).state;
    const declined = ok(apply(offered, { type: 'draw', by: 'b', action: 'decline' }, T0 + 5000));
    expect(declined.events).toEqual([{ kind: 'declined', offer: 'draw', by: 'b' }]);
    expect(declined.state.offers.draw).toBeNull();
    expect(refused(apply(declined.state, { type: 'draw', by: 'w', action: 'offer' }, T0 + 5000))?.reason).toMatch(/in this position/);
    // White offers on its turn and then moves: the offer stays; Black moves: it is gone.
    const kept = play(declined.state, ['g1f3'], T0 + 6000);
    const reoffer = ok(apply(kept, { type: 'draw', by: 'b', action: 'offer' }, T0 + 8000)).state;
    expect(play(reoffer, ['b8c6'], T0 + 9000).offers.draw).toBe('b');
    expect(play(reoffer, ['b8c6', 'f1c4'], T0 + 9000).offers.draw).toBeNull();
  });

  it('no draw offers before both have moved (abort instead)', () => {
    expect(refused(apply(newGame(null, T0), { type: 'draw', by: 'w', action: 'offer' }, T0))?.reason).toMatch(/abort/);
  });
});

describe('takebacks', () => {
  const g = play(newGame(BLITZ, T0), ['e2e4', 'e7e5', 'g1f3']);

  it('on the opponent’s turn, takes back one ply', () => {
    const req = ok(apply(g, { type: 'takeback', by: 'w', action: 'request' }, T0 + 4000));
    expect(req.events).toEqual([{ kind: 'offered', offer: 'takeback', by: 'w' }]);
    expect(refused(apply(req.state, { type: 'takeback', by: 'w', action: 'accept' }, T0 + 4000))?.reason).toMatch(/no takeback/);
    const acc = ok(apply(req.state, { type: 'takeback', by: 'b', action: 'accept' }, T0 + 5000));
    expect(acc.events).toEqual([{ kind: 'takenback', plies: 1 }]);
    expect(acc.state.plies.map((p) => p.uci)).toEqual(['e2e4', 'e7e5']);
    expect(turnOf(acc.state)).toBe('w');
  });

  it('after the opponent replied, takes back two plies (the requester moves again)', () => {
    const req = ok(apply(g, { type: 'takeback', by: 'b', action: 'request' }, T0 + 4000)).state;
    const acc = ok(apply(req, { type: 'takeback', by: 'w', action: 'accept' }, T0 + 5000)).state;
    expect(acc.plies.map((p) => p.uci)).toEqual(['e2e4']);
    expect(turnOf(acc)).toBe('b');
    expect(clockRunning(acc)).toBe(false); // back before both had moved
  });

  it('charges the time used before the takeback and keeps the clock running for the side to move', () => {
    // White moved at T0+3000 (g1f3); Black's clock runs; Black accepts White's request 10 s later.
    const req = ok(apply(g, { type: 'takeback', by: 'w', action: 'request' }, T0 + 4000)).state;
    const acc = ok(apply(req, { type: 'takeback', by: 'b', action: 'accept' }, T0 + 13_000)).state;
    expect(acc.remaining.b).toBe(180_000 - 10_000);
    expect(turnOf(acc)).toBe('w');
    expect(acc.turnStartedAt).toBe(T0 + 13_000);
    expect(remainingAt(acc, 'w', T0 + 14_000)).toBe(acc.remaining.w - 1000);
  });

  it('decline, nothing to take back, spam, and a move cancels the request', () => {
    expect(refused(apply(newGame(null, T0), { type: 'takeback', by: 'w', action: 'request' }, T0))?.reason).toMatch(/no move/);
    expect(refused(apply(play(newGame(null, T0), ['e2e4']), { type: 'takeback', by: 'b', action: 'request' }, T0))?.reason).toMatch(/no move/);
    const req = ok(apply(g, { type: 'takeback', by: 'w', action: 'request' }, T0 + 4000)).state;
    const dec = ok(apply(req, { type: 'takeback', by: 'b', action: 'decline' }, T0 + 4000));
    expect(dec.events).toEqual([{ kind: 'declined', offer: 'takeback', by: 'b' }]);
    expect(refused(apply(dec.state, { type: 'takeback', by: 'w', action: 'request' }, T0 + 4000))?.reason).toMatch(/in this position/);
    expect(play(req, ['b8c6'], T0 + 5000).offers.takeback).toBeNull();
  });
});

describe('clocks', () => {
  it('start after both sides moved, then count down the side to move and add the increment', () => {
    let s = newGame(BLITZ, T0);
    s = ok(apply(s, { type: 'move', by: 'w', uci: 'e2e4' }, T0 + 20_000)).state;
    expect(s.remaining).toEqual({ w: 180_000, b: 180_000 }); // no time used, no increment yet
    s = ok(apply(s, { type: 'move', by: 'b', uci: 'e7e5' }, T0 + 40_000)).state;
    expect(s.remaining).toEqual({ w: 180_000, b: 180_000 });
    expect(clockRunning(s)).toBe(true);
    expect(remainingAt(s, 'w', T0 + 43_000)).toBe(177_000);
    expect(remainingAt(s, 'b', T0 + 43_000)).toBe(180_000);
    s = ok(apply(s, { type: 'move', by: 'w', uci: 'g1f3' }, T0 + 45_000)).state;
    expect(s.remaining.w).toBe(180_000 - 5_000 + 2_000);
    expect(s.plies.at(-1)!.clockMs).toBe(177_000);
    s = ok(apply(s, { type: 'move', by: 'b', uci: 'b8c6' }, T0 + 46_500)).state;
    expect(s.remaining.b).toBe(180_000 - 1_500 + 2_000);
  });

  it('credits the mover’s reported lag, at most 500 ms per move, from a quota that refills slowly', () => {
    let s = play(newGame(BLITZ, T0), ['e2e4', 'e7e5']); // clock running from T0+2000
    const t = T0 + 2000;
    // Claims 300 ms: credited in full.
    s = ok(apply(s, { type: 'move', by: 'w', uci: 'g1f3', lagMs: 300 }, t + 1000)).state;
    expect(s.remaining.w).toBe(180_000 - (1000 - 300) + 2000);
    expect(s.lagQuota.w).toBe(LAG_QUOTA_START_MS - 300 + LAG_QUOTA_GAIN_MS);
    // Claims 5 s: capped at 500 ms.
    s = ok(apply(s, { type: 'move', by: 'b', uci: 'b8c6', lagMs: 5000 }, t + 3000)).state;
    expect(s.remaining.b).toBe(180_000 - (2000 - MAX_LAG_CREDIT_MS) + 2000);
    // Never more than the time actually elapsed.
    const before = s.remaining.w;
    s = ok(apply(s, { type: 'move', by: 'w', uci: 'f1c4', lagMs: 400 }, t + 3100)).state;
    expect(s.remaining.w).toBe(before + 2000);
    // A player who always claims the maximum drains the quota: then only the gain is credited per move.
    let q = play(newGame(BLITZ, T0), ['e2e4', 'e7e5']);
    const moves = ['g1f3', 'g8f6', 'b1c3', 'b8c6', 'f1c4', 'f8c5', 'd2d3', 'd7d6', 'c1g5', 'c8g4'];
    let now = T0 + 2000;
    const credits: number[] = [];
    for (const uci of moves.slice(0, 10)) {
      now += 2000;
      const by: Color = turnOf(q);
      const before = q.remaining[by];
      q = ok(apply(q, { type: 'move', by, uci, lagMs: 10_000 }, now)).state;
      if (by === 'w') credits.push(q.remaining[by] - before - 2000 + 2000);
    }
    expect(credits).toEqual([500, 500, 200, 100, 100]);
    expect(q.lagQuota.w).toBe(100);
    expect(LAG_QUOTA_MAX_MS).toBeGreaterThan(LAG_QUOTA_START_MS);
  });

  it('a flag falls on the server timer even if nobody moves, after the lag grace', () => {
    let s = play(newGame({ initialMs: 60_000, incrementMs: 0 }, T0), ['e2e4', 'e7e5']);
    const start = s.turnStartedAt;
    expect(deadline(s)).toBe(start + 60_000 + MAX_LAG_CREDIT_MS);
    expect(ok(apply(s, { type: 'tick' }, start + 60_000)).events).toEqual([]);
    s = ok(apply(s, { type: 'tick' }, start + 60_500)).state;
    expect(s).toMatchObject({ status: 'ended', result: '0-1', reason: 'timeout', remaining: { w: 0, b: 60_000 } });
  });

  it('a move that comes after the flag fell loses on time (unless the credited lag covers it)', () => {
    const s = play(newGame({ initialMs: 60_000, incrementMs: 0 }, T0), ['e2e4', 'e7e5']);
    const start = s.turnStartedAt;
    const late = ok(apply(s, { type: 'move', by: 'w', uci: 'g1f3', lagMs: 100 }, start + 60_300));
    expect(late.events).toEqual([{ kind: 'ended' }]);
    expect(late.state).toMatchObject({ result: '0-1', reason: 'timeout' });
    const covered = ok(apply(s, { type: 'move', by: 'w', uci: 'g1f3', lagMs: 400 }, start + 60_300));
    expect(covered.events[0]).toMatchObject({ kind: 'moved' });
    expect(covered.state.remaining.w).toBe(100);
  });

  it('a flag against a side whose opponent cannot mate is a draw', () => {
    const clock = { initialMs: 10_000, incrementMs: 0 };
    // White (to move) flags; Black has king + knight only: cannot mate, draw.
    const s = at('8/8/4k3/8/8/2n5/8/KQ6 w - - 0 40', clock, T0);
    expect(ok(apply(s, { type: 'tick' }, T0 + 10_500)).state).toMatchObject({ status: 'ended', result: '1/2-1/2', reason: 'timeout-vs-insufficient' });
    // Black has a rook: it wins on time.
    const r = at('8/8/4k3/8/8/2r5/8/KQ6 w - - 0 40', clock, T0);
    expect(ok(apply(r, { type: 'tick' }, T0 + 10_500)).state).toMatchObject({ result: '0-1', reason: 'timeout' });
  });

  it('cannotMate follows lichess: bare king, lone knight vs queens only, same-coloured bishops vs no knight/pawn', () => {
    expect(cannotMate('8/8/4k3/8/8/8/PP6/K7 w - - 0 1', 'b')).toBe(true);
    expect(cannotMate('8/8/4k3/8/8/2n5/8/K7 w - - 0 1', 'b')).toBe(true);
    expect(cannotMate('8/8/4k3/8/8/2n5/8/KQ6 w - - 0 1', 'b')).toBe(true);
    expect(cannotMate('8/8/4k3/8/8/2n5/P7/K7 w - - 0 1', 'b')).toBe(false); // a pawn can block: mate is possible
    expect(cannotMate('8/8/4k3/8/8/2nn4/8/K7 w - - 0 1', 'b')).toBe(false);
    expect(cannotMate('8/8/4k3/8/8/2b5/8/K7 w - - 0 1', 'b')).toBe(true);
    expect(cannotMate('8/8/4k3/8/8/2b5/P7/K7 w - - 0 1', 'b')).toBe(false);
    expect(cannotMate('8/8/4k3/8/8/2b5/8/KB6 w - - 0 1', 'b')).toBe(false); // bishops on opposite colours (c3 dark, b1 light)
    expect(cannotMate('8/8/4k3/8/8/2b5/8/K1B5 w - - 0 1', 'b')).toBe(true); // both dark
    expect(cannotMate('8/8/4k3/8/8/2r5/8/K7 w - - 0 1', 'b')).toBe(false);
    expect(cannotMate('8/8/4k3/8/8/8/8/K7 w - - 0 1', 'w')).toBe(true);
  });

  it('untimed games have no clock and no deadline', () => {
    const s = play(newGame(null, T0), ['e2e4', 'e7e5', 'g1f3'], T0, 3_600_000);
    expect(clockRunning(s)).toBe(false);
    expect(deadline(s)).toBeNull();
    expect(s.plies.every((p) => p.clockMs === null)).toBe(true);
  });

  it('a restart does not charge the downtime; a flag that fell before the server died falls at once', () => {
    const s = play(newGame(BLITZ, T0), ['e2e4', 'e7e5', 'g1f3']); // Black to move since T0+3000
    const aliveAt = T0 + 13_000; // last heartbeat: Black had used 10 s
    const resumed = resumeAfterDowntime(s, aliveAt, T0 + 600_000);
    expect(remainingAt(resumed, 'b', T0 + 600_000)).toBe(170_000);
    expect(remainingAt(resumed, 'b', T0 + 601_000)).toBe(169_000);
    expect(ok(apply(resumed, { type: 'tick' }, T0 + 600_000)).events).toEqual([]);
    // Black's 3 minutes had run out while the server was still up: it flags on the first tick.
    const dead = resumeAfterDowntime(s, T0 + 3000 + 200_000, T0 + 900_000);
    expect(ok(apply(dead, { type: 'tick' }, T0 + 900_000)).state).toMatchObject({ result: '1-0', reason: 'timeout' });
    // Ended games are left alone.
    const over = ok(apply(s, { type: 'resign', by: 'b' }, T0 + 5000)).state;
    expect(resumeAfterDowntime(over, T0 + 5000, T0 + 99_000)).toBe(over);
  });
});

describe('claims after a disconnection', () => {
  const g = play(newGame(BLITZ, T0), ['e2e4', 'e7e5']);
  const claim = (by: Color, outcome: 'win' | 'draw', since: number | null, now: number): Action & { type: 'claim' } => ({ type: 'claim', by, outcome, opponentGoneSince: since, graceMs: 60_000 });

  it('are refused while the opponent is here or within the grace period', () => {
    expect(refused(apply(g, claim('w', 'win', null, T0), T0 + 100_000))?.reason).toMatch(/here/);
    expect(refused(apply(g, claim('w', 'win', T0 + 50_000, T0), T0 + 100_000))?.reason).toMatch(/claim in 10 s/);
  });

  it('after the grace period: the win, or a draw', () => {
    expect(ok(apply(g, claim('w', 'win', T0 + 5000, T0), T0 + 65_000)).state).toMatchObject({ result: '1-0', reason: 'abandoned' });
    expect(ok(apply(g, claim('b', 'draw', T0 + 5000, T0), T0 + 65_000)).state).toMatchObject({ result: '1/2-1/2', reason: 'abandoned' });
  });
});

describe('rematch offers', () => {
  const over = ok(apply(play(newGame(null, T0), ['e2e4']), { type: 'resign', by: 'b' }, T0 + 5000)).state;

  it('only after the game; offer, then the other accepts (or offers too)', () => {
    expect(refused(apply(newGame(null, T0), { type: 'rematch', by: 'w', action: 'offer' }, T0))?.reason).toMatch(/still on/);
    const offered = ok(apply(over, { type: 'rematch', by: 'w', action: 'offer' }, T0 + 6000));
    expect(offered.events).toEqual([{ kind: 'offered', offer: 'rematch', by: 'w' }]);
    expect(ok(apply(offered.state, { type: 'rematch', by: 'b', action: 'accept' }, T0 + 7000)).events).toEqual([{ kind: 'rematchAgreed' }]);
    expect(ok(apply(offered.state, { type: 'rematch', by: 'b', action: 'offer' }, T0 + 7000)).events).toEqual([{ kind: 'rematchAgreed' }]);
    expect(ok(apply(offered.state, { type: 'rematch', by: 'b', action: 'decline' }, T0 + 7000)).state.offers.rematch).toBeNull();
    expect(refused(apply(offered.state, { type: 'rematch', by: 'w', action: 'accept' }, T0 + 7000))?.reason).toMatch(/no rematch/);
  });
});

describe('PGN export', () => {
  it('has the headers and moves chess.js reads back, with clock comments', () => {
    let s = play(newGame({ initialMs: 300_000, incrementMs: 3_000 }, T0), ['e2e4', 'e7e5', 'g1f3', 'b8c6', 'f1b5']);
    s = ok(apply(s, { type: 'resign', by: 'b' }, T0 + 9000)).state;
    const pgn = toPgn({ event: 'Casual blitz game', site: 'https://study.example', startedAt: Date.UTC(2026, 10, 23, 14, 5, 9), white: 'Ada "the" Lovelace', black: 'Bob', result: s.result, reason: s.reason, clock: s.clock, plies: s.plies });
    expect(pgn).toContain('[Date "2026.11.23"]');
    expect(pgn).toContain('[TimeControl "300+3"]');
    expect(pgn).toContain('[Termination "Normal"]');
    expect(pgn).toContain('[Result "1-0"]');
    expect(pgn).toContain(`[White "Ada 'the' Lovelace"]`);
    expect(pgn).toContain('1. e4 { [%clk 0:05:00] } e5 { [%clk 0:05:00] } 2. Nf3 { [%clk 0:05:02] }');
    const c = new Chess();
    c.loadPgn(pgn);
    expect(c.fen()).toBe(fenOf(s));
    expect(c.getHeaders()).toMatchObject({ Result: '1-0', Black: 'Bob', Site: 'https://study.example', Event: 'Casual blitz game' });
  });
});
