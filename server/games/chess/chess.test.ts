import { Chess } from 'chess.js';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { closeDb, openDb, type Db } from '../../../db/client.js';
import { openPgDb } from '../../../db/client-pg.js';
import { first } from '../../../db/query.js';
import { chessGames } from '../../../db/schema/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChessMovedFact } from '../../../protocol/chess-events.js';
import type { GameSummary, GameView } from '../../../protocol/chess.js';
import { Client, collect, command, newUsers, nextEvent, roomWith, sleep, startServer, type ClientSocket, type TestServer } from '../../test/harness.js';
import { DEFAULT_SOCKET_RATE } from '../../config.js';
import { MASTER_GAMES } from './fixtures/master-games.js';

let server: TestServer;
let ada: Client; // plays
let bob: Client; // plays
let cyd: Client; // spectator (room member)
let xan: Client; // outsider
let roomId: number;
let as: ClientSocket;
let bs: ClientSocket;
let cs: ClientSocket;
let xs: ClientSocket;

type AckLike<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
async function ok<T>(p: Promise<AckLike<T>>): Promise<T> {
  const ack = await p;
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}
const db = () => server.app.db;
const gameRow = async (id: number) => (await first(db().select().from(chessGames).where(eq(chessGames.id, id)).limit(1)))!;

async function connect() {
  [as, bs, cs] = await Promise.all([ada.socket(), bob.socket(), cyd.socket()]);
  for (const s of [as, bs, cs]) await ok(command(s, 'room:enter', { roomId }));
}

/** Tests fire commands faster than people do; the hub's limit itself is tested below with defaults. */
const config = { socketRatePerSec: 1000, socketRateBurst: 1000 };

beforeAll(async () => {
  server = await startServer({ config });
  [ada, bob, cyd, xan] = await newUsers(server, 'ada', 'bob', 'cyd', 'xan');
  roomId = (await roomWith(ada, [bob, cyd])).id;
  await connect();
  xs = await xan.socket();
});
afterAll(async () => {
  for (const s of [as, bs, cs, xs]) s?.close();
  await server.dispose();
});

/** Ada challenges Bob (Ada white unless told), Bob accepts; both are subscribed. */
async function newGame(timeControl: { minutes: number; increment: number } | null = null, color: 'white' | 'black' = 'white'): Promise<GameView> {
  const pending = await ok(command(as, 'chess:challenge', { roomId, opponentId: bob.userId, color, timeControl }));
  return ok(command(bs, 'chess:accept', { gameId: pending.id }));
}

/** Plays UCI moves alternately from the right sockets (white = Ada unless `flip`). */
async function playMoves(gameId: number, moves: string[], white = as, black = bs): Promise<ChessMovedFact[]> {
  const facts: ChessMovedFact[] = [];
  const view = await ok(command(white, 'chess:watch', { gameId }));
  let ply = view.ply;
  for (const uci of moves) {
    const socket = ply % 2 === 0 ? white : black;
    facts.push(await ok(command(socket, 'chess:move', { gameId, uci, ply })));
    ply++;
  }
  return facts;
}

const uciOf = (pgn: string) => {
  const c = new Chess();
  c.loadPgn(pgn);
  return { moves: c.history({ verbose: true }).map((m) => m.lan), fen: c.fen(), result: c.getHeaders().Result };
};

