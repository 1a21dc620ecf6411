/**
 * Chess on several nodes (scale-out, ADR 0040): the node taking a room over raises each active
 * game's `version` before reading it, so a move the old owner still writes afterwards (it was
 * stalled or paused past its lease) matches no row: refused, nothing written, nothing announced.
 * The "new owner" is a second real ChessService on the booted server's database doing what
 * server/cluster makes a node do on takeover (adoptRoom). Runs on SQLite and PostgreSQL (npm run test:pg).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { first } from '../../../db/query.js';
import { chessGames } from '../../../db/schema/index.js';
import type { Ack } from '../../../protocol/ack.js';
import { Client, collect, command, newUsers, roomWith, startServer, type ClientSocket, type TestServer } from '../../test/harness.js';
import { ChessService, type ChessOutlet } from './chess.service.js';

let server: TestServer;
let ada: Client;
let bob: Client;
let as: ClientSocket;
let bs: ClientSocket;

beforeAll(async () => {
  server = await startServer();
  [ada, bob] = await newUsers(server, 'ada', 'bob');
  [as, bs] = await Promise.all([ada.socket(), bob.socket()]);
});
afterAll(async () => {
  as?.close();
  bs?.close();
  await server.dispose();
});

async function ok<T = unknown>(p: Promise<unknown>): Promise<T> {
  const ack = (await p) as Ack<T>;
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}
const gameRow = async (id: number) => (await first(server.app.db.select().from(chessGames).where(eq(chessGames.id, id)).limit(1)))!;
/** The other node's sockets are not in this test: its facts go nowhere. */
const nowhere: ChessOutlet = { toGame: () => {}, invite: () => {}, inviteClosed: () => {}, subscribeUser: () => [], subscribeWatchers: () => [] };

describe('a node that lost the room cannot play its chess games', () => {
  it('its late move is refused and announced nowhere; the new owner has every acknowledged move and goes on', async () => {
    const roomId = (await roomWith(ada, [bob])).id;
    for (const s of [as, bs]) await ok(command(s, 'room:enter', { roomId }));
    const { id: gameId } = await ok<{ id: number }>(command(as, 'chess:challenge', { roomId, opponentId: bob.userId, color: 'white', timeControl: null }));
    await ok(command(bs, 'chess:accept', { gameId }));
    await ok(command(as, 'chess:watch', { gameId }));
    await ok(command(as, 'chess:move', { gameId, uci: 'e2e4', ply: 0 }));

    // Another node takes the room over; this one still has the game in memory.
    const other = new ChessService(server.app.db, server.app.roomEvents, server.app.rooms, nowhere, 'test');
    try {
      await other.adoptRoom(roomId);
      const before = await gameRow(gameId);
      const moved = collect(as, 'chess:moved');
      // Bob's reply reaches this node late: refused, nothing written, nothing announced.
      expect(await command(bs, 'chess:move', { gameId, uci: 'e7e5', ply: 1 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      expect(await gameRow(gameId)).toEqual(before);

      // On the new owner the acknowledged move is there and the reply goes through once.
      const fact = await other.move(gameId, bob.userId, 'e7e5', { ply: 1 });
      expect(fact).toMatchObject({ v: before.version + 1, move: { ply: 2, uci: 'e7e5' } });
      expect((JSON.parse((await gameRow(gameId)).moves) as string[][]).map((m) => m[0])).toEqual(['e2e4', 'e7e5']);
      expect([...moved]).toEqual([]);
      moved.stop();
    } finally {
      await other.stop();
    }
  }, 30_000);
});
