/**
 * Blackjack over real sockets and HTTP: authorisation, refusals that change nothing, hidden
 * information on the wire, timers, bankrolls, and a restart mid-round.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { first } from '../../../db/query.js';
import { blackjackBankrolls } from '../../../db/schema/index.js';
import type { Ack } from '../../../protocol/ack.js';
import type { BjCommandResult, BjSnapshot, BjTableView } from '../../../protocol/blackjack.js';
import type { CommandName, RoomFact } from '../../../protocol/events.js';
import { Client, command, newUsers, nextEvent, roomWith, sleep, startServer, type ClientSocket, type TestServer } from '../../test/harness.js';
import { cardName } from './cards.js';

let server: TestServer;
let ada: Client; // owner, seat 0
let bob: Client; // member, seat 3
let cat: Client; // member, spectator
let eve: Client; // not a member
let roomId: number;
let as: ClientSocket;
let bs: ClientSocket;
let cs: ClientSocket;

interface Received {
  event: string;
  payload: unknown;
}
/** Everything each client receives: every event, and every ack of its bj commands. */
const inbox = new Map<ClientSocket, Received[]>();
function record(s: ClientSocket): ClientSocket {
  const log: Received[] = [];
  inbox.set(s, log);
  s.onAny((event: string, payload: unknown) => log.push({ event, payload }));
  return s;
}
async function send<E extends CommandName>(s: ClientSocket, event: E, payload: unknown): Promise<Ack<any>> {
  const ack = await command(s, event, payload);
  inbox.get(s)?.push({ event: `ack:${event}`, payload: ack });
  return ack;
}
async function ok<T = BjCommandResult>(p: Promise<Ack<any>>): Promise<T> {
  const ack = await p;
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack.data as T;
}

const svc = () => server.app.blackjack;
const db = () => server.app.db;
const chipsOf = async (c: Client) => (await first(db().select({ chips: blackjackBankrolls.chips }).from(blackjackBankrolls).where(eq(blackjackBankrolls.userId, c.userId)).limit(1)))?.chips;
const setChips = (c: Client, n: number) => db().update(blackjackBankrolls).set({ chips: n }).where(eq(blackjackBankrolls.userId, c.userId));
const hiddenState = async () => JSON.stringify(await svc().forTests.state(roomId));
const LONG = { betMs: 60_000, insuranceMs: 60_000, turnMs: 60_000 };

async function connect(c: Client): Promise<ClientSocket> {
  const s = record(await c.socket());
  await ok(command(s, 'room:enter', { roomId }));
  return s;
}

beforeAll(async () => {
  server = await startServer();
  [ada, bob, cat, eve] = await newUsers(server, 'ada', 'bob', 'cat', 'eve');
  roomId = (await roomWith(ada, [bob, cat])).id;
  [as, bs, cs] = await Promise.all([connect(ada), connect(bob), connect(cat)]);
  await svc().forTests.setTiming(roomId, LONG);
});
afterAll(async () => {
  for (const s of [as, bs, cs]) s?.close();
  await server.dispose();
});

