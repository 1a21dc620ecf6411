import { describe, expect, it } from 'vitest';
import { cardName, cryptoRng, dealerDraws, handTotal, isSoft, parseCard, shuffledCards, stackedShoe, type Rng } from './cards.js';
import { apply, createTable, DEFAULT_RULES, legalMoves, type Action, type EngineEvent, type Move, type TableRules, type TableState } from './engine.js';
import { publicView } from './view.js';

const c = (s: string) => s.split(' ').map(parseCard);
const NOW = 1_000_000;
const A = 1; // user ids
const B = 2;

/** A seeded RNG (mulberry32) so reshuffles are reproducible. */
function seeded(seed: number): Rng {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}
const noRng: Rng = () => {
  throw new Error('unexpected shuffle');
};

/** A table whose shoe deals `cards` in order; `players` are [userId, seat] already seated. */
function table(cards: string, players: [number, number][] = [[A, 0]], rules: Partial<TableRules> = {}, cut?: number): TableState {
  let s = createTable({ ...DEFAULT_RULES, ...rules }, seeded(1));
  s.shoe = stackedShoe(cards.split(' '), cut === undefined ? {} : { cut });
  for (const [userId, seat] of players) s = ok(s, { type: 'sit', seat, userId, now: NOW }).state;
  return s;
}

interface Step {
  state: TableState;
  events: EngineEvent[];
}
function ok(s: TableState, a: Action, rng: Rng = noRng): Step {
  const r = apply(s, a, rng);
  if (!r.ok) throw new Error(`${a.type} refused: ${r.code} ${r.reason}`);
  return r;
}
function refused(s: TableState, a: Action, code: string): void {
  const before = JSON.stringify(s);
  const r = apply(s, a, noRng);
  expect(r.ok, `${a.type} should be refused`).toBe(false);
  if (!r.ok) expect(r.code).toBe(code);
  expect(JSON.stringify(s)).toBe(before);
}

/** Runs actions in order, collecting events; returns the final state and net chips per user. */
function run(s: TableState, actions: Action[], rng: Rng = noRng) {
  const events: EngineEvent[] = [];
  for (const a of actions) {
    const r = ok(s, a, rng);
    s = r.state;
    events.push(...r.events);
  }
  const net = new Map<number, number>();
  for (const e of events) if (e.type === 'chips') net.set(e.userId, (net.get(e.userId) ?? 0) + e.delta);
  return { state: s, events, net: (u: number) => net.get(u) ?? 0 };
}

const bet = (userId: number, seat: number, amount: number, balance = 10_000): Action => ({ type: 'bet', seat, userId, amount, balance, now: NOW });
const move = (userId: number, seat: number, hand: number, m: Move, balance = 10_000, now = NOW): Action => ({ type: 'act', seat, userId, hand, move: m, balance, now });
const insure = (userId: number, seat: number, take: boolean, balance = 10_000): Action => ({ type: 'insurance', seat, userId, take, balance, now: NOW });
const settled = (events: EngineEvent[]) => events.find((e) => e.type === 'settled') as Extract<EngineEvent, { type: 'settled' }> | undefined;
const outcomes = (events: EngineEvent[]) => settled(events)!.summary.hands.map((h) => `${h.outcome}:${h.payout}`);