describe('seats and challenges', () => {
  it('a challenge reaches the room (seq) and the addressee; accepting starts the game with the chosen colours', async () => {
    const roomFact = nextEvent<{ game: GameSummary; seq: number }>(cs, 'chess:challenged');
    const invited = nextEvent<{ game: GameSummary; roomName: string }>(bs, 'chess:invited');
    const pending = await ok(command(as, 'chess:challenge', { roomId, opponentId: bob.userId, color: 'black', timeControl: { minutes: 5, increment: 3 } }));
    expect(pending).toMatchObject({ status: 'pending', speed: 'blitz', opponent: { id: bob.userId }, createdBy: { id: ada.userId }, white: null, black: null });
    expect((await roomFact).game.id).toBe(pending.id);
    expect((await roomFact).seq).toBeGreaterThan(0);
    expect((await invited).roomName).toBe('Study hall');
    // Only Bob may accept; Ada cannot take her own; Cyd may not.
    expect(await command(cs, 'chess:accept', { gameId: pending.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await command(as, 'chess:accept', { gameId: pending.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const started = nextEvent<{ game: GameSummary }>(cs, 'chess:started');
    const view = await ok(command(bs, 'chess:accept', { gameId: pending.id }));
    expect(view).toMatchObject({ status: 'active', white: { id: bob.userId }, black: { id: ada.userId }, ply: 0, v: 0, timeControl: { minutes: 5, increment: 3 } });
    expect(view.clock).toMatchObject({ white: 300_000, black: 300_000, running: null, incrementMs: 3000 });
    expect(view.firstMoveDeadline).toBeGreaterThan(Date.now());
    expect((await started).game.id).toBe(pending.id);
    const list = await ok(command(cs, 'chess:list', { roomId }));
    expect(list.games.find((g) => g.id === pending.id)).toMatchObject({ status: 'active', fen: expect.stringContaining('rnbqkbnr') });
    await ok(command(as, 'chess:abort', { gameId: pending.id }));
  });

  it('an open seat can be taken by any other member; decline and cancel withdraw challenges', async () => {
    const seat = await ok(command(as, 'chess:challenge', { roomId, color: 'random', timeControl: null }));
    expect(seat.opponent).toBeNull();
    const view = await ok(command(cs, 'chess:accept', { gameId: seat.id }));
    expect([view.white?.id, view.black?.id].sort()).toEqual([ada.userId, cyd.userId].sort());
    await ok(command(cs, 'chess:abort', { gameId: seat.id }));

    const ch = await ok(command(as, 'chess:challenge', { roomId, opponentId: bob.userId, color: 'white', timeControl: null }));
    expect(await command(cs, 'chess:decline', { gameId: ch.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const cancelled = nextEvent<{ gameId: number; reason: string }>(as, 'chess:cancelled');
    await ok(command(bs, 'chess:decline', { gameId: ch.id }));
    expect(await cancelled).toMatchObject({ gameId: ch.id, reason: 'declined' });
    expect(await command(bs, 'chess:accept', { gameId: ch.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const ch2 = await ok(command(as, 'chess:challenge', { roomId, color: 'white', timeControl: { minutes: 3, increment: 0 } }));
    expect(await command(bs, 'chess:cancel', { gameId: ch2.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await ok(command(as, 'chess:cancel', { gameId: ch2.id }));
    expect((await gameRow(ch2.id)).status).toBe('cancelled');
    expect(await command(as, 'chess:challenge', { roomId, opponentId: xan.userId, timeControl: null })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    expect(await command(as, 'chess:challenge', { roomId, opponentId: ada.userId, timeControl: null })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });
});

describe('conflicting commands at once (serialised per room)', () => {
  it('two moves for the same side sent together: exactly one is played and stored', async () => {
    const game = await newGame({ minutes: 5, increment: 0 });
    const tablet = await ada.socket();
    try {
      const acks = await Promise.all([command(as, 'chess:move', { gameId: game.id, uci: 'e2e4', ply: 0 }), command(tablet, 'chess:move', { gameId: game.id, uci: 'd2d4', ply: 0 })]);
      expect(acks.filter((a) => a.ok)).toHaveLength(1);
      expect(acks.find((a) => !a.ok)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      const row = await gameRow(game.id);
      expect(JSON.parse(row.moves as string)).toHaveLength(1);
      expect(row.version).toBe(1);
      const view = await ok(command(bs, 'chess:watch', { gameId: game.id }));
      expect(view).toMatchObject({ ply: 1, v: 1 });
      // Without the ply guard too: both reach the rules, the second finds it is not White's turn.
      const again = await Promise.all([command(bs, 'chess:move', { gameId: game.id, uci: 'e7e5' }), command(bs, 'chess:move', { gameId: game.id, uci: 'd7d5' })]);
      expect(again.filter((a) => a.ok)).toHaveLength(1);
      expect(JSON.parse((await gameRow(game.id)).moves as string)).toHaveLength(2);
    } finally {
      tablet.close();
    }
    await ok(command(as, 'chess:resign', { gameId: game.id }));
  });

  it('both players resign at once, and two members take one open seat at once: one of each wins', async () => {
    const game = await newGame();
    const resigns = await Promise.all([command(as, 'chess:resign', { gameId: game.id }), command(bs, 'chess:resign', { gameId: game.id })]);
    expect(resigns.filter((a) => a.ok)).toHaveLength(1);
    const row = await gameRow(game.id);
    expect(row).toMatchObject({ status: 'finished', reason: 'resign', version: 1 });
    expect(row.result).toBe(resigns[0]!.ok ? '0-1' : '1-0');

    const seat = await ok(command(as, 'chess:challenge', { roomId, color: 'white', timeControl: null }));
    const takes = await Promise.all([command(bs, 'chess:accept', { gameId: seat.id }), command(cs, 'chess:accept', { gameId: seat.id })]);
    expect(takes.filter((a) => a.ok)).toHaveLength(1);
    expect(takes.find((a) => !a.ok)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const taken = await gameRow(seat.id);
    expect(taken.blackId).toBe(takes[0]!.ok ? bob.userId : cyd.userId);
    await ok(command(as, 'chess:abort', { gameId: seat.id }));
  });
});

describe('challenge toasts follow the challenge (issue 17 item 10)', () => {
  it('the addressee hears on every device when a challenge is accepted, declined or withdrawn; outsiders hear nothing', async () => {
    const phone = await bob.socket(); // Bob's other device, not looking at the room
    const outsider = collect<unknown>(xs, 'chess:inviteClosed');
    try {
      // Accepted on the laptop: the phone is told.
      const ch = await ok(command(as, 'chess:challenge', { roomId, opponentId: bob.userId, color: 'white', timeControl: null }));
      let closed = nextEvent<{ gameId: number; roomId: number; reason: string }>(phone, 'chess:inviteClosed');
      await ok(command(bs, 'chess:accept', { gameId: ch.id }));
      expect(await closed).toEqual({ gameId: ch.id, roomId, reason: 'accepted' });
      await ok(command(as, 'chess:abort', { gameId: ch.id }));

      // Withdrawn by the challenger.
      const ch2 = await ok(command(as, 'chess:challenge', { roomId, opponentId: bob.userId, color: 'white', timeControl: null }));
      closed = nextEvent(phone, 'chess:inviteClosed');
      await ok(command(as, 'chess:cancel', { gameId: ch2.id }));
      expect(await closed).toEqual({ gameId: ch2.id, roomId, reason: 'cancelled' });

      // Declined on one device.
      const ch3 = await ok(command(as, 'chess:challenge', { roomId, opponentId: bob.userId, color: 'white', timeControl: null }));
      closed = nextEvent(phone, 'chess:inviteClosed');
      await ok(command(bs, 'chess:decline', { gameId: ch3.id }));
      expect(await closed).toEqual({ gameId: ch3.id, roomId, reason: 'declined' });

      // An open seat has no addressee: taking it tells nobody.
      const seat = await ok(command(as, 'chess:challenge', { roomId, color: 'white', timeControl: null }));
      await ok(command(cs, 'chess:accept', { gameId: seat.id }));
      await ok(command(as, 'chess:abort', { gameId: seat.id }));
      expect([...outsider]).toEqual([]);
    } finally {
      phone.close();
    }
  });
});

describe('playing', () => {
  it('a full game to checkmate: both players and a spectator follow it; the room sees it finish', async () => {
    const game = await newGame({ minutes: 3, increment: 2 });
    await ok(command(cs, 'chess:watch', { gameId: game.id }));
    const seen = collect<ChessMovedFact>(cs, 'chess:moved');
    const ended = nextEvent<{ v: number; game: GameView }>(cs, 'chess:ended');
    const finished = nextEvent<{ game: GameSummary; seq: number }>(bs, 'chess:finished', (f) => f.game.id === game.id);
    const facts = await playMoves(game.id, ['f2f3', 'e7e5', 'g2g4', 'd8h4']);
    expect(facts.map((f) => f.move.san)).toEqual(['f3', 'e5', 'g4', 'Qh4#']);
    expect(facts.map((f) => f.v)).toEqual([1, 2, 3, 4]);
    expect(facts[3]).toMatchObject({ check: true, turn: 'w', move: { ply: 4, uci: 'd8h4' } });
    expect(facts[1]!.clock).toMatchObject({ running: 'w', white: 180_000, black: 180_000 });
    const end = await ended;
    expect(end.v).toBe(5);
    expect(end.game).toMatchObject({ status: 'finished', result: '0-1', reason: 'checkmate', ply: 4, check: true });
    expect(end.game.moves.map((m) => m.san)).toEqual(['f3', 'e5', 'g4', 'Qh4#']);
    expect((await finished).game).toMatchObject({ status: 'finished', result: '0-1' });
    await sleep(50);
    expect(seen.map((f) => f.move.uci)).toEqual(['f2f3', 'e7e5', 'g2g4', 'd8h4']); // once each, though in both channels
    seen.stop();
    expect(await command(as, 'chess:move', { gameId: game.id, uci: 'a2a3' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('refuses illegal moves, moves out of turn, stale positions, spectators and outsiders — and changes nothing', async () => {
    const game = await newGame({ minutes: 10, increment: 0 });
    await playMoves(game.id, ['e2e4', 'e7e5']);
    const before = await gameRow(game.id);
    const cases: [ClientSocket, unknown, string][] = [
      [as, { gameId: game.id, uci: 'e4e6' }, 'CONFLICT'], // illegal
      [as, { gameId: game.id, uci: 'e1e3' }, 'CONFLICT'],
      [bs, { gameId: game.id, uci: 'd7d5' }, 'CONFLICT'], // not Black's turn
      [as, { gameId: game.id, uci: 'g1f3', ply: 1 }, 'CONFLICT'], // stale
      [as, { gameId: game.id, uci: 'g1f3q' }, 'VALIDATION'], // not a promotion
      [cs, { gameId: game.id, uci: 'g1f3' }, 'FORBIDDEN'], // spectator
      [xs, { gameId: game.id, uci: 'g1f3' }, 'NOT_MEMBER'], // outsider
      [as, { gameId: 999_999, uci: 'g1f3' }, 'NOT_FOUND'],
      [as, { gameId: game.id, uci: 'Nf3' }, 'VALIDATION'],
      [as, { gameId: game.id, uci: 'g1f3', lag: -5 }, 'VALIDATION'],
      [as, { gameId: String(game.id), uci: 'g1f3' }, 'VALIDATION'],
      [as, { gameId: game.id, uci: 'g1f3', extra: 1 }, 'VALIDATION'],
      [as, null, 'VALIDATION'],
    ];
    for (const [socket, payload, code] of cases) {
      expect(await command(socket, 'chess:move', payload), JSON.stringify(payload)).toMatchObject({ ok: false, error: { code } });
    }
    expect(await gameRow(game.id)).toEqual(before);
    const played = await ok(command(as, 'chess:move', { gameId: game.id, uci: 'g1f3', ply: 2, lag: 80 }));
    expect(played.move.san).toBe('Nf3');
    await ok(command(bs, 'chess:resign', { gameId: game.id }));
  });

  it('every chess command refuses outsiders and garbage', async () => {
    const game = await newGame(null);
    const ref = { gameId: game.id };
    const outsiderCases: [string, unknown][] = [
      ['chess:list', { roomId }],
      ['chess:challenge', { roomId, timeControl: null }],
      ['chess:accept', ref],
      ['chess:decline', ref],
      ['chess:cancel', ref],
      ['chess:watch', ref],
      ['chess:unwatch', ref],
      ['chess:move', { ...ref, uci: 'e2e4' }],
      ['chess:resign', ref],
      ['chess:draw', { ...ref, action: 'offer' }],
      ['chess:takeback', { ...ref, action: 'request' }],
      ['chess:abort', ref],
      ['chess:claim', { ...ref, outcome: 'win' }],
      ['chess:rematch', { ...ref, action: 'offer' }],
    ];
    const before = await gameRow(game.id);
    for (const [event, payload] of outsiderCases) {
      expect(await command(xs, event as 'chess:list', payload), event).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    }
    const garbage: [string, unknown][] = [
      ['chess:list', {}],
      ['chess:challenge', { roomId, timeControl: { minutes: 0, increment: 0 } }],
      ['chess:challenge', { roomId, timeControl: { minutes: 1.5, increment: 0 } }],
      ['chess:challenge', { roomId, timeControl: { minutes: 500, increment: 0 } }],
      ['chess:challenge', { roomId, timeControl: { minutes: 5, increment: -1 } }],
      ['chess:challenge', { roomId, color: 'green', timeControl: null }],
      ['chess:challenge', { roomId }],
      ['chess:accept', { gameId: 'x' }],
      ['chess:decline', {}],
      ['chess:cancel', { gameId: -1 }],
      ['chess:watch', { gameId: 1.5 }],
      ['chess:unwatch', null],
      ['chess:move', { ...ref, uci: 'e2e9' }],
      ['chess:resign', { ...ref, why: 'bored' }],
      ['chess:draw', { ...ref, action: 'maybe' }],
      ['chess:takeback', { ...ref, action: 'offer' }],
      ['chess:abort', 'now'],
      ['chess:claim', { ...ref, outcome: 'everything' }],
      ['chess:rematch', { ...ref }],
    ];
    for (const [event, payload] of garbage) {
      expect(await command(as, event as 'chess:list', payload), `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    // Spectators may watch but not play.
    for (const [event, payload] of outsiderCases.slice(7, 13)) {
      expect(await command(cs, event as 'chess:list', payload), event).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await gameRow(game.id)).toEqual(before);
    await ok(command(as, 'chess:abort', ref));
  });

  it('draw offer / decline / accept, takeback request / decline / accept, abort rules, over the sockets', async () => {
    const game = await newGame({ minutes: 5, increment: 0 });
    expect(await command(bs, 'chess:draw', { gameId: game.id, action: 'offer' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await playMoves(game.id, ['e2e4', 'e7e5', 'g1f3']);
    expect(await command(as, 'chess:abort', { gameId: game.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    const offered = nextEvent<{ kind: string; by: string; v: number }>(bs, 'chess:offered');
    const afterOffer = await ok(command(as, 'chess:takeback', { gameId: game.id, action: 'request' }));
    expect(afterOffer.offers.takeback).toBe('w');
    expect(await offered).toMatchObject({ kind: 'takeback', by: 'w' });
    const declined = nextEvent(as, 'chess:declined');
    await ok(command(bs, 'chess:takeback', { gameId: game.id, action: 'decline' }));
    expect(await declined).toMatchObject({ kind: 'takeback', by: 'b' });
    await ok(command(bs, 'chess:move', { gameId: game.id, uci: 'b8c6' }));
    await ok(command(bs, 'chess:takeback', { gameId: game.id, action: 'request' }));
    const takenback = nextEvent<{ plies: number; game: GameView }>(bs, 'chess:takenback');
    const after = await ok(command(as, 'chess:takeback', { gameId: game.id, action: 'accept' }));
    expect(after.moves.map((m) => m.uci)).toEqual(['e2e4', 'e7e5', 'g1f3']);
    expect((await takenback).plies).toBe(1);
    expect(after.turn).toBe('b');

    await ok(command(bs, 'chess:draw', { gameId: game.id, action: 'offer' }));
    await ok(command(as, 'chess:draw', { gameId: game.id, action: 'decline' }));
    expect(await command(bs, 'chess:draw', { gameId: game.id, action: 'offer' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await ok(command(bs, 'chess:move', { gameId: game.id, uci: 'g8f6' }));
    await ok(command(as, 'chess:draw', { gameId: game.id, action: 'offer' }));
    const drawn = await ok(command(bs, 'chess:draw', { gameId: game.id, action: 'accept' }));
    expect(drawn).toMatchObject({ status: 'finished', result: '1/2-1/2', reason: 'agreement' });
    expect(drawn.clock?.running).toBeNull();

    // Abort: fine before both have moved.
    const g2 = await newGame({ minutes: 5, increment: 0 });
    await playMoves(g2.id, ['d2d4']);
    const aborted = await ok(command(bs, 'chess:abort', { gameId: g2.id }));
    expect(aborted).toMatchObject({ status: 'aborted', result: '*', reason: 'aborted' });
  });

  it('rematch: offer, accept; colours swap; watchers of the old game follow', async () => {
    const game = await newGame({ minutes: 3, increment: 0 });
    await playMoves(game.id, ['e2e4', 'e7e5']);
    await ok(command(bs, 'chess:resign', { gameId: game.id }));
    await ok(command(cs, 'chess:watch', { gameId: game.id }));
    expect(await command(cs, 'chess:rematch', { gameId: game.id, action: 'offer' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const offer = await ok(command(bs, 'chess:rematch', { gameId: game.id, action: 'offer' }));
    expect(offer).toMatchObject({ next: null, game: { offers: { rematch: 'b' } } });
    const rematched = nextEvent<{ next: GameView }>(cs, 'chess:rematched');
    const res = await ok(command(as, 'chess:rematch', { gameId: game.id, action: 'accept' }));
    expect(res.next).toMatchObject({ status: 'active', white: { id: bob.userId }, black: { id: ada.userId }, rematchOf: game.id, timeControl: { minutes: 3, increment: 0 } });
    expect(res.game.rematchId).toBe(res.next!.id);
    expect((await rematched).next.id).toBe(res.next!.id);
    // The spectator follows the new game without asking.
    const moved = nextEvent<ChessMovedFact>(cs, 'chess:moved', (f) => f.gameId === res.next!.id);
    await ok(command(bs, 'chess:move', { gameId: res.next!.id, uci: 'c2c4' }));
    expect((await moved).move.san).toBe('c4');
    expect(await command(as, 'chess:rematch', { gameId: game.id, action: 'offer' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await ok(command(as, 'chess:abort', { gameId: res.next!.id }));
  });
});

describe('master games replayed through the socket API', () => {
  for (const { name, pgn } of MASTER_GAMES) {
    it(name, async () => {
      const expected = uciOf(pgn);
      const game = await newGame({ minutes: 10, increment: 5 });
      const facts = await playMoves(game.id, expected.moves);
      const c = new Chess();
      c.loadPgn(pgn);
      expect(facts.map((f) => f.move.san)).toEqual(c.history());
      let view = await ok(command(cs, 'chess:watch', { gameId: game.id }));
      if (view.status === 'active') {
        // Ended by resignation: the side to move resigned.
        view = await ok(command(view.turn === 'w' ? as : bs, 'chess:resign', { gameId: game.id }));
        expect(view.reason).toBe('resign');
      } else expect(view.reason).toBe('checkmate');
      expect(view.fen).toBe(expected.fen);
      expect(view.result).toBe(expected.result);
      // The PGN export replays to the same position and carries the headers.
      const res = await cyd.get(`/api/games/${game.id}/pgn`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/x-chess-pgn');
      const exported = new Chess();
      exported.loadPgn(res.body as string);
      expect(exported.fen()).toBe(expected.fen);
      expect(exported.getHeaders()).toMatchObject({ White: 'ada', Black: 'bob', Result: expected.result, TimeControl: '600+5', Termination: 'Normal', Site: 'Commonroom' });
      expect(exported.getHeaders().Date).toMatch(/^\d{4}\.\d{2}\.\d{2}$/);
      expect(exported.getHeaders().Event).toBe('Casual rapid game');
    });
  }
});

describe('clocks on the server', () => {
  it('a flag falls on the server timer even if nobody moves', async () => {
    const game = await newGame({ minutes: 1, increment: 0 });
    await playMoves(game.id, ['e2e4', 'e7e5']);
    // White has 300 ms left as of now; the timer re-arms from the row.
    await db().update(chessGames).set({ whiteMs: 300, turnStartedAt: Date.now(), aliveAt: Date.now() }).where(eq(chessGames.id, game.id));
    const ended = nextEvent<{ game: GameView }>(bs, 'chess:ended', (f) => f.game.id === game.id, 3000);
    await server.app.chess.reload(game.id);
    const { game: over } = await ended;
    expect(over).toMatchObject({ status: 'finished', result: '0-1', reason: 'timeout', clock: { white: 0, running: null } });
    const row = await gameRow(game.id);
    expect(row).toMatchObject({ status: 'finished', reason: 'timeout', whiteMs: 0 });
  });

  it('a flag against a side whose opponent cannot mate is a draw', async () => {
    const game = await newGame({ minutes: 1, increment: 0 });
    await playMoves(game.id, ['e2e4', 'e7e5']);
    // Put the game in a position where Black (to flag White) has only king and knight.
    const now = Date.now();
    const fen = '8/8/4k3/8/8/2n5/8/KQ6 w - - 0 40';
    const moves = JSON.stringify([['e2e4', 'e4', fen.replace(' w ', ' b '), now, 60_000], ['e7e5', 'e5', fen, now, 60_000]]);
    await db().update(chessGames).set({ moves, whiteMs: 200, turnStartedAt: now, aliveAt: now }).where(eq(chessGames.id, game.id));
    const ended = nextEvent<{ game: GameView }>(as, 'chess:ended', (f) => f.game.id === game.id, 3000);
    await server.app.chess.reload(game.id);
    expect((await ended).game).toMatchObject({ result: '1/2-1/2', reason: 'timeout-vs-insufficient' });
  });
});

describe('disconnection', () => {
  it('the opponent sees the player leave and return, may claim only after the grace period', async () => {
    server.app.chess.tuning.graceMs = 300;
    const game = await newGame({ minutes: 5, increment: 0 });
    await playMoves(game.id, ['e2e4', 'e7e5']);
    const gone = nextEvent<{ gameId: number; color: string; present: boolean; claimableAt: number }>(as, 'chess:presenceChanged', (f) => f.gameId === game.id && !f.present);
    bs.close();
    const fact = await gone;
    expect(fact).toMatchObject({ color: 'b', present: false });
    expect(await command(as, 'chess:claim', { gameId: game.id, outcome: 'win' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    // Back within the grace: present again, no claim.
    bs = await bob.socket();
    await ok(command(bs, 'room:enter', { roomId }));
    const back = nextEvent<{ gameId: number; present: boolean }>(as, 'chess:presenceChanged', (f) => f.gameId === game.id && f.present);
    const view = await ok(command(bs, 'chess:watch', { gameId: game.id }));
    expect(view.presence.b).toMatchObject({ present: true, goneSince: null });
    await back;
    await sleep(350);
    expect(await command(as, 'chess:claim', { gameId: game.id, outcome: 'win' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    // Gone for good: after the grace period the win can be claimed.
    bs.close();
    await nextEvent(as, 'chess:presenceChanged', (f: { present: boolean }) => !f.present);
    await sleep(350);
    const won = await ok(command(as, 'chess:claim', { gameId: game.id, outcome: 'win' }));
    expect(won).toMatchObject({ result: '1-0', reason: 'abandoned' });
    server.app.chess.tuning.graceMs = 60_000;
    bs = await bob.socket();
    await ok(command(bs, 'room:enter', { roomId }));
  });
});

describe('removal', () => {
  // Regression: a kicked member's live sockets kept receiving the game channel's moves.
  it('a kicked spectator stops receiving the game at once', async () => {
    const [dan] = await newUsers(server, 'dan');
    await dan.post(`/api/rooms/${roomId}/join`, {});
    const ds = await dan.socket();
    await ok(command(ds, 'room:enter', { roomId }));
    const game = await newGame();
    await ok(command(ds, 'chess:watch', { gameId: game.id }));
    const seen = nextEvent(ds, 'chess:moved', (f: { gameId: number }) => f.gameId === game.id);
    await playMoves(game.id, ['e2e4']);
    await seen;
    const removed = nextEvent(ds, 'room:removed');
    expect((await ada.post(`/api/rooms/${roomId}/members/${dan.userId}/kick`)).status).toBe(204);
    await removed;
    const after = collect(ds, 'chess:moved');
    await ok(command(bs, 'chess:move', { gameId: game.id, uci: 'e7e5', ply: 1 }));
    await sleep(100);
    expect(after).toHaveLength(0);
    ds.close();
  });
});

describe('restarts', () => {
  it('a restarted server resumes the game with the same position and clocks; the downtime is not charged', async () => {
    const game = await newGame({ minutes: 5, increment: 3 });
    await playMoves(game.id, ['d2d4', 'd7d5', 'c2c4']);
    const before = await ok(command(cs, 'chess:watch', { gameId: game.id }));
    expect(before.clock?.running).toBe('b');
    for (const s of [as, bs, cs]) s.close();
    await server.close();
    const down = Date.now();
    await sleep(1500); // the server is down: Black's clock must not run
    server = await startServer({ dataDir: server.dataDir, config: { ...config, databaseUrl: server.app.config.databaseUrl } });
    for (const c of [ada, bob, cyd, xan]) c.moveTo(server);
    await connect();
    xs.close();
    xs = await xan.socket();
    const after = await ok(command(bs, 'chess:watch', { gameId: game.id }));
    expect(after).toMatchObject({ status: 'active', fen: before.fen, ply: 3, v: before.v, turn: 'b' });
    expect(after.moves.map((m) => m.san)).toEqual(['d4', 'd5', 'c4']);
    // Black's remaining: what it had at `before`, minus only the time the server was up since then.
    const blackNow = after.clock!.black - (Date.now() - after.clock!.at);
    const upTime = down - before.clock!.at + (Date.now() - down - 1500);
    expect(blackNow).toBeLessThanOrEqual(before.clock!.black);
    expect(before.clock!.black - blackNow).toBeLessThan(upTime + 400);
    expect(before.clock!.black - blackNow).toBeLessThan(1400); // not charged the 1.5 s downtime
    expect(after.clock!.white).toBe(before.clock!.white);
    // Play continues with correct increments.
    const m = await ok(command(bs, 'chess:move', { gameId: game.id, uci: 'e7e6' }));
    expect(m.clock!.black).toBeGreaterThan(before.clock!.black + 3000 - 1400);
    await ok(command(as, 'chess:resign', { gameId: game.id }));
  });

  it('a clock that ran out before the server went down flags at boot', async () => {
    const game = await newGame({ minutes: 1, increment: 0 });
    await playMoves(game.id, ['e2e4', 'e7e5']);
    for (const s of [as, bs, cs]) s.close();
    await server.close();
    // The last heartbeat says White had been thinking for 61 s before the crash.
    const t = Date.now() - 120_000;
    const url = server.app.config.databaseUrl;
    const offline: Db = url ? openPgDb(url, { poolSize: 1 }) : openDb(join(server.dataDir, 'commonroom.sqlite'));
    await offline.update(chessGames).set({ turnStartedAt: t, aliveAt: t + 61_000 }).where(eq(chessGames.id, game.id));
    await closeDb(offline);
    server = await startServer({ dataDir: server.dataDir, config: { ...config, databaseUrl: server.app.config.databaseUrl } });
    for (const c of [ada, bob, cyd, xan]) c.moveTo(server);
    await connect();
    const res = await ada.get(`/api/games/${game.id}`);
    expect(res.body.game).toMatchObject({ status: 'finished', result: '0-1', reason: 'timeout' });
  });
});

describe('rate limits', () => {
  it('the hub limits chess commands per user like every other command', async () => {
    const strict = await startServer({ config: { ...DEFAULT_SOCKET_RATE } });
    try {
      const [u] = await newUsers(strict, 'spammer');
      const r = await roomWith(u!, []);
      const s = await u!.socket();
      const acks = await Promise.all(Array.from({ length: 90 }, () => command(s, 'chess:list', { roomId: r.id })));
      expect(acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED').length).toBeGreaterThan(0);
      s.close();
    } finally {
      await strict.dispose();
    }
  });
});

describe('HTTP: history, replay, PGN', () => {
  it('lists a room’s games by status, a user’s games, one game with moves, and its PGN', async () => {
    const finished = await ada.get(`/api/rooms/${roomId}/games?status=finished&limit=2`);
    expect(finished.status).toBe(200);
    expect(finished.body.games).toHaveLength(2);
    expect(finished.body.games.every((g: GameSummary) => g.status === 'finished')).toBe(true);
    expect(finished.body.nextBefore).toBe(finished.body.games[1].id);
    const next = await ada.get(`/api/rooms/${roomId}/games?status=finished&limit=2&before=${finished.body.nextBefore}`);
    expect(next.body.games[0].id).toBeLessThan(finished.body.nextBefore);
    const cancelled = await ada.get(`/api/rooms/${roomId}/games?status=cancelled`);
    expect(cancelled.body.games.length).toBeGreaterThan(0);
    const all = await ada.get(`/api/rooms/${roomId}/games`);
    expect(all.body.games.some((g: GameSummary) => g.status === 'cancelled')).toBe(false);

    const mine = await bob.get('/api/users/me/games?status=finished');
    expect(mine.status).toBe(200);
    expect(mine.body.games.every((g: GameSummary) => g.white?.id === bob.userId || g.black?.id === bob.userId)).toBe(true);

    const id = finished.body.games[0].id;
    const one = await cyd.get(`/api/games/${id}`);
    expect(one.status).toBe(200);
    expect(one.body.game.moves.length).toBe(one.body.game.ply);
    expect(one.body.game.moves[0]).toMatchObject({ ply: 1, uci: expect.any(String), san: expect.any(String), fen: expect.any(String) });
    const pgn = await ada.get(`/api/games/${id}/pgn`);
    expect(pgn.headers.get('content-disposition')).toContain(`commonroom-game-${id}.pgn`);
    expect(pgn.body).toMatch(/\[Termination "[A-Za-z ]+"\]/);
  });

  it('refuses outsiders and garbage', async () => {
    const id = (await ada.get(`/api/rooms/${roomId}/games?status=finished&limit=1`)).body.games[0].id;
    expect((await xan.get(`/api/rooms/${roomId}/games`)).status).toBe(403);
    expect((await xan.get(`/api/games/${id}`)).status).toBe(403);
    expect((await xan.get(`/api/games/${id}/pgn`)).status).toBe(403);
    expect((await xan.get('/api/users/me/games')).body.games).toEqual([]);
    const anon = new Client(server.url);
    expect((await anon.get(`/api/games/${id}`)).status).toBe(401);
    expect((await anon.get('/api/users/me/games')).status).toBe(401);
    expect((await ada.get(`/api/rooms/${roomId}/games?status=bogus`)).status).toBe(400);
    expect((await ada.get(`/api/rooms/${roomId}/games?limit=1000`)).status).toBe(400);
    expect((await ada.get('/api/games/abc')).status).toBe(400);
    expect((await ada.get('/api/games/999999')).status).toBe(404);
    expect((await ada.get('/api/games/999999/pgn')).status).toBe(404);
  });
});
