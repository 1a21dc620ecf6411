/**
 * The blackjack table as a pure state machine: `apply(state, action, rng?)` returns the next state
 * and what happened (events, including every chip movement), or a rejection that changed nothing.
 *
 * Rules: up to 7 seats; a betting phase with a deadline; the dealer takes an up card and a hole
 * card, offers insurance on an ace, peeks for blackjack with an ace or ten up; players act in seat
 * order (hit, stand, double on any two cards including after a split, split pairs of equal value
 * up to 4 hands, split aces get one card each and cannot be resplit, late surrender on the first
 * two cards of an unsplit hand); a turn timer auto-stands; the dealer stands (or hits) on soft 17;
 * blackjack pays 3:2, insurance 2:1. Bets are even so every payout is whole chips.
 *
 * The shoe is reshuffled only between rounds, when the cut card has been reached (or too few cards
 * remain for the seats in play). If a small shoe still runs dry mid-round the round is voided and
 * every stake refunded; it is never reshuffled mid-round.
 *
 * Chips: the engine does not own bankrolls (they are shared across tables). Actions that stake
 * chips carry the player's current `balance`; the engine refuses what it does not cover and emits
 * `chips` events (negative = staked, positive = returned) that the service books.
 *
 * `applyMut` is the same machine mutating in place (no copy) for the simulation; `apply` copies
 * first and is what the service uses.
 */
import {
  cryptoRng,
  dealerDraws,
  handTotal,
  isAce,
  isNatural,
  isTenValue,
  newShoe,
  points,
  type Card,
  type Rng,
  type Shoe,
} from './cards.js';

export const SEATS = 7;
export const MAX_HANDS_PER_SEAT = 4;

export type Phase = 'idle' | 'betting' | 'insurance' | 'playing';
export type Move = 'hit' | 'stand' | 'double' | 'split' | 'surrender';
export const MOVES: readonly Move[] = ['hit', 'stand', 'double', 'split', 'surrender'];

export interface TableRules {
  /** Decks in the shoe, 1..8. */
  decks: number;
  /** H17 when true; S17 (the dealer stands on soft 17) when false. */
  dealerHitsSoft17: boolean;
  /** Table limits for the initial bet, in chips (even numbers). */
  minBet: number;
  maxBet: number;
  /** Fraction of the shoe dealt before the cut card. */
  penetration: number;
  /** Betting window, insurance decision window, and each hand's turn, in ms. */
  betMs: number;
  insuranceMs: number;
  turnMs: number;
}

export const DEFAULT_RULES: TableRules = {
  decks: 6,
  dealerHitsSoft17: false,
  minBet: 10,
  maxBet: 500,
  penetration: 0.75,
  betMs: 15_000,
  insuranceMs: 10_000,
  turnMs: 20_000,
};

export interface Seat {
  userId: number;
  /** Keeps the seat but is not dealt in. */
  sittingOut: boolean;
  /** Left during a round: their hands stand, the seat frees when the round ends. */
  leaving: boolean;
  /** Betting phase: the chips put up for the next round. During a round: the initial bet. */
  bet: number;
  /** The previous round's initial bet (for "repeat bet"). */
  lastBet: number;
  /** During a round with an ace up: null = undecided, 0 = declined, > 0 = chips staked. */
  insurance: number | null;
}

export type HandStatus = 'playing' | 'stood' | 'bust' | 'blackjack' | 'surrendered';

export interface Hand {
  seat: number;
  userId: number;
  cards: Card[];
  /** Chips on this hand (doubled included). */
  bet: number;
  doubled: boolean;
  fromSplit: boolean;
  splitAces: boolean;
  status: HandStatus;
}

export interface Round {
  id: number;
  /** dealer[0] is the up card, dealer[1] the hole card. */
  dealer: Card[];
  holeRevealed: boolean;
  /** All hands in play order (seat order; split hands follow the hand they came from). */
  hands: Hand[];
  /** Index into `hands` of the hand to act, or -1. */
  turn: number;
}

export type Outcome = 'blackjack' | 'win' | 'push' | 'lose' | 'bust' | 'surrender';