// Deal order for one player: P1 D-up P2 D-hole, then draws.
describe('cards and hand values', () => {
  it('counts aces soft or hard', () => {
    expect(handTotal(c('As 6d'))).toBe(17);
    expect(isSoft(c('As 6d'))).toBe(true);
    expect(handTotal(c('As 6d Th'))).toBe(17);
    expect(isSoft(c('As 6d Th'))).toBe(false);
    expect(handTotal(c('As Ad'))).toBe(12);
    expect(handTotal(c('As Ad 9c'))).toBe(21);
    expect(handTotal(c('As Ad Ac Ah'))).toBe(14);
    expect(handTotal(c('Ks Qd'))).toBe(20);
    expect(handTotal(c('Ks Qd 2c'))).toBe(22);
    expect(handTotal(c('As Kd'))).toBe(21);
    expect(cardName(parseCard('Td'))).toBe('Td');
  });

  it('dealer draws to 17 and, under H17 only, hits soft 17', () => {
    expect(dealerDraws(c('Ts 6d'), false)).toBe(true);
    expect(dealerDraws(c('Ts 7d'), true)).toBe(false);
    expect(dealerDraws(c('As 6d'), false)).toBe(false);
    expect(dealerDraws(c('As 6d'), true)).toBe(true);
    expect(dealerDraws(c('As 5d Tc'), true)).toBe(true); // hard 16
    expect(dealerDraws(c('As 6d Tc'), true)).toBe(false); // hard 17
  });

  it('a shuffled shoe holds every card exactly `decks` times, in an order set by the RNG', () => {
    const shoe = shuffledCards(6, cryptoRng);
    expect(shoe).toHaveLength(312);
    const counts = new Array(52).fill(0);
    for (const card of shoe) counts[card]++;
    expect(counts.every((n) => n === 6)).toBe(true);
    expect(shuffledCards(2, seeded(7))).toEqual(shuffledCards(2, seeded(7)));
    expect(shuffledCards(2, seeded(7))).not.toEqual(shuffledCards(2, seeded(8)));
  });

  it('Fisher–Yates asks the RNG for j in [0, i] for i from n-1 down to 1', () => {
    const asked: number[] = [];
    shuffledCards(1, (n) => (asked.push(n), 0));
    expect(asked).toEqual(Array.from({ length: 51 }, (_, k) => 52 - k));
  });
});

describe('betting', () => {
  it('refuses bets outside the limits, odd amounts, beyond the bankroll, for another seat, and changes nothing', () => {
    const s = table('Ts 9d 8s 7d', [[A, 0], [B, 3]]);
    refused(s, bet(A, 0, 8), 'VALIDATION');
    refused(s, bet(A, 0, 502), 'VALIDATION');
    refused(s, bet(A, 0, 11), 'VALIDATION');
    refused(s, bet(A, 0, 100, 99), 'CONFLICT');
    refused(s, bet(A, 3, 100), 'FORBIDDEN');
    refused(s, bet(A, 9, 100), 'VALIDATION');
    refused(s, bet(A, 1, 100), 'CONFLICT'); // empty seat
  });

  it('the first bet opens a betting window; replacing a bet moves only the difference; the window deals on timeout', () => {
    let s = table('Ts 9d 8s 7d 2c 3c', [[A, 0], [B, 1]]);
    let r = ok(s, bet(A, 0, 100));
    expect(r.state.phase).toBe('betting');
    expect(r.state.deadline).toBe(NOW + DEFAULT_RULES.betMs);
    expect(r.events).toContainEqual({ type: 'chips', userId: A, delta: -100 });
    r = ok(r.state, bet(A, 0, 40));
    expect(r.events).toContainEqual({ type: 'chips', userId: A, delta: 60 });
    s = r.state;
    refused(s, { type: 'timeout', now: NOW + 10 }, 'CONFLICT'); // too early
    r = ok(s, { type: 'timeout', now: NOW + DEFAULT_RULES.betMs });
    expect(r.state.round!.hands).toHaveLength(1); // B never bet: not dealt in
    expect(r.events.some((e) => e.type === 'dealt')).toBe(true);
  });

  it('withdrawing the last bet closes the window; leaving refunds a pending bet', () => {
    const s = table('Ts 9d 8s 7d', [[A, 0], [B, 1]]);
    const { state, net } = run(s, [bet(A, 0, 100), bet(A, 0, 0)]);
    expect(state.phase).toBe('idle');
    expect(net(A)).toBe(0);
    const l = run(s, [bet(A, 0, 100), { type: 'leave', seat: 0, userId: A, now: NOW }]);
    expect(l.net(A)).toBe(0);
    expect(l.state.seats[0]).toBeNull();
  });

  it('deals as soon as every seated player has bet; sitting-out seats are skipped', () => {
    const s = table('Ts 9d 8s 7d 2c 3c', [[A, 0], [B, 1]]);
    const out = ok(s, { type: 'sitOut', seat: 1, userId: B, sittingOut: true, now: NOW }).state;
    const r = ok(out, bet(A, 0, 100));
    expect(r.state.phase).toBe('playing');
    expect(r.state.round!.hands.map((h) => h.seat)).toEqual([0]);
  });
});

