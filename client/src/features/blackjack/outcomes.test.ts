import { describe, expect, it } from 'vitest';
import { myResultSentence, netText, resultText } from './outcomes';

describe('outcomes', () => {
  it('prints net chips with a sign', () => {
    expect(netText(250, 100)).toBe('+150');
    expect(netText(0, 50)).toBe('−50');
    expect(netText(100, 100)).toBe('±0');
    expect(resultText({ outcome: 'blackjack', payout: 250, bet: 100 })).toBe('Blackjack! +150');
    expect(resultText({ outcome: 'surrender', payout: 25, bet: 50 })).toBe('Surrender −25 (25 back)');
  });

  it('sums up my round in one sentence', () => {
    expect(myResultSentence([{ outcome: 'win', payout: 200, bet: 100 }], 17, false)).toBe('Dealer has 17. Win. You win 100 chips.');
    expect(myResultSentence([{ outcome: 'lose', payout: 0, bet: 10 }, { outcome: 'push', payout: 10, bet: 10 }], 22, false)).toBe('Dealer busts with 22. Your hands: Lose, Push. You lose 10 chips.');
    expect(myResultSentence([], 17, false)).toBe('');
  });
});