export interface HandResult {
  seat: number;
  userId: number;
  hand: number;
  cards: Card[];
  total: number;
  bet: number;
  doubled: boolean;
  outcome: Outcome;
  /** Chips returned (stake included); net = payout - bet. */
  payout: number;
}

export interface SeatResult {
  seat: number;
  userId: number;
  /** Everything staked this round (bets, doubles, splits, insurance). */
  staked: number;
  /** Everything returned this round. */
  returned: number;
  insurance: number;
  insurancePayout: number;
}

export interface RoundSummary {
  roundId: number;
  dealer: Card[];
  dealerTotal: number;
  dealerBlackjack: boolean;
  hands: HandResult[];
  seats: SeatResult[];
  at: number;
}

export type VoidReason = 'restart' | 'shoe-exhausted';

export interface VoidNotice {
  roundId: number | null;
  reason: VoidReason;
  refunds: { userId: number; amount: number }[];
  at: number;
}

export interface TableState {
  rules: TableRules;
  shoe: Shoe;
  seats: (Seat | null)[];
  phase: Phase;
  /** When the current betting window / insurance window / turn runs out (ms epoch), or null. */
  deadline: number | null;
  /** Id of the last round dealt (rises forever). */
  roundId: number;
  round: Round | null;
  /** The last settled round, shown until the next one settles. */
  last: RoundSummary | null;
  /** The last voided round (restart, empty shoe), until the next round is dealt. */
  notice: VoidNotice | null;
}

export type Action =
  | { type: 'sit'; seat: number; userId: number; now: number }
  | { type: 'leave'; seat: number; userId: number; now: number }
  | { type: 'sitOut'; seat: number; userId: number; sittingOut: boolean; now: number }
  /** Sets the seat's bet for the coming round (0 withdraws it). */
  | { type: 'bet'; seat: number; userId: number; amount: number; balance: number; now: number }
  | { type: 'insurance'; seat: number; userId: number; take: boolean; balance: number; now: number }
  | { type: 'act'; seat: number; userId: number; hand: number; move: Move; balance: number; now: number }
  /** A deadline passed: close betting, decline insurance, or stand the hand to act. */
  | { type: 'timeout'; now: number }
  | { type: 'configure'; rules: TableRules; now: number }
  /** Cancels whatever is in flight and refunds every stake (server restart). */
  | { type: 'void'; reason: VoidReason; now: number };

export type EngineEvent =
  | { type: 'chips'; userId: number; delta: number }
  | { type: 'shuffled'; shuffles: number }
  | { type: 'betting'; deadline: number }
  | { type: 'idle' }
  | { type: 'dealt'; roundId: number; cards: { to: number; card: Card }[] }
  | { type: 'insured'; seat: number; userId: number; amount: number; auto: boolean }
  | { type: 'peeked'; dealerBlackjack: boolean }
  | { type: 'acted'; seat: number; hand: number; move: Move; cards: Card[]; auto: boolean }
  | { type: 'settled'; summary: RoundSummary }
  | { type: 'voided'; notice: VoidNotice };

/** The `to` of a dealt dealer card. */
export const DEALER = -1;

export type RejectionCode = 'CONFLICT' | 'FORBIDDEN' | 'VALIDATION';
export interface Rejection {
  code: RejectionCode;
  reason: string;
}

export type Result = { ok: true; state: TableState; events: EngineEvent[] } | { ok: false; code: RejectionCode; reason: string };

export function createTable(rules: TableRules = DEFAULT_RULES, rng: Rng = cryptoRng): TableState {
  return {
    rules: { ...rules },
    shoe: newShoe(rules.decks, rules.penetration, rng),
    seats: new Array<Seat | null>(SEATS).fill(null),
    phase: 'idle',
    deadline: null,
    roundId: 0,
    round: null,
    last: null,
    notice: null,
  };
}