describe('a round', () => {
  it('deals one card at a time round the table, dealer last, hole card second', () => {
    const s = table('2s 3s 4s 5s 6s 7s', [[A, 0], [B, 2]]);
    const r = run(s, [bet(A, 0, 10), bet(B, 2, 10)]);
    const dealt = r.events.find((e) => e.type === 'dealt') as Extract<EngineEvent, { type: 'dealt' }>;
    expect(dealt.cards.map((d) => [d.to, cardName(d.card)])).toEqual([[0, '2s'], [1, '3s'], [-1, '4s'], [0, '5s'], [1, '6s'], [-1, '7s']]);
  });

  it('wins, loses and pushes against the dealer; the dealer stands on 17', () => {
    // A: T+9=19; B: T+7=17; dealer 7+T=17 stands.
    const s = table('Ts Th 7d 9s 7c Tc', [[A, 0], [B, 1]]);
    const r = run(s, [bet(A, 0, 100), bet(B, 1, 100), move(A, 0, 0, 'stand'), move(B, 1, 1, 'stand')]);
    expect(outcomes(r.events)).toEqual(['win:200', 'push:100']);
    expect(r.net(A)).toBe(100);
    expect(r.net(B)).toBe(0);
    expect(r.state.phase).toBe('betting'); // next window opens for the seated players
    expect(settled(r.events)!.summary.dealer.map(cardName)).toEqual(['7d', 'Tc']);
  });

  it('busting loses even when the dealer busts later', () => {
    // A: T+6, hits T = bust. B stands 20. Dealer 6+T=16 draws 9 = bust.
    const s = table('Ts Th 6d 6s Tc Td Td 9c', [[A, 0], [B, 1]]);
    const r = run(s, [bet(A, 0, 100), bet(B, 1, 100), move(A, 0, 0, 'hit'), move(B, 1, 1, 'stand')]);
    expect(outcomes(r.events)).toEqual(['bust:0', 'win:200']);
    expect(r.net(A)).toBe(-100);
  });

  it('blackjack pays 3:2; hitting to 21 stands automatically', () => {
    const bj = run(table('As 9d Kh 7c'), [bet(A, 0, 100)]);
    expect(outcomes(bj.events)).toEqual(['blackjack:250']);
    expect(bj.net(A)).toBe(150);
    const s = run(table('5s 9d 6h 7c Tc 2d'), [bet(A, 0, 100), move(A, 0, 0, 'hit')]);
    expect(s.state.round).toBeNull(); // 5+6+T = 21: stood, dealer 9+7=16 hits 2 = 18
    expect(outcomes(s.events)).toEqual(['win:200']);
  });

  it('dealer blackjack: peeked with a ten up, beats 20, pushes a player blackjack, no turns played', () => {
    const s2 = table('Ts As Kd Js Kc Ac', [[A, 0], [B, 1]]); // A: T J = 20; B: A K = BJ; dealer K A = BJ
    const r = run(s2, [bet(A, 0, 100), bet(B, 1, 100)]);
    expect(r.events.find((e) => e.type === 'peeked')).toEqual({ type: 'peeked', dealerBlackjack: true });
    expect(outcomes(r.events)).toEqual(['lose:0', 'push:100']);
    expect(r.events.some((e) => e.type === 'acted')).toBe(false);
  });

  it('no peek and no insurance when the dealer shows 2–9', () => {
    const r = run(table('Ts 9d 9s Ac'), [bet(A, 0, 100)]);
    expect(r.events.some((e) => e.type === 'peeked')).toBe(false);
    expect(r.state.phase).toBe('playing');
  });

  it('S17 stands on soft 17; H17 hits it', () => {
    // Player T+9 = 19; dealer A+6 soft 17 (ace up: insurance declined), next card 4 makes 21 under H17.
    const cards = 'Ts As 9d 6c 4h';
    const steps = (rules: Partial<TableRules>) => run(table(cards, [[A, 0]], rules), [bet(A, 0, 100), insure(A, 0, false), move(A, 0, 0, 'stand')]);
    const s17 = steps({ dealerHitsSoft17: false });
    expect(settled(s17.events)!.summary.dealerTotal).toBe(17);
    expect(outcomes(s17.events)).toEqual(['win:200']);
    const h17 = steps({ dealerHitsSoft17: true });
    expect(settled(h17.events)!.summary.dealer.map(cardName)).toEqual(['As', '6c', '4h']);
    expect(outcomes(h17.events)).toEqual(['lose:0']);
  });

  it('the dealer does not draw when every hand busted or surrendered', () => {
    const r = run(table('Ts 6d 6s Tc Td 9c'), [bet(A, 0, 100), move(A, 0, 0, 'hit')]);
    expect(settled(r.events)!.summary.dealer).toHaveLength(2);
  });
});

