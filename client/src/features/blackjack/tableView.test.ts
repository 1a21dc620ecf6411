import { describe, expect, it } from 'vitest';
import type { BjRoundSummary, BjTableView } from '@protocol/blackjack.js';
import { dealSteps, runAll, settleSteps } from './animation';
import { buildFelt } from './tableView';

const rules = { decks: 6, dealerHitsSoft17: false, minBet: 10, maxBet: 500, betSeconds: 15, insuranceSeconds: 10, turnSeconds: 20 } as BjTableView['rules'];
const seat = (userId: number, bet = 0) => ({ seat: 0, userId, sittingOut: false, leaving: false, bet, lastBet: 0, insurance: null });

function table(over: Partial<BjTableView>): BjTableView {
  return {
    roomId: 1,
    rules,
    phase: 'idle',
    deadline: null,
    roundId: 1,
    seats: [null, null, null, null, null, null, null],
    hands: [],
    turn: null,
    moves: [],
    dealer: null,
    shoe: { decks: 6, cardsLeft: 300, shuffles: 1, reshuffleBeforeNextRound: false },
    last: null,
    notice: null,
    ...over,
  };
}

const playing = table({
  phase: 'playing',
  seats: [{ ...seat(7, 100), seat: 0 }, null, null, { ...seat(8, 50), seat: 3 }, null, null, null],
  hands: [
    { index: 0, seat: 0, userId: 7, cards: ['As', '6d'], total: 17, soft: true, bet: 100, doubled: false, fromSplit: false, splitAces: false, status: 'playing' },
    { index: 1, seat: 3, userId: 8, cards: ['9s', '6c'], total: 15, soft: false, bet: 50, doubled: false, fromSplit: false, splitAces: false, status: 'playing' },
  ],
  turn: 0,
  moves: ['hit', 'stand', 'double', 'surrender'],
  dealer: { cards: ['7d', null], total: 7, soft: false, holeHidden: true },
});

const summary: BjRoundSummary = {
  roundId: 1,
  dealer: ['7d', 'Qc'],
  dealerTotal: 17,
  dealerBlackjack: false,
  hands: [
    { seat: 0, userId: 7, hand: 0, cards: ['As', '6d'], total: 17, bet: 100, doubled: false, outcome: 'push', payout: 100 },
    { seat: 3, userId: 8, hand: 1, cards: ['9s', '6c', '5d'], total: 20, bet: 50, doubled: false, outcome: 'win', payout: 100 },
  ],
  seats: [],
  at: 0,
};

describe('the felt', () => {
  it('is empty before any round', () => {
    const f = buildFelt(table({}), null);
    expect(f.source).toBe('empty');
    expect(f.seats).toHaveLength(7);
    expect(f.dealer.cards).toEqual([]);
  });

  it('shows a round in play: soft totals, the hidden hole card, the hand to act', () => {
    const f = buildFelt(playing, null);
    expect(f.source).toBe('live');
    expect(f.dealer.cards.map((c) => c.code)).toEqual(['7d', null]);
    expect(f.dealer.total).toBe('7'); // revealed cards only
    expect(f.seats[0]!.hands[0]).toMatchObject({ total: '7/17', active: true, outcome: null });
    expect(f.seats[0]!.active).toBe(true);
    expect(f.seats[3]!.hands[0]).toMatchObject({ total: '15', active: false });
    expect(f.seats[3]!.stake).toBe(50);
  });

  it('deals one card at a time in the order given, then shows everything', () => {
    const cards = [
      { to: 0, card: 'As' },
      { to: 1, card: '9s' },
      { to: -1, card: '7d' },
      { to: 0, card: '6d' },
      { to: 1, card: '6c' },
      { to: -1, card: null },
    ];
    const steps = dealSteps(1, cards);
    let s = steps[0]!.apply(null);
    expect(buildFelt(playing, s).seats[0]!.hands[0]!.cards).toEqual([]);
    s = steps[1]!.apply(s);
    expect(buildFelt(playing, s).seats[0]!.hands[0]!.cards.map((c) => c.code)).toEqual(['As']);
    expect(buildFelt(playing, s).seats[3]!.hands[0]!.cards).toEqual([]);
    s = steps[2]!.apply(s);
    s = steps[3]!.apply(s);
    expect(buildFelt(playing, s).dealer.cards.map((c) => c.code)).toEqual(['7d']);
    const end = runAll(steps, null);
    const f = buildFelt(playing, end);
    expect(f.seats[0]!.hands[0]!.cards.map((c) => c.code)).toEqual(['As', '6d']);
    expect(f.dealer.cards.map((c) => c.code)).toEqual(['7d', null]);
  });

  it('after the round: keeps the hands, reveals the dealer step by step, then the results', () => {
    const after = table({ phase: 'betting', seats: playing.seats, last: summary });
    const steps = settleSteps(1, 2);
    let s = steps[0]!.apply(null);
    let f = buildFelt(after, s);
    expect(f.source).toBe('last');
    expect(f.dealer.cards.map((c) => c.code)).toEqual(['7d', null]);
    expect(f.seats[3]!.hands[0]!.outcome).toBeNull();
    s = steps[1]!.apply(s);
    f = buildFelt(after, s);
    expect(f.dealer.cards.map((c) => c.code)).toEqual(['7d', 'Qc']);
    expect(f.dealer.total).toBe('17');
    s = runAll(steps.slice(2), s);
    f = buildFelt(after, s);
    expect(f.seats[0]!.hands[0]!.outcome).toMatchObject({ label: 'Push', net: '±0', tone: 'neutral' });
    expect(f.seats[3]!.hands[0]!.outcome).toMatchObject({ label: 'Win', net: '+50', tone: 'good' });
    // Someone opening the table later sees the results at once.
    expect(buildFelt(after, null).seats[3]!.hands[0]!.outcome?.label).toBe('Win');
  });

  it('keys cards so a split card keeps its identity', () => {
    const before = buildFelt(table({ ...playing, hands: [{ ...playing.hands[0]!, cards: ['8s', '8d'] }] }), null);
    const split = buildFelt(
      table({
        ...playing,
        hands: [
          { ...playing.hands[0]!, cards: ['8s', '3c'], fromSplit: true },
          { ...playing.hands[0]!, index: 1, cards: ['8d', 'Kh'], fromSplit: true },
        ],
      }),
      null,
    );
    const k0 = before.seats[0]!.hands[0]!.cards.map((c) => c.key);
    const k1 = split.seats[0]!.hands.flatMap((h) => h.cards.map((c) => c.key));
    expect(k1).toContain(k0[0]);
    expect(k1).toContain(k0[1]);
    expect(split.seats[0]!.hands).toHaveLength(2);
    expect(split.seats[0]!.stake).toBe(200);
  });

  it('calls a split 21 "21", not blackjack', () => {
    const f = buildFelt(table({ ...playing, hands: [{ ...playing.hands[0]!, cards: ['As', 'Kd'], fromSplit: true }] }), null);
    expect(f.seats[0]!.hands[0]!.total).toBe('21');
    const g = buildFelt(table({ ...playing, hands: [{ ...playing.hands[0]!, cards: ['As', 'Kd'], status: 'blackjack' }] }), null);
    expect(g.seats[0]!.hands[0]!.total).toBe('BJ');
  });
});