/** A deep copy that shares the (never mutated) shoe order. */
export function cloneState(s: TableState): TableState {
  return {
    rules: { ...s.rules },
    shoe: { ...s.shoe },
    seats: s.seats.map((seat) => (seat ? { ...seat } : null)),
    phase: s.phase,
    deadline: s.deadline,
    roundId: s.roundId,
    round: s.round
      ? { ...s.round, dealer: s.round.dealer.slice(), hands: s.round.hands.map((h) => ({ ...h, cards: h.cards.slice() })) }
      : null,
    last: s.last,
    notice: s.notice,
  };
}

/** The pure transition. The state passed in is never modified. */
export function apply(state: TableState, action: Action, rng: Rng = cryptoRng): Result {
  const next = cloneState(state);
  const events: EngineEvent[] = [];
  const rejection = applyMut(next, action, rng, events);
  if (rejection) return { ok: false, ...rejection };
  return { ok: true, state: next, events };
}

class ShoeExhausted extends Error {}

type Sink = EngineEvent[] | null;

/**
 * Applies `action` to `s` in place. Returns a rejection (and leaves `s` untouched) or null.
 * Every check happens before the first mutation. `events` may be null when nobody listens.
 */
export function applyMut(s: TableState, action: Action, rng: Rng, events: Sink): Rejection | null {
  try {
    return dispatch(s, action, rng, events);
  } catch (err) {
    if (!(err instanceof ShoeExhausted)) throw err;
    // Possible only with a small shoe and a full table: void rather than reshuffle mid-round.
    voidRound(s, 'shoe-exhausted', action.now, events);
    s.shoe.next = s.shoe.cards.length;
    return null;
  }
}

function dispatch(s: TableState, a: Action, rng: Rng, ev: Sink): Rejection | null {
  switch (a.type) {
    case 'sit':
      return sit(s, a.seat, a.userId);
    case 'leave':
      return leave(s, a.seat, a.userId, a.now, ev);
    case 'sitOut':
      return sitOut(s, a.seat, a.userId, a.sittingOut, a.now, rng, ev);
    case 'bet':
      return bet(s, a.seat, a.userId, a.amount, a.balance, a.now, rng, ev);
    case 'insurance':
      return insure(s, a.seat, a.userId, a.take, a.balance, a.now, ev);
    case 'act':
      return act(s, a.seat, a.userId, a.hand, a.move, a.balance, a.now, ev);
    case 'timeout':
      return timeout(s, a.now, rng, ev);
    case 'configure':
      return configure(s, a.rules, rng, ev);
    case 'void':
      if (s.phase === 'idle') return reject('CONFLICT', 'Nothing to void.');
      voidRound(s, a.reason, a.now, ev);
      return null;
  }
}

const reject = (code: RejectionCode, reason: string): Rejection => ({ code, reason });

function chips(ev: Sink, userId: number, delta: number): void {
  if (ev && delta !== 0) ev.push({ type: 'chips', userId, delta });
}

function ownSeat(s: TableState, seat: number, userId: number): Seat | Rejection {
  if (!Number.isInteger(seat) || seat < 0 || seat >= SEATS) return reject('VALIDATION', 'No such seat.');
  const st = s.seats[seat];
  if (!st) return reject('CONFLICT', 'Nobody sits there.');
  if (st.userId !== userId) return reject('FORBIDDEN', 'That is not your seat.');
  return st;
}
const isRejection = (x: unknown): x is Rejection => typeof x === 'object' && x !== null && 'code' in x && 'reason' in x;

/** Seats that will be dealt in when betting closes. */
const activeSeat = (st: Seat | null): st is Seat => !!st && !st.sittingOut && !st.leaving;

// ---- seating ----

function sit(s: TableState, seat: number, userId: number): Rejection | null {
  if (!Number.isInteger(seat) || seat < 0 || seat >= SEATS) return reject('VALIDATION', 'No such seat.');
  if (s.seats.some((st) => st?.userId === userId)) return reject('CONFLICT', 'You already have a seat at this table.');
  if (s.seats[seat]) return reject('CONFLICT', 'That seat is taken.');
  s.seats[seat] = { userId, sittingOut: false, leaving: false, bet: 0, lastBet: 0, insurance: null };
  return null;
}

function inRound(s: TableState, seat: number): boolean {
  return !!s.round && s.round.hands.some((h) => h.seat === seat);
}