describe('insurance', () => {
  it('pays 2:1 when the dealer has blackjack (the insured hand breaks even)', () => {
    const r = run(table('Ts As 9d Kc'), [bet(A, 0, 100), insure(A, 0, true)]);
    expect(r.events.find((e) => e.type === 'peeked')).toEqual({ type: 'peeked', dealerBlackjack: true });
    expect(settled(r.events)!.summary.seats[0]).toMatchObject({ insurance: 50, insurancePayout: 150, staked: 150, returned: 150 });
    expect(r.net(A)).toBe(0);
  });

  it('is lost when the dealer has no blackjack, and play goes on', () => {
    const r = run(table('Ts As 9d 9c'), [bet(A, 0, 100), insure(A, 0, true)]);
    expect(r.events.find((e) => e.type === 'peeked')).toEqual({ type: 'peeked', dealerBlackjack: false });
    expect(r.state.phase).toBe('playing');
    const end = run(r.state, [move(A, 0, 0, 'stand')]);
    expect(outcomes(end.events)).toEqual(['lose:0']); // 19 vs 20
    expect(r.net(A) + end.net(A)).toBe(-150);
  });

  it('waits for every player, declines for those who let the window run out, and refuses a second answer or no chips', () => {
    let s = run(table('Ts 9s As 9d 8h Kc', [[A, 0], [B, 1]]), [bet(A, 0, 100), bet(B, 1, 100)]).state;
    expect(s.phase).toBe('insurance');
    refused(s, insure(A, 0, true, 49), 'CONFLICT');
    refused(s, insure(A, 1, true), 'FORBIDDEN');
    s = ok(s, insure(A, 0, true)).state;
    refused(s, insure(A, 0, false), 'CONFLICT');
    expect(s.phase).toBe('insurance');
    refused(s, { type: 'timeout', now: NOW + 1 }, 'CONFLICT');
    const r = ok(s, { type: 'timeout', now: NOW + DEFAULT_RULES.insuranceMs });
    expect(r.events).toContainEqual({ type: 'insured', seat: 1, userId: B, amount: 0, auto: true });
    expect(r.events.find((e) => e.type === 'settled')).toBeDefined(); // dealer A+K
  });

  it('refuses play during the insurance window', () => {
    const s = run(table('Ts As 9d 9c'), [bet(A, 0, 100)]).state;
    refused(s, move(A, 0, 0, 'hit'), 'CONFLICT');
  });
});

