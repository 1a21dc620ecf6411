/** Words for round results. */
import type { BjHandResult, BjOutcome } from '@protocol/blackjack.js';

export const OUTCOME_LABELS: Record<BjOutcome, string> = {
  blackjack: 'Blackjack!',
  win: 'Win',
  push: 'Push',
  lose: 'Lose',
  bust: 'Bust',
  surrender: 'Surrender',
};

/** Good, neutral or bad: colours the badge. */
export function outcomeTone(o: BjOutcome): 'good' | 'neutral' | 'bad' {
  if (o === 'blackjack' || o === 'win') return 'good';
  if (o === 'push') return 'neutral';
  return 'bad';
}

/** "+150", "−50", "±0": chips won or lost on a hand (payout includes the stake). */
export function netText(payout: number, bet: number): string {
  const net = payout - bet;
  if (net === 0) return '±0';
  return net > 0 ? `+${net}` : `−${-net}`;
}

/** "Blackjack! +150", "Surrender −25 (25 back)". */
export function resultText(r: Pick<BjHandResult, 'outcome' | 'payout' | 'bet'>): string {
  const base = `${OUTCOME_LABELS[r.outcome]} ${netText(r.payout, r.bet)}`;
  return r.outcome === 'surrender' ? `${base} (${r.payout} back)` : base;
}

/** One sentence for the live region about my hands in a settled round. */
export function myResultSentence(hands: readonly Pick<BjHandResult, 'outcome' | 'payout' | 'bet'>[], dealerTotal: number, dealerBlackjack: boolean): string {
  if (!hands.length) return '';
  const dealer = dealerBlackjack ? 'Dealer has blackjack.' : dealerTotal > 21 ? `Dealer busts with ${dealerTotal}.` : `Dealer has ${dealerTotal}.`;
  const net = hands.reduce((n, h) => n + h.payout - h.bet, 0);
  const parts = hands.map((h) => OUTCOME_LABELS[h.outcome].replace('!', ''));
  const total = net > 0 ? `You win ${net} chips.` : net < 0 ? `You lose ${-net} chips.` : 'You break even.';
  return `${dealer} ${hands.length > 1 ? `Your hands: ${parts.join(', ')}.` : `${parts[0]}.`} ${total}`;
}