function leave(s: TableState, seat: number, userId: number, now: number, ev: Sink): Rejection | null {
  const st = ownSeat(s, seat, userId);
  if (isRejection(st)) return st;
  if (st.leaving) return reject('CONFLICT', 'You are already leaving.');
  if (!inRound(s, seat)) {
    chips(ev, userId, st.bet); // a pending bet comes back
    s.seats[seat] = null;
    if (s.phase === 'betting' && !s.seats.some((x) => x && x.bet > 0)) closeBettingIfEmpty(s, ev);
    return null;
  }
  st.leaving = true;
  st.sittingOut = true;
  const round = s.round!;
  if (s.phase === 'insurance') {
    if (st.insurance === null) {
      st.insurance = 0;
      if (ev) ev.push({ type: 'insured', seat, userId, amount: 0, auto: true });
    }
    if (allInsuranceDecided(s)) afterInsurance(s, now, ev);
    return null;
  }
  // Their hands stand now; if one was to act, play moves on.
  const current = round.turn;
  for (let i = 0; i < round.hands.length; i++) {
    const h = round.hands[i]!;
    if (h.seat === seat && h.status === 'playing') {
      h.status = 'stood';
      if (ev) ev.push({ type: 'acted', seat, hand: i, move: 'stand', cards: [], auto: true });
    }
  }
  if (current >= 0 && round.hands[current]!.seat === seat) advance(s, now, ev);
  return null;
}

/** Nobody has a bet on the table any more: betting closes without a round. */
function closeBettingIfEmpty(s: TableState, ev: Sink): void {
  s.phase = 'idle';
  s.deadline = null;
  if (ev) ev.push({ type: 'idle' });
}

function sitOut(s: TableState, seat: number, userId: number, out: boolean, now: number, rng: Rng, ev: Sink): Rejection | null {
  const st = ownSeat(s, seat, userId);
  if (isRejection(st)) return st;
  if (st.leaving) return reject('CONFLICT', 'You are leaving this table.');
  if (st.sittingOut === out) return null;
  st.sittingOut = out;
  if (out && s.phase === 'betting' && st.bet > 0) {
    chips(ev, userId, st.bet);
    st.bet = 0;
    if (!s.seats.some((x) => x && x.bet > 0)) closeBettingIfEmpty(s, ev);
    else if (everyoneHasBet(s)) deal(s, now, rng, ev);
  }
  return null;
}

// ---- betting ----

function everyoneHasBet(s: TableState): boolean {
  let any = false;
  for (const st of s.seats) {
    if (!activeSeat(st)) continue;
    if (st.bet <= 0) return false;
    any = true;
  }
  return any;
}

function bet(s: TableState, seat: number, userId: number, amount: number, balance: number, now: number, rng: Rng, ev: Sink): Rejection | null {
  const st = ownSeat(s, seat, userId);
  if (isRejection(st)) return st;
  if (s.phase !== 'idle' && s.phase !== 'betting') return reject('CONFLICT', 'Bets are closed until this round ends.');
  if (st.leaving) return reject('CONFLICT', 'You are leaving this table.');
  if (!Number.isInteger(amount) || amount < 0) return reject('VALIDATION', 'A bet is a whole number of chips.');
  if (amount !== 0) {
    if (amount < s.rules.minBet || amount > s.rules.maxBet) return reject('VALIDATION', `Bets at this table are ${s.rules.minBet}–${s.rules.maxBet} chips.`);
    if (amount % 2 !== 0) return reject('VALIDATION', 'Bets go in steps of 2 chips (so 3:2 pays whole chips).');
  }
  const extra = amount - st.bet;
  if (extra > balance) return reject('CONFLICT', 'Not enough chips.');
  if (amount === 0 && s.phase === 'idle') return null;
  chips(ev, userId, -extra);
  st.bet = amount;
  if (amount > 0) st.sittingOut = false;
  if (s.phase === 'idle') {
    s.phase = 'betting';
    s.deadline = now + s.rules.betMs;
    if (ev) ev.push({ type: 'betting', deadline: s.deadline });
  }
  if (!s.seats.some((x) => x && x.bet > 0)) closeBettingIfEmpty(s, ev);
  else if (everyoneHasBet(s)) deal(s, now, rng, ev);
  return null;
}

