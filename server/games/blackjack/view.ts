/**
 * What clients may see of a table. Pure. The only hidden information in blackjack is the shoe
 * (its order) and the dealer's hole card; both are stripped here, and everything else is public,
 * so players and spectators share one view. Only this module turns engine state into wire data.
 */
import type { BjDealerView, BjHandResult, BjRoundSummary, BjRulesView, BjTableView, BjVoidNotice } from '../../../protocol/blackjack.js';
import { cardName, handTotal, isSoft, type Card } from './cards.js';
import { legalMoves, type HandResult, type RoundSummary, type TableRules, type TableState, type VoidNotice } from './engine.js';

const names = (cards: readonly Card[]) => cards.map(cardName);

export function rulesView(r: TableRules): BjRulesView {
  return {
    decks: r.decks,
    dealerHitsSoft17: r.dealerHitsSoft17,
    minBet: r.minBet,
    maxBet: r.maxBet,
    betSeconds: r.betMs / 1000,
    insuranceSeconds: r.insuranceMs / 1000,
    turnSeconds: r.turnMs / 1000,
    blackjackPays: '3:2',
    insurancePays: '2:1',
    maxHandsPerSeat: 4,
    doubleAfterSplit: true,
    lateSurrender: true,
    resplitAces: false,
    hitSplitAces: false,
    dealerPeeks: true,
  };
}

function dealerView(s: TableState): BjDealerView | null {
  const round = s.round;
  if (!round) return null;
  if (round.holeRevealed) {
    return { cards: names(round.dealer), total: handTotal(round.dealer), soft: isSoft(round.dealer), holeHidden: false };
  }
  // Before the reveal only the up card exists for clients; totals use it alone.
  const up = round.dealer.slice(0, 1);
  return { cards: [cardName(up[0]!), null], total: handTotal(up), soft: isSoft(up), holeHidden: true };
}

const handResultView = (h: HandResult): BjHandResult => ({ ...h, cards: names(h.cards) });

export const summaryView = (s: RoundSummary): BjRoundSummary => ({ ...s, dealer: names(s.dealer), hands: s.hands.map(handResultView), seats: s.seats.map((x) => ({ ...x })) });

export const noticeView = (n: VoidNotice): BjVoidNotice => ({ ...n, refunds: n.refunds.map((r) => ({ ...r })) });

/** The public view of a table: no shoe order, no hidden hole card. */
export function publicView(roomId: number, s: TableState): BjTableView {
  const round = s.round;
  const turn = round && round.turn >= 0 && s.phase === 'playing' ? round.turn : null;
  return {
    roomId,
    rules: rulesView(s.rules),
    phase: s.phase,
    deadline: s.deadline,
    roundId: s.roundId,
    seats: s.seats.map((st, seat) => (st ? { seat, userId: st.userId, sittingOut: st.sittingOut, leaving: st.leaving, bet: st.bet, lastBet: st.lastBet, insurance: st.insurance } : null)),
    hands: round
      ? round.hands.map((h, index) => ({
          index,
          seat: h.seat,
          userId: h.userId,
          cards: names(h.cards),
          total: handTotal(h.cards),
          soft: isSoft(h.cards),
          bet: h.bet,
          doubled: h.doubled,
          fromSplit: h.fromSplit,
          splitAces: h.splitAces,
          status: h.status,
        }))
      : [],
    turn,
    moves: turn === null ? [] : legalMoves(s, turn),
    dealer: dealerView(s),
    shoe: {
      decks: s.shoe.decks,
      cardsLeft: s.shoe.cards.length - s.shoe.next,
      shuffles: s.shoe.shuffles,
      reshuffleBeforeNextRound: s.shoe.next >= s.shoe.cut,
    },
    last: s.last ? summaryView(s.last) : null,
    notice: s.notice ? noticeView(s.notice) : null,
  };
}
