/**
 * Blackjack simulation: plays N rounds heads-up (one seat) through the pure engine
 * (server/games/blackjack/engine.ts) with basic strategy and reports the player's expected return
 * per initial bet with a 95% confidence interval. A correct engine lands at a house edge of about
 * 0.3–0.5% for the rules below; anything else points at a bug in the engine or the strategy.
 *
 * Runs in-process (no server), on the same code the live tables use: `applyMut` is `apply` minus
 * the defensive copy, and no events are requested, so nothing is allocated per card.
 */
import { performance } from 'node:perf_hooks';
import { basicStrategy } from '../server/games/blackjack/basic-strategy.js';
import { cryptoRng, type Rng } from '../server/games/blackjack/cards.js';
import { applyMut, createTable, moveRefusal, DEFAULT_RULES, type Action, type Move, type Outcome, type TableRules, type TableState } from '../server/games/blackjack/engine.js';
import type { BenchReport } from './lib/report.js';
import type { Cell } from './lib/stats.js';

export interface BlackjackOptions {
  hands: number;
  /** `crypto`: the production shuffle (crypto.randomInt); `seeded`: xoshiro128**, reproducible. */
  rng: 'crypto' | 'seeded';
  seed: number;
  decks: number;
  hitSoft17: boolean;
}

const log = (msg: string) => process.stderr.write(`[blackjack] ${msg}\n`);

/**
 * xoshiro128** (a 32-bit generator, seeded through splitmix32), reduced to [0, n) by a multiply
 * (bias below n / 2^32, negligible for n ≤ 416). Only for reproducible runs: the default is the
 * production RNG. (A home-made 32-bit port of a 64-bit xorshift shuffled badly enough to move the
 * house edge by 0.3 points: exactly what this simulation is for catching.)
 */