// ---- dealing ----

function draw(s: TableState): Card {
  const shoe = s.shoe;
  if (shoe.next >= shoe.cards.length) throw new ShoeExhausted();
  return shoe.cards[shoe.next++]!;
}

function deal(s: TableState, now: number, rng: Rng, ev: Sink): void {
  const players: number[] = [];
  for (let i = 0; i < SEATS; i++) {
    const st = s.seats[i];
    if (st && st.bet > 0) players.push(i);
  }
  if (players.length === 0) {
    closeBettingIfEmpty(s, ev);
    return;
  }
  const shoe = s.shoe;
  // Between rounds only: the cut card has come out, or the rest could not finish this round.
  if (shoe.next >= shoe.cut || shoe.cards.length - shoe.next < shoe.spare * (players.length + 1)) {
    s.shoe = newShoe(s.rules.decks, s.rules.penetration, rng, shoe.shuffles);
    if (ev) ev.push({ type: 'shuffled', shuffles: s.shoe.shuffles });
  }
  s.roundId++;
  s.notice = null;
  const hands: Hand[] = [];
  for (const i of players) {
    const st = s.seats[i]!;
    st.lastBet = st.bet;
    st.insurance = null;
    hands.push({ seat: i, userId: st.userId, cards: [], bet: st.bet, doubled: false, fromSplit: false, splitAces: false, status: 'playing' });
  }
  const round: Round = { id: s.roundId, dealer: [], holeRevealed: false, hands, turn: -1 };
  s.round = round;
  const dealt: { to: number; card: Card }[] | null = ev ? [] : null;
  for (let pass = 0; pass < 2; pass++) {
    for (let h = 0; h < hands.length; h++) {
      const c = draw(s);
      hands[h]!.cards.push(c);
      if (dealt) dealt.push({ to: h, card: c });
    }
    const c = draw(s);
    round.dealer.push(c);
    if (dealt) dealt.push({ to: DEALER, card: c });
  }
  if (ev) ev.push({ type: 'dealt', roundId: round.id, cards: dealt! });
  for (const h of hands) if (isNatural(h.cards)) h.status = 'blackjack';
  if (isAce(round.dealer[0]!)) {
    s.phase = 'insurance';
    s.deadline = now + s.rules.insuranceMs;
    // A leaving seat cannot be in a fresh round, so everyone decides.
    return;
  }
  peek(s, now, ev);
}

function allInsuranceDecided(s: TableState): boolean {
  for (const h of s.round!.hands) if (s.seats[h.seat]!.insurance === null) return false;
  return true;
}

function insure(s: TableState, seat: number, userId: number, take: boolean, balance: number, now: number, ev: Sink): Rejection | null {
  const st = ownSeat(s, seat, userId);
  if (isRejection(st)) return st;
  if (s.phase !== 'insurance') return reject('CONFLICT', 'Insurance is not on offer now.');
  if (!inRound(s, seat)) return reject('CONFLICT', 'You are not in this round.');
  if (st.insurance !== null) return reject('CONFLICT', 'You already decided.');
  const amount = take ? st.bet / 2 : 0;
  if (amount > balance) return reject('CONFLICT', 'Not enough chips for insurance.');
  st.insurance = amount;
  chips(ev, userId, -amount);
  if (ev) ev.push({ type: 'insured', seat, userId, amount, auto: false });
  if (allInsuranceDecided(s)) afterInsurance(s, now, ev);
  return null;
}

function afterInsurance(s: TableState, now: number, ev: Sink): void {
  peek(s, now, ev);
}

/** Dealer checks for blackjack with an ace or ten up; then play starts (or the round ends). */
function peek(s: TableState, now: number, ev: Sink): void {
  const round = s.round!;
  const up = round.dealer[0]!;
  if (isAce(up) || isTenValue(up)) {
    const dealerBj = isNatural(round.dealer);
    if (ev) ev.push({ type: 'peeked', dealerBlackjack: dealerBj });
    if (dealerBj) {
      settle(s, now, ev);
      return;
    }
  }
  round.turn = -1;
  advance(s, now, ev);
}

