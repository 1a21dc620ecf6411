/**
 * Blackjack write fencing (scale-out, ADR 0026): when another node takes a room's table over (its
 * lease ran out here: a stall, a network cut), this node's late writes are refused by the table's
 * epoch, in the same transaction as the chips they would book. The "other node" is a second real
 * BlackjackService on the same database, doing what server/cluster makes a node do on takeover
 * (adoptRoom). Runs on SQLite and on PostgreSQL (npm run test:pg).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { first } from '../../../db/query.js';
import { blackjackBankrolls, blackjackTables } from '../../../db/schema/index.js';
import type { Ack } from '../../../protocol/ack.js';
import type { CommandName } from '../../../protocol/events.js';
import { Client, collect, command, newUsers, roomWith, startServer, type ClientSocket, type TestServer } from '../../test/harness.js';
import { stalledRoomEvents } from '../../test/stalled-events.js';
import { BlackjackService } from './blackjack.service.js';

let server: TestServer;
let ada: Client;
let bob: Client;
let as: ClientSocket;
let bs: ClientSocket;
const LONG = { betMs: 60_000, insuranceMs: 60_000, turnMs: 60_000 };

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

const here = () => server.app.blackjack;
/** Another node's blackjack service on the same database (what a second process would run). */
function otherNode(events = server.app.roomEvents): BlackjackService {
  return new BlackjackService({
    db: server.app.db,
    events,
    isMember: async (roomId, userId) => !!(await server.app.rooms.membership(roomId, userId)),
    bankrollChanged: () => {},
  });
}
const chipsOf = async (c: Client) => (await first(server.app.db.select({ chips: blackjackBankrolls.chips }).from(blackjackBankrolls).where(eq(blackjackBankrolls.userId, c.userId)).limit(1)))?.chips;
const tableRow = async (roomId: number) => first(server.app.db.select().from(blackjackTables).where(eq(blackjackTables.roomId, roomId)).limit(1));
async function ok<T = unknown>(p: Promise<Ack<unknown>>): Promise<T> {
  const ack = await p;
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack.data as T;
}
const send = (s: ClientSocket, event: CommandName, payload: unknown) => command(s, event, payload) as Promise<Ack<unknown>>;

/** A fresh room with ada (seat 0) and bob (seat 1) at its table, run by this node. */
async function table(): Promise<number> {
  const roomId = (await roomWith(ada, [bob])).id;
  for (const s of [as, bs]) await ok(send(s, 'room:enter', { roomId }));
  await here().forTests.setTiming(roomId, LONG);
  await ok(send(as, 'bj:sit', { roomId, seat: 0 }));
  await ok(send(bs, 'bj:sit', { roomId, seat: 1 }));
  return roomId;
}