function seededRng(seed: number): Rng {
  let z = seed >>> 0;
  const splitmix = () => {
    z = (z + 0x9e3779b9) >>> 0;
    let t = z ^ (z >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  return (n) => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return Math.floor((r / 4294967296) * n);
  };
}
const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

const BET = 2; // chips; the smallest even bet, so every payout is whole

export async function blackjackBench(opts: BlackjackOptions): Promise<BenchReport> {
  const rng = opts.rng === 'crypto' ? cryptoRng : seededRng(opts.seed);
  const rules: TableRules = { ...DEFAULT_RULES, decks: opts.decks, dealerHitsSoft17: opts.hitSoft17, minBet: BET, maxBet: BET };
  const s: TableState = createTable(rules, rng);
  const USER = 1;
  const must = (a: Action) => {
    const rejection = applyMut(s, a, rng, null);
    if (rejection) throw new Error(`engine refused ${a.type}: ${rejection.reason}`);
  };
  must({ type: 'sit', seat: 0, userId: USER, now: 0 });
  // Reused action objects: the loop allocates nothing of its own per card.
  const betAction = { type: 'bet', seat: 0, userId: USER, amount: BET, balance: Infinity, now: 0 } as const;
  const declineInsurance = { type: 'insurance', seat: 0, userId: USER, take: false, balance: Infinity, now: 0 } as const;
  const act: { type: 'act'; seat: number; userId: number; hand: number; move: Move; balance: number; now: number } = { type: 'act', seat: 0, userId: USER, hand: 0, move: 'stand', balance: Infinity, now: 0 };
  const opt = { canDouble: false, canSplit: false, canSurrender: false };

  let sum = 0;
  let sumSq = 0;
  let rounds = 0;
  const outcomes: Record<Outcome, number> = { blackjack: 0, win: 0, push: 0, lose: 0, bust: 0, surrender: 0 };
  const moves: Record<Move, number> = { hit: 0, stand: 0, double: 0, split: 0, surrender: 0 };
  let dealerBlackjacks = 0;
  let shuffles = s.shoe.shuffles;
  const t0 = performance.now();
  let nextLog = t0 + 5000;

  for (; rounds < opts.hands; rounds++) {
    must(betAction); // the only seat has bet: deals at once (reshuffling first at the cut card)
    if (s.phase === 'insurance') must(declineInsurance); // basic strategy never insures
    while (s.phase === 'playing') {
      const round = s.round!;
      const i = round.turn;
      const hand = round.hands[i]!;
      opt.canDouble = moveRefusal(s, i, 'double') === null;
      opt.canSplit = moveRefusal(s, i, 'split') === null;
      opt.canSurrender = moveRefusal(s, i, 'surrender') === null;
      const m = basicStrategy(hand.cards, round.dealer[0]!, opt);
      moves[m]++;
      act.hand = i;
      act.move = m;
      must(act);
    }
    const last = s.last!;
    const seat = last.seats[0]!;
    const r = (seat.returned - seat.staked) / BET;
    sum += r;
    sumSq += r * r;
    if (last.dealerBlackjack) dealerBlackjacks++;
    for (const h of last.hands) outcomes[h.outcome]++;
    if ((rounds & 0xffff) === 0 && performance.now() > nextLog) {
      nextLog += 5000;
      log(`${rounds.toLocaleString('en-US')} hands, running return ${((sum / rounds) * 100).toFixed(3)}%`);
    }
  }
  shuffles = s.shoe.shuffles - shuffles;
  const seconds = (performance.now() - t0) / 1000;

  const mean = sum / rounds;
  const variance = (sumSq - rounds * mean * mean) / (rounds - 1);
  const sd = Math.sqrt(variance);
  const half = (1.96 * sd) / Math.sqrt(rounds);
  const pct = (x: number) => `${(x * 100).toFixed(3)}%`;
  const handsPlayed = Object.values(outcomes).reduce((a, b) => a + b, 0);
  const rows: Cell[][] = [
    ['rounds (initial hands)', rounds.toLocaleString('en-US')],
    ['player return per initial bet', pct(mean)],
    ['95% confidence interval', `${pct(mean - half)} .. ${pct(mean + half)}`],
    ['house edge', pct(-mean)],
    ['std dev per round (units)', sd.toFixed(4)],
    ['hands incl. splits', handsPlayed.toLocaleString('en-US')],
    ['reshuffles', shuffles.toLocaleString('en-US')],
    ['time', `${seconds.toFixed(1)} s (${Math.round(rounds / seconds).toLocaleString('en-US')} rounds/s)`],
  ];
  const share = (n: number) => `${((n / handsPlayed) * 100).toFixed(2)}%`;
  const verdict = -mean - half <= 0.005 && -mean + half >= 0.003
    ? 'consistent with the expected house edge of 0.3–0.5% for these rules'
    : `OUTSIDE the expected 0.3–0.5% house edge: look for a bug in the engine or the strategy${opts.decks !== 6 || opts.hitSoft17 ? ' (or the non-default rules)' : ''}`;
  return {
    name: 'blackjack',
    tables: [
      { title: 'Basic strategy through the pure engine, one seat', columns: ['figure', 'value'], rows },
      {
        title: 'Hand outcomes (share of all hands, splits included) and moves',
        columns: ['outcome', 'share'],
        rows: [
          ...(Object.entries(outcomes) as [Outcome, number][]).map(([k, n]): Cell[] => [k, share(n)]),
          ['dealer blackjack (per round)', `${((dealerBlackjacks / rounds) * 100).toFixed(2)}%`],
          ...(Object.entries(moves) as [Move, number][]).map(([k, n]): Cell[] => [`moves: ${k}`, n.toLocaleString('en-US')]),
        ],
      },
    ],
    notes: [
      `Rules: ${opts.decks} decks, dealer ${opts.hitSoft17 ? 'hits' : 'stands on'} soft 17, dealer peeks (ace or ten up), blackjack 3:2, double any two cards, double after split, split to 4 hands, split aces one card each, no resplit of aces, late surrender, no insurance taken; cut card at ${DEFAULT_RULES.penetration * 100}% (reshuffle between rounds only).`,
      `Strategy: total-dependent basic strategy for 4-8 decks S17 DAS late surrender (server/games/blackjack/basic-strategy.ts).`,
      `Shuffle RNG: ${opts.rng === 'crypto' ? 'crypto.randomInt, as in production (--rng seeded --seed N for a reproducible run)' : `seeded xoshiro128** (seed ${opts.seed}); the default --rng crypto is the production RNG`}.`,
      `Verdict: ${verdict}. The CI half-width shrinks with sqrt(hands): ±0.23% at 1M hands, ±0.07% at 10M.`,
    ],
  };
}
