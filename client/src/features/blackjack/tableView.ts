/**
 * What the felt shows, from the latest public table plus the animation's progress. Pure.
 *
 * During a round the cards come from `table.hands` / `table.dealer`. Once a round is settled the
 * server's table has no hands any more; the felt keeps showing that round (`table.last`: every
 * hand, the dealer's cards, the results) until the next deal, so everyone sees how it ended.
 */
import type { BjHandStatus, BjOutcome, BjSeatView, BjTableView } from '@protocol/blackjack.js';
import { formatTotal, handValue, isNatural, spokenTotal } from './cards';
import { OUTCOME_LABELS, netText, outcomeTone } from './outcomes';
import { SEAT_COUNT } from './seats';

/**
 * How far the animation has got for `round`: cards shown per hand (null: all) and for the dealer
 * (null: all), whether the hole card is still face down, whether results may show.
 */
export interface AnimState {
  round: number;
  hands: number[] | null;
  dealer: number | null;
  holeHidden: boolean;
  outcomes: boolean;
}

export interface CardSlot {
  /** Stable per round, so a card keeps its element (and is not dealt twice). */
  key: string;
  /** null: face down. */
  code: string | null;
}

export interface HandModel {
  key: string;
  /** Index in the round's hands (the `hand` of `bj:act`). */
  index: number;
  cards: CardSlot[];
  total: string;
  spoken: string;
  bet: number;
  doubled: boolean;
  active: boolean;
  status: BjHandStatus | null;
  outcome: { kind: BjOutcome; label: string; net: string; tone: 'good' | 'neutral' | 'bad'; payout: number } | null;
}

export interface SeatModel {
  seat: number;
  /** Who sits there now (null: free). */
  view: BjSeatView | null;
  /** Whose hands are shown (the sitter, or someone who left after the round shown). */
  userId: number | null;
  hands: HandModel[];
  /** Chips on the seat: the pending bet while betting, else the hands' stakes. */
  stake: number;
  active: boolean;
}

export interface FeltModel {
  source: 'live' | 'last' | 'empty';
  round: number | null;
  dealer: { cards: CardSlot[]; total: string; spoken: string };
  seats: SeatModel[];
}

/** Keys cards by seat, code and occurrence, so a split card keeps its identity in its new hand. */
function keyer(round: number) {
  const seen = new Map<string, number>();
  return (who: string, code: string | null, slot: number) => {
    if (code === null) return `${round}:${who}:back:${slot}`;
    const base = `${round}:${who}:${code}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return `${base}:${n}`;
  };
}

const limit = <T>(arr: readonly T[], n: number | null | undefined) => (n == null ? arr.slice() : arr.slice(0, Math.max(0, n)));

export function buildFelt(table: BjTableView | null, anim: AnimState | null): FeltModel {
  const seats: SeatModel[] = [];
  for (let seat = 0; seat < SEAT_COUNT; seat++) {
    const view = table?.seats[seat] ?? null;
    seats.push({ seat, view, userId: view?.userId ?? null, hands: [], stake: view?.bet ?? 0, active: false });
  }
  const empty: FeltModel = { source: 'empty', round: null, dealer: { cards: [], total: '', spoken: 'no cards' }, seats };
  if (!table) return empty;

  const live = table.hands.length > 0;
  const last = table.last;
  if (!live && !last) return empty;
  const round = live ? table.roundId : last!.roundId;
  const a = anim && anim.round === round ? anim : null;
  const key = keyer(round);

  // The dealer.
  let dealerCodes: (string | null)[] = live ? (table.dealer?.cards ?? []) : last!.dealer.slice();
  if (a?.holeHidden && dealerCodes.length > 1) dealerCodes = dealerCodes.map((c, i) => (i === 1 ? null : c));
  dealerCodes = limit(dealerCodes, a?.dealer);
  const dv = handValue(dealerCodes);
  const showOutcomes = !live && (!a || a.outcomes);
  // A settled dealer hand shows its final total ("17", not "7/17": the dealer stood).
  const dealer = { cards: dealerCodes.map((code, i) => ({ key: `${round}:dealer:${i}`, code })), total: formatTotal(dv, showOutcomes), spoken: spokenTotal(dv) };
  const hands = live
    ? table.hands.map((h) => ({ index: h.index, seat: h.seat, userId: h.userId, cards: h.cards, bet: h.bet, doubled: h.doubled, fromSplit: h.fromSplit, status: h.status as BjHandStatus | null, result: null }))
    : last!.hands.map((h) => ({ index: h.hand, seat: h.seat, userId: h.userId, cards: h.cards, bet: h.bet, doubled: h.doubled, fromSplit: false, status: null, result: h }));
  // Split hands share a seat: whether a hand came from a split decides "21" vs blackjack.
  const perSeat = new Map<number, number>();
  for (const h of hands) perSeat.set(h.seat, (perSeat.get(h.seat) ?? 0) + 1);

  for (const h of hands) {
    const s = seats[h.seat];
    if (!s) continue;
    if (s.userId === null) s.userId = h.userId;
    if (s.userId !== h.userId) continue; // a newcomer took the seat of someone who left: show theirs only
    const codes = limit(h.cards, a?.hands ? (a.hands[h.index] ?? 0) : null);
    const v = handValue(codes);
    const fromSplit = h.fromSplit || (perSeat.get(h.seat) ?? 0) > 1;
    const active = live && table.turn === h.index;
    const natural = isNatural(codes, fromSplit);
    s.hands.push({
      key: `${round}:${h.seat}:${s.hands.length}`,
      index: h.index,
      cards: codes.map((code, i) => ({ key: key(String(h.seat), code, i), code })),
      total: natural ? 'BJ' : formatTotal(v, !live),
      spoken: natural ? 'blackjack' : spokenTotal(v),
      bet: h.bet,
      doubled: h.doubled,
      active,
      status: h.status,
      outcome:
        showOutcomes && h.result
          ? { kind: h.result.outcome, label: OUTCOME_LABELS[h.result.outcome], net: netText(h.result.payout, h.result.bet), tone: outcomeTone(h.result.outcome), payout: h.result.payout }
          : null,
    });
    if (active) s.active = true;
  }
  // In a round the chips on the seat are the hands' stakes; after it, the next bet (if any).
  for (const s of seats) if (live && s.hands.length) s.stake = s.hands.reduce((n, h) => n + h.bet, 0);
  return { source: live ? 'live' : 'last', round, dealer, seats };
}