describe('surrender', () => {
  it('late surrender returns half the bet, after the peek', () => {
    const r = run(table('Ts Th 6d 7c'), [bet(A, 0, 100), move(A, 0, 0, 'surrender')]);
    expect(outcomes(r.events)).toEqual(['surrender:50']);
    expect(r.net(A)).toBe(-50);
  });

  it('is refused after a hit and after a split', () => {
    const hit = run(table('5s Th 6d 7c 2h'), [bet(A, 0, 100), move(A, 0, 0, 'hit')]).state;
    refused(hit, move(A, 0, 0, 'surrender'), 'CONFLICT');
    const split = run(table('8s Th 8d 7c 2h 3h'), [bet(A, 0, 100), move(A, 0, 0, 'split')]).state;
    refused(split, move(A, 0, 0, 'surrender'), 'CONFLICT');
  });
});

describe('double', () => {
  it('doubles the bet, draws exactly one card and ends the hand', () => {
    const r = run(table('6s Th 5d 7c 9h'), [bet(A, 0, 100), move(A, 0, 0, 'double')]);
    expect(r.events).toContainEqual({ type: 'chips', userId: A, delta: -100 });
    expect(outcomes(r.events)).toEqual(['win:400']); // 20 vs 17
    expect(r.net(A)).toBe(200);
  });

  it('is refused after a hit or without the chips', () => {
    const s = run(table('2s Th 3d 7c 2h'), [bet(A, 0, 100)]).state;
    refused(s, move(A, 0, 0, 'double', 99), 'CONFLICT');
    const hit = ok(s, move(A, 0, 0, 'hit')).state;
    refused(hit, move(A, 0, 0, 'double'), 'CONFLICT');
  });
});

describe('split', () => {
  it('splits of splits up to 4 hands, doubles after split, then the dealer plays once', () => {
    // P: 8s 8d; dealer 6d up, Tc hole. Split: 8s gets 8h (a pair again), 8d gets 3s.
    // Split again: 8s gets 8c, 8h gets 2s. Split a third time: 8s gets 8d (a pair, but 4 hands is
    // the limit), 8c gets 9h. Stand 16, stand 17, double 8h2s (+9c = 19), double 8d3s (+Tc = 21).
    // Dealer 6 T draws 7s = 23: bust.
    const s = table('8s 6d 8d Tc 8h 3s 8c 2s 8d 9h 9c Tc 7s');
    const r = run(s, [bet(A, 0, 100), move(A, 0, 0, 'split'), move(A, 0, 0, 'split')]);
    expect(r.state.round!.hands.map((h) => h.cards.map(cardName).join(''))).toEqual(['8s8c', '8h2s', '8d3s']);
    const third = run(r.state, [move(A, 0, 0, 'split')]);
    expect(third.state.round!.hands.map((h) => h.cards.map(cardName).join(''))).toEqual(['8s8d', '8c9h', '8h2s', '8d3s']);
    expect(legalMoves(third.state, 0)).toEqual(['hit', 'stand', 'double']); // no 5th hand, no surrender
    refused(third.state, move(A, 0, 0, 'split'), 'CONFLICT');
    const end = run(third.state, [move(A, 0, 0, 'stand'), move(A, 0, 1, 'stand'), move(A, 0, 2, 'double'), move(A, 0, 3, 'double')]);
    const summary = settled(end.events)!.summary;
    expect(summary.hands.map((h) => [h.cards.map(cardName).join(''), h.bet, h.doubled, h.outcome, h.payout])).toEqual([
      ['8s8d', 100, false, 'win', 200],
      ['8c9h', 100, false, 'win', 200],
      ['8h2s9c', 200, true, 'win', 400],
      ['8d3sTc', 200, true, 'win', 400],
    ]);
    expect(summary.dealer.map(cardName)).toEqual(['6d', 'Tc', '7s']);
    expect(summary.seats[0]).toMatchObject({ staked: 600, returned: 1200 });
    expect(r.net(A) + third.net(A) + end.net(A)).toBe(600);
  });

  it('split aces receive one card each, cannot be hit or resplit, and 21 is not a blackjack', () => {
    const s = table('As 9d Ah 7c Kd Ac Ts');
    const r = run(s, [bet(A, 0, 100), move(A, 0, 0, 'split')]);
    // Both hands stood at once; dealer 9 7 = 16 draws T = bust.
    expect(r.state.round).toBeNull();
    const hands = settled(r.events)!.summary.hands;
    expect(hands.map((h) => [h.cards.map(cardName).join(''), h.outcome, h.payout])).toEqual([
      ['AsKd', 'win', 200],
      ['AhAc', 'win', 200],
    ]);
  });

  it('refuses to split a non-pair; splits any two ten-valued cards', () => {
    const s = run(table('8s 9d 9h 7c'), [bet(A, 0, 100)]).state;
    refused(s, move(A, 0, 0, 'split'), 'CONFLICT');
    const t = run(table('Ks 9d Qh 7c 2c 3c'), [bet(A, 0, 100)]).state;
    expect(legalMoves(t, 0)).toContain('split');
  });
});