describe('a node that lost the table cannot write to it', () => {
  it('its late bet is refused and books nothing; the new owner has every acknowledged bet and goes on', async () => {
    const roomId = await table();
    const [adaChips, bobChips] = [await chipsOf(ada), await chipsOf(bob)];
    await ok(send(as, 'bj:bet', { roomId, seat: 0, amount: 20 }));
    expect(await chipsOf(ada)).toBe(adaChips! - 20);

    const other = otherNode();
    try {
      await other.adoptRoom(roomId);
      const before = await tableRow(roomId);
      expect(before!.epoch).toBeGreaterThan(0);

      // This node still has the table in memory and takes bob's bet: refused, nothing written.
      const late = await send(bs, 'bj:bet', { roomId, seat: 1, amount: 30 });
      expect(late).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      expect(await tableRow(roomId)).toEqual(before);
      expect(await chipsOf(bob)).toBe(bobChips);
      expect(await chipsOf(ada)).toBe(adaChips! - 20);

      // The new owner: ada's acknowledged bet is there, bob's goes through once, and the round is dealt.
      const s = (await other.bet(roomId, bob.userId, 1, 30)).table;
      expect(s.phase).not.toBe('betting');
      expect(s.seats[0]).toMatchObject({ userId: ada.userId });
      expect((await other.forTests.state(roomId)).seats.map((x) => x?.bet ?? null).slice(0, 2)).toEqual([20, 30]);
      expect(await chipsOf(bob)).toBe(bobChips! - 30);
      expect(await chipsOf(ada)).toBe(adaChips! - 20);
      expect((await tableRow(roomId))!.epoch).toBe(before!.epoch);
    } finally {
      await other.stop();
    }
  }, 30_000);

  it('its timer firing after the takeover is refused: the betting window closes once (one deal)', async () => {
    const roomId = await table();
    await here().forTests.setTiming(roomId, { betMs: 1500 });
    const dealt = collect<{ roundId: number }>(as, 'bj:dealt');
    const adaChips = await chipsOf(ada);
    await ok(send(as, 'bj:bet', { roomId, seat: 0, amount: 20 }));
    // This node armed the window's deadline; the other node takes over and arms its own.
    const other = otherNode();
    try {
      await other.adoptRoom(roomId);
      await expect.poll(() => dealt.length, { timeout: 10_000 }).toBe(1);
      // This node's timer has fired too by now (same deadline) and its queue is done.
      const timers = (here() as unknown as { timers: Map<number, unknown> }).timers;
      await expect.poll(() => timers.has(roomId), { timeout: 10_000 }).toBe(false);
      await (here() as unknown as { queue: { idle(): Promise<void> } }).queue.idle();
      expect(dealt).toHaveLength(1);
      const state = await other.forTests.state(roomId);
      expect(state.phase).not.toBe('betting');
      expect(JSON.parse((await tableRow(roomId))!.state)).toEqual(state);
      expect(await chipsOf(ada)).toBe(adaChips! - 20);
    } finally {
      dealt.stop();
      await other.stop();
    }
  }, 30_000);

  it('a bet that went in before the takeover is numbered before the new owner\'s facts, though its node stalled before announcing it (ADR 0040)', async () => {
    const roomId = await table();
    const stalled = stalledRoomEvents(server.app.roomEvents);
    const oldOwner = otherNode(stalled.events);
    const newOwner = otherNode();
    const facts = collect<{ seq: number; change: string; userId: number | null }>(as, 'bj:table');
    try {
      await oldOwner.adoptRoom(roomId);
      const bet = oldOwner.bet(roomId, ada.userId, 0, 20);
      await expect.poll(async () => JSON.parse((await tableRow(roomId))!.state).seats[0]?.bet ?? null, { timeout: 10_000 }).toBe(20);
      await newOwner.adoptRoom(roomId);
      await newOwner.bet(roomId, bob.userId, 1, 30);
      stalled.resume();
      await bet;
      await expect.poll(() => facts.filter((f) => f.change === 'bet').length, { timeout: 10_000 }).toBe(2);
      const adas = facts.find((f) => f.change === 'bet' && f.userId === ada.userId)!;
      const bobs = facts.find((f) => f.change === 'bet' && f.userId === bob.userId)!;
      expect(adas.seq).toBeLessThan(bobs.seq);
    } finally {
      facts.stop();
      await oldOwner.stop();
      await newOwner.stop();
    }
  }, 30_000);

  it('on a single node nothing changes: a table created by its first save keeps working', async () => {
    const roomId = (await roomWith(ada, [bob])).id;
    for (const s of [as, bs]) await ok(send(s, 'room:enter', { roomId }));
    expect(await tableRow(roomId)).toBeUndefined();
    await ok(send(as, 'bj:sit', { roomId, seat: 2 }));
    expect((await tableRow(roomId))!.epoch).toBe(0);
    await ok(send(as, 'bj:leave', { roomId, seat: 2 }));
    await ok(send(as, 'bj:sit', { roomId, seat: 4 }));
    expect(JSON.parse((await tableRow(roomId))!.state).seats[4]).toMatchObject({ userId: ada.userId });
  });
});