describe('joining the table', () => {
  it('bj:watch gives the public table, my bankroll and the room seq', async () => {
    const snap = await ok<BjSnapshot>(send(cs, 'bj:watch', { roomId }));
    expect(snap.table).toMatchObject({ roomId, phase: 'idle', seats: new Array(7).fill(null), hands: [], dealer: null, turn: null });
    expect(snap.table.rules).toMatchObject({ decks: 6, dealerHitsSoft17: false, minBet: 10, maxBet: 500, blackjackPays: '3:2' });
    expect(snap.table.shoe).toEqual({ decks: 6, cardsLeft: 312, shuffles: 1, reshuffleBeforeNextRound: false });
    expect(snap.me).toMatchObject({ chips: 1000, canTopUp: false, topUpTo: 1000 });
    expect(snap.seq).toBeGreaterThan(0);
  });

  it('players sit; everyone in the room sees it; a taken seat or a second seat is refused', async () => {
    const seen = nextEvent<RoomFact<'bj:table'>>(cs, 'bj:table', (f) => f.change === 'sat');
    const r = await ok(send(as, 'bj:sit', { roomId, seat: 0 }));
    expect(r.table.seats[0]).toMatchObject({ userId: ada.userId, bet: 0, sittingOut: false });
    expect(r.chips).toBe(1000);
    const fact = await seen;
    expect(fact).toMatchObject({ roomId, change: 'sat', userId: ada.userId });
    expect(typeof fact.seq).toBe('number');
    expect(await send(bs, 'bj:sit', { roomId, seat: 0 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await send(as, 'bj:sit', { roomId, seat: 1 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await ok(send(bs, 'bj:sit', { roomId, seat: 3 }));
  });
});

describe('refusals change nothing', () => {
  it('refuses outsiders on every command', async () => {
    const es = await eve.socket();
    const before = await hiddenState();
    for (const [event, payload] of [
      ['bj:watch', { roomId }],
      ['bj:sit', { roomId, seat: 5 }],
      ['bj:leave', { roomId, seat: 0 }],
      ['bj:sit-out', { roomId, seat: 0, sittingOut: true }],
      ['bj:bet', { roomId, seat: 0, amount: 100 }],
      ['bj:insurance', { roomId, seat: 0, take: true }],
      ['bj:act', { roomId, seat: 0, hand: 0, action: 'hit' }],
      ['bj:configure', { roomId, settings: { decks: 1, dealerHitsSoft17: true, minBet: 2, maxBet: 4, betSeconds: 5, turnSeconds: 5 } }],
    ] as const) {
      expect(await command(es, event, payload), event).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    }
    expect(await hiddenState()).toBe(before);
    es.close();
  });

  it('refuses garbage', async () => {
    const before = await hiddenState();
    for (const [event, payload] of [
      ['bj:watch', {}],
      ['bj:watch', { roomId: 'x' }],
      ['bj:sit', { roomId, seat: 7 }],
      ['bj:sit', { roomId, seat: -1 }],
      ['bj:sit', { roomId, seat: 1.5 }],
      ['bj:sit', { roomId, seat: 1, extra: true }],
      ['bj:bet', { roomId, seat: 0, amount: 11 }],
      ['bj:bet', { roomId, seat: 0, amount: -10 }],
      ['bj:bet', { roomId, seat: 0, amount: '100' }],
      ['bj:bet', { roomId, seat: 0, amount: 1e12 }],
      ['bj:act', { roomId, seat: 0, hand: 0, action: 'fold' }],
      ['bj:act', { roomId, seat: 0, action: 'hit' }],
      ['bj:insurance', { roomId, seat: 0, take: 'yes' }],
      ['bj:sit-out', { roomId, seat: 0 }],
      ['bj:configure', { roomId, settings: { decks: 9, dealerHitsSoft17: false, minBet: 10, maxBet: 500, betSeconds: 15, turnSeconds: 20 } }],
      ['bj:configure', { roomId, settings: { decks: 6, dealerHitsSoft17: false, minBet: 100, maxBet: 50, betSeconds: 15, turnSeconds: 20 } }],
      ['bj:configure', { roomId, settings: { decks: 6, dealerHitsSoft17: false, minBet: 10, maxBet: 500, betSeconds: 1, turnSeconds: 20 } }],
    ] as const) {
      expect(await send(as, event, payload), `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect(await send(as, 'bj:bet', null)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await hiddenState()).toBe(before);
  });

  it('refuses bets outside the limits, beyond the bankroll, or for another seat', async () => {
    const before = await hiddenState();
    const chips = [await chipsOf(ada), await chipsOf(bob)];
    expect(await send(as, 'bj:bet', { roomId, seat: 0, amount: 8 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await send(as, 'bj:bet', { roomId, seat: 0, amount: 502 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await send(as, 'bj:bet', { roomId, seat: 3, amount: 100 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await send(cs, 'bj:bet', { roomId, seat: 0, amount: 100 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await setChips(bob, 50);
    expect(await send(bs, 'bj:bet', { roomId, seat: 3, amount: 100 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await setChips(bob, 1000);
    expect(await send(cs, 'bj:act', { roomId, seat: 0, hand: 0, action: 'hit' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await send(as, 'bj:act', { roomId, seat: 0, hand: 0, action: 'hit' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await send(as, 'bj:insurance', { roomId, seat: 0, take: true })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await send(bs, 'bj:configure', { roomId, settings: { decks: 1, dealerHitsSoft17: true, minBet: 2, maxBet: 4, betSeconds: 5, turnSeconds: 5 } })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await hiddenState()).toBe(before);
    expect([await chipsOf(ada), await chipsOf(bob)]).toEqual(chips);
  });
});

/** Index of the first payload that reveals round `roundId`'s hole card (table, result or settle). */
const revealIndex = (log: Received[], roundId: number) =>
  log.findIndex((r) => {
    const p = r.payload as { table?: BjTableView; data?: { table?: BjTableView } } | undefined;
    const table = p?.table ?? p?.data?.table;
    return r.event === 'bj:settled' || (table?.dealer ? !table.dealer.holeHidden : false) || table?.last?.roundId === roundId;
  });

describe('a round between two players and a spectator', () => {
  it('never shows the hole card before the reveal nor the shoe order; everyone sees the same outcome', async () => {
    for (const log of inbox.values()) log.length = 0;
    // ada: Ts 8h = 18; bob: 9s 6c = 15, hits 5d = 20; dealer 7d + Qc (hidden) = 17, stands.
    // Then cards nobody may see: the rest of the shoe.
    const unseen = ['3h', '4h', '2d', '3d', '4d', '2c', '3c', '4c'];
    await svc().forTests.stackShoe(roomId, ['Ts', '9s', '7d', '8h', '6c', 'Qc', '5d', ...unseen]);
    const adaBankroll = nextEvent(as, 'bj:bankroll');
    await ok(send(as, 'bj:bet', { roomId, seat: 0, amount: 100 }));
    expect(await adaBankroll).toMatchObject({ bankroll: { chips: 900 } });
    const dealt = nextEvent(cs, 'bj:dealt');
    const r = await ok(send(bs, 'bj:bet', { roomId, seat: 3, amount: 50 }));
    expect(r.table.phase).toBe('playing');

    // The engine's hidden hole card, read through the service: it is what must not leak.
    const hole = cardName((await svc().forTests.state(roomId)).round!.dealer[1]!);
    expect(hole).toBe('Qc');
    const d = await dealt;
    expect(d.cards).toEqual([
      { to: 0, card: 'Ts' },
      { to: 1, card: '9s' },
      { to: -1, card: '7d' },
      { to: 0, card: '8h' },
      { to: 1, card: '6c' },
      { to: -1, card: null },
    ]);
    expect(d.table.dealer).toEqual({ cards: ['7d', null], total: 7, soft: false, holeHidden: true });
    expect(d.table.turn).toBe(0);

    // Out of turn, someone else's hand, someone else's seat: refused, nothing changes.
    const before = await hiddenState();
    expect(await send(bs, 'bj:act', { roomId, seat: 3, hand: 1, action: 'hit' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await send(bs, 'bj:act', { roomId, seat: 3, hand: 0, action: 'stand' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await send(bs, 'bj:act', { roomId, seat: 0, hand: 0, action: 'stand' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await send(as, 'bj:bet', { roomId, seat: 0, amount: 100 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await hiddenState()).toBe(before);

    // A reloaded page (a fresh socket) resumes at the table: my seat, my hand, whose turn it is.
    const reloaded = await bob.socket();
    const snap = await ok<BjSnapshot>(command(reloaded, 'bj:watch', { roomId }));
    expect(snap.table.seats[3]).toMatchObject({ userId: bob.userId, bet: 50 });
    expect(snap.table.hands[1]).toMatchObject({ userId: bob.userId, cards: ['9s', '6c'], status: 'playing' });
    expect(snap.table).toMatchObject({ phase: 'playing', turn: 0, moves: ['hit', 'stand', 'double', 'surrender'] });
    expect(snap.me.chips).toBe(950);
    expect(JSON.stringify(snap)).not.toContain(`"${hole}"`);
    reloaded.close();

    const settledEverywhere = [as, bs, cs].map((s) => nextEvent(s, 'bj:settled'));
    await ok(send(as, 'bj:act', { roomId, seat: 0, hand: 0, action: 'stand' }));
    const hit = await ok(send(bs, 'bj:act', { roomId, seat: 3, hand: 1, action: 'hit' }));
    expect(hit.table.hands[1]).toMatchObject({ cards: ['9s', '6c', '5d'], total: 20, status: 'playing' });
    await ok(send(bs, 'bj:act', { roomId, seat: 3, hand: 1, action: 'stand' }));
    const [fa, fb, fc] = await Promise.all(settledEverywhere);
    expect(fa.summary).toEqual(fb.summary);
    expect(fc.summary).toEqual(fa.summary);
    expect(fc.seq).toBe(fa.seq);
    expect(fa.summary.dealer).toEqual(['7d', 'Qc']);
    expect(fa.summary.hands.map((h: { outcome: string; payout: number }) => [h.outcome, h.payout])).toEqual([
      ['win', 200],
      ['win', 100],
    ]);
    expect(fa.table.phase).toBe('betting'); // the next window opened for the seated players
    await sleep(50);

    for (const [socket, log] of inbox) {
      const who = socket === as ? 'ada' : socket === bs ? 'bob' : 'cat';
      const reveal = revealIndex(log, d.roundId);
      expect(reveal, `${who} saw the reveal`).toBeGreaterThan(0);
      log.forEach((r, i) => {
        const json = JSON.stringify(r.payload);
        if (i < reveal) expect(json, `${who} #${i} ${r.event} leaks the hole card`).not.toContain(`"${hole}"`);
        for (const card of unseen) expect(json, `${who} #${i} ${r.event} leaks the shoe`).not.toContain(`"${card}"`);
        const table = (r.payload as { table?: BjTableView })?.table;
        if (table) expect(Object.keys(table.shoe).sort()).toEqual(['cardsLeft', 'decks', 'reshuffleBeforeNextRound', 'shuffles']);
      });
      expect(log.some((r) => r.event === 'bj:acted')).toBe(true);
    }
    expect(await chipsOf(ada)).toBe(1100);
    expect(await chipsOf(bob)).toBe(1050);
  });

  it('keeps a hand history and a leaderboard (HTTP); outsiders see neither the room history nor board', async () => {
    const mine = await bob.get('/api/blackjack/history');
    expect(mine.status).toBe(200);
    expect(mine.body.entries[0]).toMatchObject({ roomId, userId: bob.userId, cards: ['9s', '6c', '5d'], total: 20, dealerCards: ['7d', 'Qc'], dealerTotal: 17, bet: 50, outcome: 'win', payout: 100 });
    const room = await cat.get(`/api/rooms/${roomId}/blackjack/history?limit=1`);
    expect(room.body.entries).toHaveLength(1);
    expect(room.body.nextCursor).toBe(room.body.entries[0].id);
    const page2 = await cat.get(`/api/rooms/${roomId}/blackjack/history?limit=1&before=${room.body.nextCursor}`);
    expect(page2.body.entries[0].id).toBeLessThan(room.body.nextCursor);
    const board = await cat.get(`/api/rooms/${roomId}/blackjack/leaderboard`);
    expect(board.body.entries.slice(0, 2).map((e: { user: { id: number }; chips: number }) => [e.user.id, e.chips])).toEqual([
      [ada.userId, 1100],
      [bob.userId, 1050],
    ]);
    const global = await eve.get('/api/blackjack/leaderboard');
    expect(global.status).toBe(200);
    expect((await eve.get(`/api/rooms/${roomId}/blackjack/history`)).status).toBe(403);
    expect((await eve.get(`/api/rooms/${roomId}/blackjack/leaderboard`)).status).toBe(403);
    expect((await new Client(server.url).get('/api/blackjack/bankroll')).status).toBe(401);
    expect((await ada.get('/api/blackjack/history?limit=1000')).status).toBe(400);
  });
});

describe('timers', () => {
  it('closes betting when its window runs out, then auto-stands a player who does not act', async () => {
    await svc().forTests.setTiming(roomId, { betMs: 200, turnMs: 250 });
    await svc().forTests.stackShoe(roomId, ['Ts', '7d', '8h', 'Tc', '9h', '9c', '9d']);
    // The window that opened after the last round has a long deadline: withdraw and bet anew.
    await ok(send(bs, 'bj:sit-out', { roomId, seat: 3, sittingOut: true }));
    const events = Promise.all([nextEvent(cs, 'bj:acted', (f: { auto: boolean }) => f.auto, 3000), nextEvent(cs, 'bj:settled', () => true, 3000)]);
    await ok(send(as, 'bj:bet', { roomId, seat: 0, amount: 20 }));
    const view = await svc().view(roomId);
    expect(view.phase).toBe('playing'); // bob sits out: ada alone has bet, so dealing starts at once
    const [auto, settled] = await events;
    expect(auto).toMatchObject({ seat: 0, hand: 0, action: 'stand', cards: [], auto: true });
    expect(settled.summary.hands[0]).toMatchObject({ total: 18, outcome: 'win' }); // 18 vs 17

    await ok(send(bs, 'bj:sit-out', { roomId, seat: 3, sittingOut: false }));
    await svc().forTests.stackShoe(roomId, ['Ts', '7d', '8h', 'Tc', '9h', '9c', '9d']);
    // Bob comes back but does not bet: the window closes on time and deals ada alone.
    const round = Promise.all([nextEvent(cs, 'bj:dealt', () => true, 3000), nextEvent(cs, 'bj:settled', () => true, 3000)]);
    await ok(send(as, 'bj:bet', { roomId, seat: 0, amount: 20 }));
    expect((await svc().view(roomId)).phase).toBe('betting');
    const [dealt] = await round;
    expect(dealt.table.hands.map((h: { seat: number }) => h.seat)).toEqual([0]);
    await svc().forTests.setTiming(roomId, LONG);
  });
});

describe('bankroll', () => {
  it('tops up a broke player once per local day; refuses when not broke', async () => {
    expect((await cat.post('/api/blackjack/top-up')).status).toBe(409);
    await ok(send(cs, 'bj:watch', { roomId })); // creates the bankroll row
    await setChips(cat, 4);
    const info = await cat.get('/api/blackjack/bankroll');
    expect(info.body).toMatchObject({ chips: 4, canTopUp: true, nextTopUpAt: null });
    const pushed = nextEvent(cs, 'bj:bankroll');
    const up = await cat.post('/api/blackjack/top-up');
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ chips: 1000, canTopUp: false });
    expect(up.body.nextTopUpAt).toBeGreaterThan(Date.now());
    expect((await pushed).bankroll.chips).toBe(1000);
    await setChips(cat, 0);
    const again = await cat.post('/api/blackjack/top-up');
    expect(again.status).toBe(409);
    expect(await chipsOf(cat)).toBe(0);
    expect((await new Client(server.url).post('/api/blackjack/top-up')).status).toBe(401);
    await setChips(cat, 1000);
  });
});

describe('owner settings', () => {
  it('lets the owner change the table between rounds, and only then', async () => {
    const settings = { decks: 2, dealerHitsSoft17: true, minBet: 20, maxBet: 200, betSeconds: 10, turnSeconds: 15 };
    // Clear any betting window first.
    const state = await svc().forTests.state(roomId);
    if (state.phase === 'betting' && state.seats.some((s) => s && s.bet > 0)) throw new Error('unexpected bets');
    const r = await ok(send(as, 'bj:configure', { roomId, settings }));
    expect(r.table.rules).toMatchObject({ decks: 2, dealerHitsSoft17: true, minBet: 20, maxBet: 200, betSeconds: 10, turnSeconds: 15 });
    expect(r.table.shoe.cardsLeft).toBe(104);
    await ok(send(as, 'bj:bet', { roomId, seat: 0, amount: 20 }));
    expect(await send(as, 'bj:configure', { roomId, settings })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await ok(send(as, 'bj:bet', { roomId, seat: 0, amount: 0 }));
    await ok(send(as, 'bj:configure', { roomId, settings: { decks: 6, dealerHitsSoft17: false, minBet: 10, maxBet: 500, betSeconds: 15, turnSeconds: 20 } }));
    await svc().forTests.setTiming(roomId, LONG);
  });
});

describe('leaving', () => {
  it('a player who leaves mid-round has their hand stood and is still paid; the seat frees at the end', async () => {
    await svc().forTests.stackShoe(roomId, ['Ts', '9s', '7d', 'Th', '8c', 'Kd', '2c', '3c', '4c']);
    await ok(send(as, 'bj:bet', { roomId, seat: 0, amount: 10 }));
    await ok(send(bs, 'bj:bet', { roomId, seat: 3, amount: 10 }));
    const chips = (await chipsOf(ada))!;
    const left = await ok(send(as, 'bj:leave', { roomId, seat: 0 }));
    expect(left.table.seats[0]).toMatchObject({ leaving: true });
    expect(left.table.turn).toBe(1);
    await ok(send(bs, 'bj:act', { roomId, seat: 3, hand: 1, action: 'stand' }));
    const after = await svc().view(roomId);
    expect(after.seats[0]).toBeNull();
    expect(after.last!.hands[0]).toMatchObject({ outcome: 'win', payout: 20 }); // 20 vs 17
    expect(await chipsOf(ada)).toBe(chips + 20);
    await ok(send(as, 'bj:sit', { roomId, seat: 0 }));
  });
});

describe('conflicting commands at once (one queue per table; chips checked in the write)', () => {
  it('two bets for one seat at once take the stake once; two stands at once play once', async () => {
    const tablet = record(await ada.socket());
    try {
      const chips = (await chipsOf(ada))!;
      const bets = await Promise.all([send(as, 'bj:bet', { roomId, seat: 0, amount: 20 }), send(tablet, 'bj:bet', { roomId, seat: 0, amount: 40 })]);
      expect(bets.every((a) => a.ok)).toBe(true); // a bet replaces the seat's bet: both are valid, in some order
      const stake = (await svc().forTests.state(roomId)).seats[0]!.bet;
      expect([20, 40]).toContain(stake);
      expect(await chipsOf(ada)).toBe(chips - stake);
      await ok(send(as, 'bj:bet', { roomId, seat: 0, amount: 0 }));
      expect(await chipsOf(ada)).toBe(chips);

      await svc().forTests.stackShoe(roomId, ['Ts', '9s', '7d', 'Th', '8c', 'Kd', '2c', '3c', '4c']);
      await ok(send(as, 'bj:bet', { roomId, seat: 0, amount: 10 }));
      const dealt = await ok(send(bs, 'bj:bet', { roomId, seat: 3, amount: 10 }));
      expect(dealt.table.phase).toBe('playing');
      const roundId = (await svc().forTests.state(roomId)).round!.id;
      const stands = await Promise.all([send(as, 'bj:act', { roomId, seat: 0, hand: 0, action: 'stand' }), send(tablet, 'bj:act', { roomId, seat: 0, hand: 0, action: 'stand' })]);
      expect(stands.filter((a) => a.ok)).toHaveLength(1);
      expect(stands.find((a) => !a.ok)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      await ok(send(bs, 'bj:act', { roomId, seat: 3, hand: 1, action: 'stand' }));
      const history = (await ada.get(`/api/rooms/${roomId}/blackjack/history?limit=10`)).body.entries as { roundId: number; userId: number }[];
      expect(history.filter((h) => h.roundId === roundId).map((h) => h.userId).sort()).toEqual([ada.userId, bob.userId].sort());
    } finally {
      tablet.close();
    }
  });

  it('bets at two tables at once cannot spend the same chips twice', async () => {
    const [b, c] = [await roomWith(ada, []), await roomWith(ada, [])];
    for (const r of [b, c]) {
      await ok(send(as, 'bj:sit', { roomId: r.id, seat: 0 }));
      // Ada alone: her bet deals at once. Ten and seven against nine up: no blackjack, no insurance.
      await svc().forTests.stackShoe(r.id, ['Ts', '9s', '7d', '8h', '2c', '3c']);
    }
    await setChips(ada, 30);
    const acks = await Promise.all([send(as, 'bj:bet', { roomId: b.id, seat: 0, amount: 20 }), send(as, 'bj:bet', { roomId: c.id, seat: 0, amount: 20 })]);
    expect(acks.filter((a) => a.ok)).toHaveLength(1);
    const refused = acks.findIndex((a) => !a.ok);
    expect(acks[refused]).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await chipsOf(ada)).toBe(10);
    const [played, untouched] = refused === 0 ? [c, b] : [b, c];
    expect((await svc().forTests.state(untouched.id)).seats[0]).toMatchObject({ bet: 0 });
    expect((await svc().forTests.state(untouched.id)).phase).toBe('idle');
    await ok(send(as, 'bj:act', { roomId: played.id, seat: 0, hand: 0, action: 'stand' }));
    await setChips(ada, 1000);
  });
});

describe('membership', () => {
  it('frees the seat of a player who was kicked from the room', async () => {
    const dan = (await newUsers(server, 'dan'))[0];
    await dan.post(`/api/rooms/${roomId}/join`, {});
    const ds = await dan.socket();
    await ok(command(ds, 'bj:sit', { roomId, seat: 6 }));
    // The seat frees as soon as the kick happens, without waiting for the next bet.
    const left = nextEvent<RoomFact<'bj:table'>>(cs, 'bj:table', (f) => f.change === 'left' && f.userId === dan.userId);
    expect((await ada.post(`/api/rooms/${roomId}/members/${dan.userId}/kick`)).status).toBe(204);
    expect((await left).table.seats[6]).toBeNull();
    expect(await command(ds, 'bj:bet', { roomId, seat: 6, amount: 10 })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    ds.close();
  });
});

describe('restart', () => {
  it('voids the round in flight at boot, refunds every stake, and tells the players', async () => {
    // ada doubles 8+3, bob takes his turn later: the server stops mid-round.
    await svc().forTests.stackShoe(roomId, ['8s', '9s', '7d', '3h', '8c', 'Kd', '2c', '3c', '4c', '5c']);
    const chips = { ada: (await chipsOf(ada))!, bob: (await chipsOf(bob))! };
    await ok(send(as, 'bj:bet', { roomId, seat: 0, amount: 100 }));
    await ok(send(bs, 'bj:bet', { roomId, seat: 3, amount: 40 }));
    await ok(send(as, 'bj:act', { roomId, seat: 0, hand: 0, action: 'double' }));
    expect(await chipsOf(ada)).toBe(chips.ada - 200);
    const seqBefore = (await ok<BjSnapshot>(send(cs, 'bj:watch', { roomId }))).seq;
    for (const s of [as, bs, cs]) s.close();

    server = await server.restart();
    for (const c of [ada, bob, cat]) c.moveTo(server);
    [as, bs, cs] = await Promise.all([connect(ada), connect(bob), connect(cat)]);
    expect(await chipsOf(ada)).toBe(chips.ada);
    expect(await chipsOf(bob)).toBe(chips.bob);
    const snap = await ok<BjSnapshot>(send(bs, 'bj:watch', { roomId }));
    expect(snap.seq).toBeGreaterThan(seqBefore); // the bj:voided broadcast: clients see a gap and resync
    expect(snap.table.phase).toBe('idle');
    expect(snap.table.hands).toEqual([]);
    expect(snap.table.notice).toMatchObject({ reason: 'restart', refunds: expect.arrayContaining([{ userId: ada.userId, amount: 200 }, { userId: bob.userId, amount: 40 }]) });
    expect(snap.table.seats[0]).toMatchObject({ userId: ada.userId, bet: 0 });
    expect(snap.table.seats[3]).toMatchObject({ userId: bob.userId, bet: 0 });
    expect(snap.me.chips).toBe(chips.bob);
    // Play goes on after the restart.
    await svc().forTests.setTiming(roomId, LONG);
    await svc().forTests.stackShoe(roomId, ['Ts', '9s', '7d', 'Th', '8c', 'Kd', '2c']);
    await ok(send(as, 'bj:bet', { roomId, seat: 0, amount: 10 }));
    const r = await ok(send(bs, 'bj:bet', { roomId, seat: 3, amount: 10 }));
    expect(r.table.phase).toBe('playing');
    expect(r.table.notice).toBeNull();
  });
});
