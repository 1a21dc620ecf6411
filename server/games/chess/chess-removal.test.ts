/**
 * Issue 17 #6: a kicked (or banned) player's active game stayed active with nobody able to move
 * or resign. A removed player cannot come back, so their game ends at once: the opponent wins by
 * abandonment once both have moved, before that it is aborted; their open challenges go away.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { first } from '../../../db/query.js';
import { chessGames } from '../../../db/schema/index.js';
import type { GameView } from '../../../protocol/chess.js';
import { command, newUsers, nextEvent, roomWith, startServer, type Client, type ClientSocket, type TestServer } from '../../test/harness.js';

let server: TestServer;
let ada: Client; // owner, plays
let bob: Client;
let cyd: Client;
let roomId: number;
let as: ClientSocket;
let bs: ClientSocket;
let cs: ClientSocket;

type AckLike<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
async function ok<T>(p: Promise<AckLike<T>>): Promise<T> {
  const ack = await p;
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}
const gameRow = async (id: number) =>
  (await first(server.app.db.select({ status: chessGames.status, result: chessGames.result, reason: chessGames.reason }).from(chessGames).where(eq(chessGames.id, id)).limit(1)))!;

beforeAll(async () => {
  server = await startServer({ config: { socketRatePerSec: 1000, socketRateBurst: 1000 } });
  [ada, bob, cyd] = await newUsers(server, 'ada', 'bob', 'cyd');
  roomId = (await roomWith(ada, [bob, cyd])).id;
  [as, bs, cs] = await Promise.all([ada.socket(), bob.socket(), cyd.socket()]);
  for (const s of [as, bs, cs]) await ok(command(s, 'room:enter', { roomId }));
});
afterAll(async () => {
  for (const s of [as, bs, cs]) s?.close();
  await server.dispose();
});

async function gameAgainst(opponent: Client, socket: ClientSocket, timeControl: { minutes: number; increment: number } | null): Promise<GameView> {
  const pending = await ok(command(as, 'chess:challenge', { roomId, opponentId: opponent.userId, color: 'white', timeControl }));
  const game = await ok(command(socket, 'chess:accept', { gameId: pending.id }));
  await ok(command(as, 'chess:watch', { gameId: game.id }));
  await ok(command(socket, 'chess:watch', { gameId: game.id }));
  return game;
}

describe('a kicked or banned player’s chess game ends (issue 17 #6)', () => {
  it('kicked mid-game: the opponent wins by abandonment at once, persisted across a restart', async () => {
    const game = await gameAgainst(bob, bs, null);
    await ok(command(as, 'chess:move', { gameId: game.id, uci: 'e2e4', ply: 0 }));
    await ok(command(bs, 'chess:move', { gameId: game.id, uci: 'e7e5', ply: 1 }));
    // Bob also has an open challenge in the room: it goes too.
    const open = await ok(command(bs, 'chess:challenge', { roomId, color: 'white', timeControl: null }));

    const ended = nextEvent(as, 'chess:ended', (f) => f.game.id === game.id);
    const cancelled = nextEvent(cs, 'chess:cancelled', (f) => f.gameId === open.id);
    expect((await ada.post(`/api/rooms/${roomId}/members/${bob.userId}/kick`)).status).toBe(204);
    const fact = await ended;
    expect(fact.game).toMatchObject({ status: 'finished', result: '1-0', reason: 'abandoned' });
    expect((await cancelled).reason).toBe('cancelled');
    expect(await gameRow(game.id)).toEqual({ status: 'finished', result: '1-0', reason: 'abandoned' });

    for (const s of [as, bs, cs]) s.close();
    server = await server.restart();
    for (const c of [ada, bob, cyd]) c.moveTo(server);
    [as, cs] = await Promise.all([ada.socket(), cyd.socket()]);
    for (const s of [as, cs]) await ok(command(s, 'room:enter', { roomId }));
    expect((await gameRow(game.id)).status).toBe('finished');
    const live = await ok(command(as, 'chess:list', { roomId }));
    expect(live.games.map((g) => g.id)).not.toContain(game.id);
  });

  it('banned before both sides moved (timed game): the game is aborted, nobody wins', async () => {
    const game = await gameAgainst(cyd, cs, { minutes: 5, increment: 0 });
    await ok(command(as, 'chess:move', { gameId: game.id, uci: 'd2d4', ply: 0 }));
    const ended = nextEvent(as, 'chess:ended', (f) => f.game.id === game.id);
    expect((await ada.post(`/api/rooms/${roomId}/members/${cyd.userId}/ban`, {})).status).toBe(204);
    expect((await ended).game).toMatchObject({ status: 'aborted', reason: 'aborted' });
    expect((await gameRow(game.id)).status).toBe('aborted');
  });
});