// ---- playing ----

/** Moves the turn to the next hand that still plays, or lets the dealer finish. */
function advance(s: TableState, now: number, ev: Sink): void {
  const round = s.round!;
  for (let i = round.turn + 1; i < round.hands.length; i++) {
    const h = round.hands[i]!;
    if (h.status !== 'playing') continue;
    if (s.seats[h.seat]!.leaving) {
      h.status = 'stood';
      if (ev) ev.push({ type: 'acted', seat: h.seat, hand: i, move: 'stand', cards: [], auto: true });
      continue;
    }
    round.turn = i;
    s.phase = 'playing';
    s.deadline = now + s.rules.turnMs;
    return;
  }
  round.turn = -1;
  settle(s, now, ev);
}

function handCount(round: Round, seat: number): number {
  let n = 0;
  for (const h of round.hands) if (h.seat === seat) n++;
  return n;
}

/** Why `move` is not allowed on hand `i` now (ignoring chips), or null when it is. */
export function moveRefusal(s: TableState, i: number, move: Move): string | null {
  const round = s.round;
  if (s.phase !== 'playing' || !round || round.turn !== i) return 'It is not that hand’s turn.';
  const h = round.hands[i]!;
  switch (move) {
    case 'hit':
    case 'stand':
      return null;
    case 'double':
      return h.cards.length === 2 ? null : 'Double only on your first two cards.';
    case 'split':
      if (h.cards.length !== 2 || points(h.cards[0]!) !== points(h.cards[1]!)) return 'Split only a pair.';
      if (h.splitAces) return 'Split aces cannot be split again.';
      if (handCount(round, h.seat) >= MAX_HANDS_PER_SEAT) return `At most ${MAX_HANDS_PER_SEAT} hands.`;
      return null;
    case 'surrender':
      return h.cards.length === 2 && !h.fromSplit ? null : 'Surrender only on your first two cards, before splitting.';
  }
}

/** The moves allowed on hand `i` now (chips not considered). */
export function legalMoves(s: TableState, i: number): Move[] {
  return MOVES.filter((m) => moveRefusal(s, i, m) === null);
}

/** Chips a move adds to the table. */
const moveCost = (h: Hand, move: Move) => (move === 'double' || move === 'split' ? h.bet : 0);

function act(s: TableState, seat: number, userId: number, i: number, move: Move, balance: number, now: number, ev: Sink): Rejection | null {
  const st = ownSeat(s, seat, userId);
  if (isRejection(st)) return st;
  const round = s.round;
  if (s.phase !== 'playing' || !round) return reject('CONFLICT', 'Nobody is playing a hand now.');
  const h = round.hands[i];
  if (!h || h.seat !== seat) return reject('FORBIDDEN', 'That is not your hand.');
  const refusal = moveRefusal(s, i, move);
  if (refusal) return reject('CONFLICT', refusal);
  const cost = moveCost(h, move);
  if (cost > balance) return reject('CONFLICT', 'Not enough chips.');
  play(s, i, move, now, false, ev);
  return null;
}

