/**
 * RoomEvents.broadcast numbering under concurrent writers (issue 15): on PostgreSQL the numbers
 * come from `UPDATE rooms SET seq = seq + 1 … RETURNING` on several pooled connections, which may
 * answer in any order. Facts of one room must still reach a member gapless and in order.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, dbRows, newUsers, roomWith, startServer, until, type ClientSocket, type TestServer } from '../test/harness.js';

let server: TestServer;
let sock: ClientSocket;
let roomId: number;

beforeAll(async () => {
  server = await startServer({ config: { chatRatePer10s: 1000 } });
  const [ann, bob] = await newUsers(server, 'ann', 'bob');
  roomId = (await roomWith(ann, [bob], { name: 'Seq' })).id;
  sock = await bob.socket();
  const entered = await command(sock, 'room:enter', { roomId });
  if (!entered.ok) throw new Error(JSON.stringify(entered.error));
});
afterAll(async () => {
  sock?.close();
  await server?.dispose();
});

describe('room sequence numbers', () => {
  it('60 facts broadcast at once arrive numbered gapless and in order; the room row holds the last number', async () => {
    const seen: number[] = [];
    sock.on('chat:purged', (f) => {
      if (f.roomId === roomId) seen.push(f.seq);
    });
    const seqNow = async () => Number((await dbRows<{ seq: number }>(server.app.db, sql`select seq from rooms where id = ${roomId}`))[0]!.seq);
    const start = await seqNow();
    const taken = await Promise.all(
      // A user id nobody has: the fact purges nothing on the client.
      Array.from({ length: 60 }, () => server.app.roomEvents.broadcast(roomId, 'chat:purged', { userId: 999_999 })),
    );
    // Numbers taken in call order, each once.
    expect(taken).toEqual(Array.from({ length: 60 }, (_, i) => start + 1 + i));
    await until(() => seen.length >= 60, '60 facts');
    expect(seen).toEqual(taken);
    expect(await seqNow()).toBe(start + 60);
  });
});