describe('turns and timers', () => {
  it('refuses acting out of turn, on another seat, or on someone else’s hand', () => {
    const s = run(table('Ts 9s 9d 6c 8h Kc', [[A, 0], [B, 1]]), [bet(A, 0, 100), bet(B, 1, 100)]).state;
    refused(s, move(B, 1, 1, 'stand'), 'CONFLICT'); // B's turn comes after A's
    refused(s, move(B, 0, 0, 'stand'), 'FORBIDDEN'); // A's seat
    refused(s, move(B, 1, 0, 'stand'), 'FORBIDDEN'); // A's hand from B's seat
    refused(s, move(A, 0, 1, 'stand'), 'FORBIDDEN');
    refused(s, move(A, 0, 7, 'stand'), 'FORBIDDEN');
  });

  it('auto-stands when the turn timer runs out, never before, and moves on', () => {
    const s = run(table('Ts 9s 9d 6c 8h Kc', [[A, 0], [B, 1]]), [bet(A, 0, 100), bet(B, 1, 100)]).state;
    refused(s, { type: 'timeout', now: NOW + DEFAULT_RULES.turnMs - 1 }, 'CONFLICT');
    const r = ok(s, { type: 'timeout', now: NOW + DEFAULT_RULES.turnMs });
    expect(r.events).toContainEqual({ type: 'acted', seat: 0, hand: 0, move: 'stand', cards: [], auto: true });
    expect(r.state.round!.turn).toBe(1);
    expect(r.state.deadline).toBe(NOW + 2 * DEFAULT_RULES.turnMs);
  });

  it('a hit restarts the turn timer', () => {
    const s = run(table('2s 9s 3d 6c 2h Kc'), [bet(A, 0, 100)]).state;
    const r = ok(s, move(A, 0, 0, 'hit', 10_000, NOW + 5000));
    expect(r.state.deadline).toBe(NOW + 5000 + DEFAULT_RULES.turnMs);
  });

  it('a player leaving mid-round stands their hands, still gets paid, and frees the seat at the end', () => {
    const s = run(table('Ts 9s 9d Tc 8h Kc 7d', [[A, 0], [B, 1]]), [bet(A, 0, 100), bet(B, 1, 100)]).state;
    const r = run(s, [{ type: 'leave', seat: 0, userId: A, now: NOW }]);
    expect(r.state.round!.turn).toBe(1);
    expect(r.state.seats[0]!.leaving).toBe(true);
    refused(r.state, { type: 'sit', seat: 0, userId: 3, now: NOW }, 'CONFLICT');
    const end = run(r.state, [move(B, 1, 1, 'stand')]);
    expect(outcomes(end.events)).toEqual(['win:200', 'lose:0']); // A 20, B 17, dealer 19
    expect(end.state.seats[0]).toBeNull();
    expect(end.net(A)).toBe(200);
  });
});

