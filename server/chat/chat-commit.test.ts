/**
 * One commit per chat message, shared by the messages of one event-loop turn (group commit; issue 18,
 * ADR 0030): the insert, the member row, the room's activity and its seq are one transaction; a
 * message is acknowledged only after that commit; a failing message rejects alone and leaves nothing.
 * Runs on SQLite and PostgreSQL (`npm run test:pg -- server/chat`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSqlite, transaction } from '../../db/tx.js';
import type { Message } from '../../protocol/chat.js';
import type { MemberRow } from '../rooms/rooms.service.js';
import { command, newUsers, rawDb, roomWith, startServer, until, type Client, type ClientSocket, type TestServer } from '../test/harness.js';

let server: TestServer;
let ann: Client;
let bob: Client;
let carol: Client;
let roomA: number;
let roomB: number;
let watcherA: ClientSocket;
let watcherB: ClientSocket;
/** chat:message facts seen by a member entered in each room: [roomId, seq, text]. */
const seen: { roomId: number; seq: number; text: string }[] = [];

beforeAll(async () => {
  server = await startServer({ config: { chatRatePer10s: 10_000 } });
  [ann, bob, carol] = await newUsers(server, 'ann', 'bob', 'carol');
  roomA = (await roomWith(ann, [bob, carol], { name: 'Batch A' })).id;
  roomB = (await roomWith(bob, [ann, carol], { name: 'Batch B' })).id;
  watcherA = await carol.socket();
  watcherB = await carol.socket();
  for (const [s, roomId] of [
    [watcherA, roomA],
    [watcherB, roomB],
  ] as const) {
    const ack = await command(s, 'room:enter', { roomId });
    expect(ack.ok).toBe(true);
    s.on('chat:message', (f) => {
      if (f.roomId === roomId) seen.push({ roomId, seq: f.seq, text: f.message.text });
    });
  }
  // A trigger that refuses one text: a database failure in the middle of a batch.
  if (isSqlite(server.app.db)) {
    await db().run(`CREATE TRIGGER refuse_boom BEFORE INSERT ON messages WHEN NEW.text LIKE 'boom%' BEGIN SELECT RAISE(ABORT, 'forced failure'); END`);
    // RAISE(ROLLBACK) ends the whole transaction, not just the statement (SQLite only).
    await db().run(`CREATE TRIGGER refuse_all BEFORE INSERT ON messages WHEN NEW.text LIKE 'rollback%' BEGIN SELECT RAISE(ROLLBACK, 'forced rollback'); END`);
  } else {
    await db().run(`CREATE FUNCTION refuse_boom() RETURNS trigger AS $$ BEGIN IF NEW.text LIKE 'boom%' THEN RAISE EXCEPTION 'forced failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
    await db().run(`CREATE TRIGGER refuse_boom BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION refuse_boom()`);
  }
});
afterAll(async () => {
  watcherA?.close();
  watcherB?.close();
  await server?.dispose();
});

const db = () => rawDb(server.app.db);
const member = async (roomId: number, c: Client): Promise<MemberRow> => (await server.app.rooms.membership(roomId, c.userId))!;
const seqOf = async (roomId: number) => Number((await db().get<{ seq: number }>('SELECT seq AS "seq" FROM rooms WHERE id = ?', roomId))!.seq);
const stored = async (text: string) => db().all<{ id: number; room_id: number }>('SELECT id, room_id FROM messages WHERE text = ?', text);
const settle = <T>(p: Promise<T>) => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));

describe('chat:send group commit', () => {
  it('messages sent in one turn to two rooms get distinct, ordered seqs and are all readable once acknowledged', async () => {
    const [a0, b0] = [await seqOf(roomA), await seqOf(roomB)];
    const senders = [
      [roomA, ann],
      [roomB, bob],
      [roomA, bob],
      [roomA, carol],
      [roomB, ann],
      [roomA, ann],
    ] as const;
    const members = await Promise.all(senders.map(([roomId, c]) => member(roomId, c)));
    // All sends start in the same turn: no await between them.
    const sends = members.map((m, i) => server.app.chat.send(m, `turn ${i}`));
    const sent: Message[] = await Promise.all(sends);
    // Acknowledged means persisted: every message is in the history right away.
    for (const [i, m] of sent.entries()) {
      const page = await server.app.chat.history(m.roomId, { after: m.id - 1, limit: 1 });
      expect(page.messages[0]).toMatchObject({ id: m.id, text: `turn ${i}`, roomId: senders[i]![0] });
    }
    // Per room: seqs gapless and unique, sent in seq order, and seq order is id (history) order.
    // (Call order is not promised across senders: each send has its own awaits before it is queued.)
    await until(() => seen.filter((f) => f.text.startsWith('turn ')).length === 6, 'six chat:message facts');
    for (const [roomId, from, n] of [
      [roomA, a0, 4],
      [roomB, b0, 2],
    ] as const) {
      const facts = seen.filter((f) => f.roomId === roomId && f.text.startsWith('turn '));
      expect(facts.map((f) => f.seq)).toEqual(Array.from({ length: n }, (_, k) => from + 1 + k));
      const ids = facts.map((f) => sent.find((m) => m.text === f.text)!.id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
    }
    expect(await seqOf(roomA)).toBe(a0 + 4);
    expect(await seqOf(roomB)).toBe(b0 + 2);
    // The member rows and the room's activity were written with the message.
    const annRow = await member(roomA, ann);
    // Ann sent twice to room A; her later-written message (the higher id: call order is not promised) is her last read.
    expect(annRow.lastReadMessageId).toBe(Math.max(...sent.filter((_, i) => senders[i]![0] === roomA && senders[i]![1] === ann).map((m) => m.id)));
    expect((await db().get<{ at: number }>('SELECT last_activity_at AS "at" FROM rooms WHERE id = ?', roomA))!.at).toBe(Number(sent.filter((m) => m.roomId === roomA).sort((x, y) => y.id - x.id)[0]!.createdAt));
  });

  it('six sends in one turn cost one commit (SQLite)', async () => {
    if (!isSqlite(server.app.db)) return;
    const client = server.app.db.$client;
    const prepare = client.prepare.bind(client);
    let commits = 0;
    client.prepare = ((source: string) => {
      if (source === 'COMMIT') commits++;
      return prepare(source);
    }) as typeof client.prepare;
    try {
      const m = await member(roomA, bob);
      await Promise.all(Array.from({ length: 6 }, (_, i) => server.app.chat.send(m, `one commit ${i}`)));
    } finally {
      client.prepare = prepare;
    }
    expect(commits).toBe(1);
    for (let i = 0; i < 6; i++) expect(await stored(`one commit ${i}`)).toHaveLength(1);
  });

  it('a database failure in the middle of a batch rejects that send only, stores nothing for it and takes no seq', async () => {
    const a0 = await seqOf(roomA);
    const [m1, m2, m3] = await Promise.all([member(roomA, ann), member(roomA, bob), member(roomA, carol)]);
    const results = await Promise.all([settle(server.app.chat.send(m1, 'before boom')), settle(server.app.chat.send(m2, 'boom in batch')), settle(server.app.chat.send(m3, 'after boom'))]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(await stored('boom in batch')).toEqual([]);
    expect(await stored('before boom')).toHaveLength(1);
    expect(await stored('after boom')).toHaveLength(1);
    await until(() => seen.some((f) => f.text === 'after boom'), 'the later message');
    expect(seen.filter((f) => f.text === 'before boom' || f.text === 'after boom').map((f) => f.seq)).toEqual([a0 + 1, a0 + 2]);
    expect(seen.some((f) => f.text.startsWith('boom'))).toBe(false);
    expect(await seqOf(roomA)).toBe(a0 + 2);
  });

  it('a failure that ends the whole transaction: the other sends are written alone, the failing one is rejected (SQLite)', async () => {
    if (!isSqlite(server.app.db)) return;
    const a0 = await seqOf(roomA);
    const [m1, m2, m3] = await Promise.all([member(roomA, ann), member(roomA, bob), member(roomA, carol)]);
    const results = await Promise.all([settle(server.app.chat.send(m1, 'survivor 1')), settle(server.app.chat.send(m2, 'rollback everything')), settle(server.app.chat.send(m3, 'survivor 2'))]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(await stored('rollback everything')).toEqual([]);
    expect(await stored('survivor 1')).toHaveLength(1);
    expect(await stored('survivor 2')).toHaveLength(1);
    expect(await seqOf(roomA)).toBe(a0 + 2);
    // The connection is not left inside a transaction.
    expect(server.app.db.$client.inTransaction).toBe(false);
  });

  it('over the socket: a failed write is a refused ack, nothing stored, nothing broadcast; the next send works', async () => {
    const s = await ann.socket();
    try {
      expect((await command(s, 'room:enter', { roomId: roomA })).ok).toBe(true);
      const a0 = await seqOf(roomA);
      const ack = await command(s, 'chat:send', { roomId: roomA, text: 'boom over the wire' });
      expect(ack.ok).toBe(false);
      expect(await stored('boom over the wire')).toEqual([]);
      expect(await seqOf(roomA)).toBe(a0);
      const next = await command(s, 'chat:send', { roomId: roomA, text: 'fine again' });
      expect(next.ok).toBe(true);
      await until(() => seen.some((f) => f.text === 'fine again'), 'the next message');
      expect(seen.find((f) => f.text === 'fine again')!.seq).toBe(a0 + 1);
      expect(seen.some((f) => f.text === 'boom over the wire')).toBe(false);
    } finally {
      s.close();
    }
  });

  it('a retry with the same clientId in the same turn stores one message and takes one seq', async () => {
    const a0 = await seqOf(roomA);
    const m = await member(roomA, bob);
    const [first, second] = await Promise.all([server.app.chat.send(m, 'once only', undefined, 'cid-batch-1'), server.app.chat.send(m, 'once only', undefined, 'cid-batch-1')]);
    expect(second.id).toBe(first.id);
    expect(await stored('once only')).toHaveLength(1);
    expect(await seqOf(roomA)).toBe(a0 + 1);
  });

  it('a send inside a caller\'s transaction joins it instead of waiting for a batch, and rolls back with it', async () => {
    const a0 = await seqOf(roomA);
    const m = await member(roomA, ann);
    const inside = await transaction(server.app.db, async () => server.app.chat.send(m, 'inside a transaction'));
    expect(await stored('inside a transaction')).toEqual([{ id: inside.id, room_id: roomA }]);
    expect(await seqOf(roomA)).toBe(a0 + 1);
    await expect(
      transaction(server.app.db, async () => {
        await server.app.chat.send(m, 'rolled back with its transaction');
        throw new Error('the caller fails');
      }),
    ).rejects.toThrow('the caller fails');
    expect(await stored('rolled back with its transaction')).toEqual([]);
    expect(await seqOf(roomA)).toBe(a0 + 1);
  });

  it('a reply sent in a batch carries its preview', async () => {
    const m = await member(roomA, carol);
    const target = await server.app.chat.send(await member(roomA, ann), 'reply target text');
    const [reply] = await Promise.all([server.app.chat.send(m, 'the reply', target.id), server.app.chat.send(await member(roomA, bob), 'alongside')]);
    expect(reply.replyTo).toEqual({ id: target.id, authorName: target.author.displayName, excerpt: 'reply target text', deleted: false });
    const page = await server.app.chat.history(roomA, { after: reply.id - 1, limit: 1 });
    expect(page.messages[0]!.replyTo).toEqual(reply.replyTo);
  });
});
