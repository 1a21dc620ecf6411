/**
 * RoomEvents.broadcast numbering under concurrent writers (issue 15): on PostgreSQL the numbers
 * come from `UPDATE rooms SET seq = seq + 1 … RETURNING` on several pooled connections, which may
 * answer in any order. Facts of one room must still reach a member gapless and in order.
 */
import { eq, sql } from 'drizzle-orm';
import { rooms } from '../../db/schema/index.js';
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

describe('facts numbered in their write\'s transaction (persistMany, ADR 0040)', () => {
  const seqNow = async () => Number((await dbRows<{ seq: number }>(server.app.db, sql`select seq from rooms where id = ${roomId}`))[0]!.seq);

  it('a write\'s facts get consecutive numbers in its transaction and go out in order, between other facts of the room', async () => {
    const seen: { userId: number; seq: number }[] = [];
    const on = (f: { roomId: number; userId: number; seq: number }) => {
      if (f.roomId === roomId) seen.push({ userId: f.userId, seq: f.seq });
    };
    sock.on('chat:purged', on);
    const start = await seqNow();
    const purged = (userId: number) => ({ event: 'chat:purged' as const, fact: { userId } });
    // Asked for in one turn: a broadcast, a write of three facts, a write of none, a write of one.
    const [a, many, none, one] = await Promise.all([
      server.app.roomEvents.broadcast(roomId, 'chat:purged', { userId: 900_001 }),
      server.app.roomEvents.persistMany(roomId, async () => ({ facts: [purged(900_002), purged(900_003), purged(900_004)], value: 'many' })),
      server.app.roomEvents.persistMany(roomId, async () => ({ facts: [], value: 'none' })),
      server.app.roomEvents.persistMany(roomId, async () => ({ facts: [purged(900_005)], value: 'one' })),
    ]);
    expect(a).toBe(start + 1);
    expect(many).toEqual({ value: 'many', seq: start + 4 });
    expect(none).toEqual({ value: 'none', seq: 0 });
    expect(one).toEqual({ value: 'one', seq: start + 5 });
    await until(() => seen.length >= 5, '5 facts');
    sock.off('chat:purged', on);
    expect(seen).toEqual([900_001, 900_002, 900_003, 900_004, 900_005].map((userId, i) => ({ userId, seq: start + 1 + i })));
    expect(await seqNow()).toBe(start + 5);
  });

  it('a write that throws (a fence refusing it) is not numbered and sends nothing; the writes beside it go through', async () => {
    const seen: number[] = [];
    const on = (f: { roomId: number; userId: number }) => {
      if (f.roomId === roomId) seen.push(f.userId);
    };
    sock.on('chat:purged', on);
    const start = await seqNow();
    const refused = new Error('fenced');
    const results = await Promise.allSettled([
      server.app.roomEvents.persistMany(roomId, async (tx) => {
        // Its own writes are undone with it.
        await tx.update(rooms).set({ name: 'Not this' }).where(eq(rooms.id, roomId));
        throw refused;
      }),
      server.app.roomEvents.persistMany(roomId, async () => ({ facts: [{ event: 'chat:purged', fact: { userId: 900_010 } }], value: 1 })),
    ]);
    expect(results[0]).toEqual({ status: 'rejected', reason: refused });
    expect(results[1]).toEqual({ status: 'fulfilled', value: { value: 1, seq: start + 1 } });
    await until(() => seen.length >= 1, 'the fact that went in');
    sock.off('chat:purged', on);
    expect(seen).toEqual([900_010]);
    expect(await seqNow()).toBe(start + 1);
    expect((await dbRows<{ name: string }>(server.app.db, sql`select name from rooms where id = ${roomId}`))[0]!.name).toBe('Seq');
  });
});