describe('the shoe', () => {
  it('reshuffles at the cut card only between rounds, never mid-round', () => {
    // Cut after 4 cards: the first round deals 4 and hits past the cut without a shuffle.
    let s = table('Ts 9s 2d 6c 3h 4d Kc 5c 5d 5h', [[A, 0]], {}, 4);
    let r = run(s, [bet(A, 0, 100), move(A, 0, 0, 'hit'), move(A, 0, 0, 'stand')]);
    expect(r.events.some((e) => e.type === 'shuffled')).toBe(false);
    expect(r.state.shoe.next).toBeGreaterThan(4);
    s = r.state;
    let shuffles = 0;
    const rng: Rng = (n) => (shuffles++, Math.floor(n / 2));
    r = run(s, [bet(A, 0, 100)], rng);
    expect(r.events[0]).toMatchObject({ type: 'chips' });
    expect(r.events.findIndex((e) => e.type === 'shuffled')).toBeLessThan(r.events.findIndex((e) => e.type === 'dealt'));
    expect(shuffles).toBe(311);
    expect(r.state.shoe.cards).toHaveLength(312);
    expect(r.state.shoe.next).toBe(4);
    expect(r.state.shoe.cut).toBe(234);
  });

  it('a shoe that runs dry mid-round voids the round and refunds every stake', () => {
    const s = table('8s 6d 8d Tc 8h', [[A, 0]]);
    const r = run(s, [bet(A, 0, 100), move(A, 0, 0, 'split')]);
    expect(r.events.at(-1)).toMatchObject({ type: 'voided', notice: { reason: 'shoe-exhausted', refunds: [{ userId: A, amount: 200 }] } });
    expect(r.net(A)).toBe(0);
    expect(r.state.phase).toBe('idle');
    expect(r.state.round).toBeNull();
  });
});

describe('void (server restart)', () => {
  it('refunds bets, doubles, splits and insurance of the round in flight', () => {
    const s = run(table('8s As 8d 9c 2h 3h 5d', [[A, 0]]), [bet(A, 0, 100), insure(A, 0, true), move(A, 0, 0, 'split')]);
    const r = run(s.state, [{ type: 'void', reason: 'restart', now: NOW }]);
    expect(r.events.at(-1)).toMatchObject({ type: 'voided', notice: { reason: 'restart', refunds: [{ userId: A, amount: 250 }] } });
    expect(s.net(A) + r.net(A)).toBe(0);
    expect(r.state.seats[0]).toMatchObject({ userId: A, bet: 0 });
  });

  it('refunds pending bets in a betting window', () => {
    const s = run(table('Ts 9s 9d 6c', [[A, 0], [B, 1]]), [bet(A, 0, 100)]);
    const r = run(s.state, [{ type: 'void', reason: 'restart', now: NOW }]);
    expect(r.net(A)).toBe(100);
    expect(r.state.phase).toBe('idle');
  });
});

describe('purity and hidden information', () => {
  it('apply never changes the state it is given', () => {
    const s = run(table('8s 6d 8d Tc 8h 3s 8c'), [bet(A, 0, 100)]).state;
    const before = structuredClone(s);
    const r = apply(s, move(A, 0, 0, 'split'), noRng);
    expect(r.ok).toBe(true);
    expect(s).toEqual(before);
  });

  it('the public view hides the hole card and the shoe until the reveal', () => {
    const s = run(table('2s 9h 3d Qc 4h 5h 6h 7h 8h'), [bet(A, 0, 100)]).state;
    const view = publicView(1, s);
    expect(view.dealer).toEqual({ cards: ['9h', null], total: 9, soft: false, holeHidden: true });
    const json = JSON.stringify(view);
    expect(json).not.toContain('Qc');
    for (const card of ['4h', '5h', '6h', '7h', '8h']) expect(json).not.toContain(card);
    expect(view.shoe).toEqual({ decks: 6, cardsLeft: 5, shuffles: 1, reshuffleBeforeNextRound: false });
    expect(view.moves).toEqual(['hit', 'stand', 'double', 'surrender']);
    const after = run(s, [move(A, 0, 0, 'stand')]).state;
    expect(publicView(1, after).last!.dealer.slice(0, 2)).toEqual(['9h', 'Qc']);
  });
});