/** Carries out a legal move on the hand to act (no checks). */
function play(s: TableState, i: number, move: Move, now: number, auto: boolean, ev: Sink): void {
  const round = s.round!;
  const h = round.hands[i]!;
  let drawn: Card[] | null = ev ? [] : null;
  switch (move) {
    case 'hit': {
      const c = draw(s);
      h.cards.push(c);
      if (drawn) drawn.push(c);
      const t = handTotal(h.cards);
      if (t > 21) h.status = 'bust';
      else if (t === 21) h.status = 'stood';
      break;
    }
    case 'stand':
      h.status = 'stood';
      break;
    case 'double': {
      chips(ev, h.userId, -h.bet);
      h.bet *= 2;
      h.doubled = true;
      const c = draw(s);
      h.cards.push(c);
      if (drawn) drawn.push(c);
      h.status = handTotal(h.cards) > 21 ? 'bust' : 'stood';
      break;
    }
    case 'split': {
      chips(ev, h.userId, -h.bet);
      const aces = isAce(h.cards[0]!);
      const second: Hand = { seat: h.seat, userId: h.userId, cards: [h.cards.pop()!], bet: h.bet, doubled: false, fromSplit: true, splitAces: aces, status: 'playing' };
      h.fromSplit = true;
      h.splitAces = aces;
      round.hands.splice(i + 1, 0, second);
      // Both hands get their second card now (same odds as dealing the second one later).
      for (const x of [h, second]) {
        const c = draw(s);
        x.cards.push(c);
        if (drawn) drawn.push(c);
        if (aces || handTotal(x.cards) === 21) x.status = 'stood';
      }
      break;
    }
    case 'surrender':
      h.status = 'surrendered';
      break;
  }
  if (ev) ev.push({ type: 'acted', seat: h.seat, hand: i, move, cards: drawn!, auto });
  drawn = null;
  if (h.status !== 'playing') advance(s, now, ev);
  else s.deadline = now + s.rules.turnMs;
}

// ---- timers ----

function timeout(s: TableState, now: number, rng: Rng, ev: Sink): Rejection | null {
  if (s.deadline === null || s.phase === 'idle') return reject('CONFLICT', 'No timer is running.');
  if (now < s.deadline) return reject('CONFLICT', 'The timer has not run out yet.');
  switch (s.phase) {
    case 'betting':
      deal(s, now, rng, ev);
      return null;
    case 'insurance':
      for (const h of s.round!.hands) {
        const st = s.seats[h.seat]!;
        if (st.insurance === null) {
          st.insurance = 0;
          if (ev) ev.push({ type: 'insured', seat: h.seat, userId: st.userId, amount: 0, auto: true });
        }
      }
      afterInsurance(s, now, ev);
      return null;
    case 'playing':
      play(s, s.round!.turn, 'stand', now, true, ev);
      return null;
  }
}

// ---- the end of a round ----

function settle(s: TableState, now: number, ev: Sink): void {
  const round = s.round!;
  round.holeRevealed = true;
  const dealerBlackjack = isNatural(round.dealer);
  if (!dealerBlackjack && round.hands.some((h) => h.status === 'stood')) {
    while (dealerDraws(round.dealer, s.rules.dealerHitsSoft17)) round.dealer.push(draw(s));
  }
  const dealerTotal = handTotal(round.dealer);
  const results: HandResult[] = [];
  const returned = new Array<number>(SEATS).fill(0);
  const staked = new Array<number>(SEATS).fill(0);
  for (let i = 0; i < round.hands.length; i++) {
    const h = round.hands[i]!;
    let outcome: Outcome = 'lose';
    let payout = 0;
    if (h.status === 'surrendered') {
      outcome = 'surrender';
      payout = h.bet / 2;
    } else if (h.status === 'bust') outcome = 'bust';
    else if (h.status === 'blackjack') {
      outcome = dealerBlackjack ? 'push' : 'blackjack';
      payout = dealerBlackjack ? h.bet : h.bet + (h.bet * 3) / 2;
    } else if (!dealerBlackjack) {
      const t = handTotal(h.cards);
      if (dealerTotal > 21 || t > dealerTotal) {
        outcome = 'win';
        payout = 2 * h.bet;
      } else if (t === dealerTotal) {
        outcome = 'push';
        payout = h.bet;
      }
    }
    returned[h.seat]! += payout;
    staked[h.seat]! += h.bet;
    results.push({ seat: h.seat, userId: h.userId, hand: i, cards: h.cards, total: handTotal(h.cards), bet: h.bet, doubled: h.doubled, outcome, payout });
  }
  const seats: SeatResult[] = [];
  for (let seat = 0; seat < SEATS; seat++) {
    const st = s.seats[seat];
    if (!st || !round.hands.some((h) => h.seat === seat)) continue;
    const insurance = st.insurance ?? 0;
    const insurancePayout = dealerBlackjack && insurance > 0 ? insurance * 3 : 0;
    chips(ev, st.userId, returned[seat]! + insurancePayout);
    seats.push({ seat, userId: st.userId, staked: staked[seat]! + insurance, returned: returned[seat]! + insurancePayout, insurance, insurancePayout });
  }
  // Built even without listeners: the simulation reads its results from `last`.
  const summary: RoundSummary = { roundId: round.id, dealer: round.dealer, dealerTotal, dealerBlackjack, hands: results, seats, at: now };
  s.last = summary;
  if (ev) ev.push({ type: 'settled', summary });
  endRound(s, now, ev);
}

/** Frees leavers, clears bets, and opens the next betting window if anyone is still playing. */
function endRound(s: TableState, now: number, ev: Sink): void {
  s.round = null;
  for (let i = 0; i < SEATS; i++) {
    const st = s.seats[i];
    if (!st) continue;
    if (st.leaving) s.seats[i] = null;
    else {
      st.bet = 0;
      st.insurance = null;
    }
  }
  if (s.seats.some(activeSeat)) {
    s.phase = 'betting';
    s.deadline = now + s.rules.betMs;
    if (ev) ev.push({ type: 'betting', deadline: s.deadline });
  } else {
    s.phase = 'idle';
    s.deadline = null;
    if (ev) ev.push({ type: 'idle' });
  }
}

function voidRound(s: TableState, reason: VoidReason, now: number, ev: Sink): void {
  const refunds = new Map<number, number>();
  const add = (userId: number, n: number) => n > 0 && refunds.set(userId, (refunds.get(userId) ?? 0) + n);
  if (s.round) {
    for (const h of s.round.hands) add(h.userId, h.bet);
    for (const h of s.round.hands) {
      const st = s.seats[h.seat]!;
      if (st.insurance) {
        add(st.userId, st.insurance);
        st.insurance = 0; // counted once per seat
      }
    }
  } else {
    for (const st of s.seats) if (st) add(st.userId, st.bet);
  }
  const notice: VoidNotice = { roundId: s.round?.id ?? null, reason, refunds: [...refunds].map(([userId, amount]) => ({ userId, amount })), at: now };
  for (const r of notice.refunds) chips(ev, r.userId, r.amount);
  s.notice = notice;
  s.round = null;
  for (let i = 0; i < SEATS; i++) {
    const st = s.seats[i];
    if (!st) continue;
    if (st.leaving) s.seats[i] = null;
    else {
      st.bet = 0;
      st.insurance = null;
    }
  }
  s.phase = 'idle';
  s.deadline = null;
  if (ev) ev.push({ type: 'voided', notice });
}

// ---- settings ----

export function validateRules(r: TableRules): string | null {
  if (!Number.isInteger(r.decks) || r.decks < 1 || r.decks > 8) return 'Decks: 1 to 8.';
  if (!Number.isInteger(r.minBet) || !Number.isInteger(r.maxBet) || r.minBet < 2 || r.minBet % 2 || r.maxBet % 2 || r.maxBet < r.minBet) return 'Limits: even numbers, min ≥ 2, max ≥ min.';
  if (!(r.penetration >= 0.25 && r.penetration <= 0.9)) return 'Penetration: 0.25 to 0.9.';
  if (!(r.betMs > 0 && r.insuranceMs > 0 && r.turnMs > 0)) return 'Timers must be positive.';
  return null;
}

function configure(s: TableState, rules: TableRules, rng: Rng, ev: Sink): Rejection | null {
  const bad = validateRules(rules);
  if (bad) return reject('VALIDATION', bad);
  const noBets = s.phase === 'betting' && !s.seats.some((x) => x && x.bet > 0);
  if (s.phase !== 'idle' && !noBets) return reject('CONFLICT', 'Change the table between rounds, when no bets are down.');
  if (noBets) closeBettingIfEmpty(s, ev);
  const newShoeNeeded = rules.decks !== s.rules.decks || rules.penetration !== s.rules.penetration;
  s.rules = { ...rules };
  if (newShoeNeeded) {
    s.shoe = newShoe(rules.decks, rules.penetration, rng, s.shoe.shuffles);
    if (ev) ev.push({ type: 'shuffled', shuffles: s.shoe.shuffles });
  }
  return null;
}
