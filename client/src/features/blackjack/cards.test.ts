import { describe, expect, it } from 'vitest';
import { cardLabel, formatTotal, handValue, isNatural, parseCard, shortCards, spokenTotal } from './cards';

describe('cards', () => {
  it('parses wire codes into rank, suit, colour and a spoken name', () => {
    expect(parseCard('As')).toMatchObject({ rank: 'A', symbol: '♠', red: false, name: 'Ace of spades', points: 1 });
    expect(parseCard('Td')).toMatchObject({ rank: '10', symbol: '♦', red: true, name: 'Ten of diamonds', points: 10 });
    expect(parseCard('7h')).toMatchObject({ rank: '7', red: true, name: 'Seven of hearts', points: 7 });
    expect(parseCard('Qc')).toMatchObject({ rank: 'Q', symbol: '♣', points: 10 });
    for (const bad of ['', 'A', 'Ax', '1s', 'As ', null, undefined]) expect(parseCard(bad)).toBeNull();
  });

  it('labels face-down cards for screen readers', () => {
    expect(cardLabel('Kh')).toBe('King of hearts');
    expect(cardLabel(null)).toBe('Face-down card');
    expect(shortCards(['As', 'Td', null])).toBe('A♠ 10♦ 🂠');
  });

  it('totals hands the way players read them', () => {
    expect(handValue(['As', '6d'])).toEqual({ total: 17, soft: true });
    expect(formatTotal(handValue(['As', '6d']))).toBe('7/17');
    // Regression: a settled dealer's soft 17 read "7/17" after the dealer stood.
    expect(formatTotal(handValue(['As', '6d']), true)).toBe('17');
    expect(formatTotal(handValue(['As', '6d', '9c']))).toBe('16'); // the ace drops to 1
    expect(formatTotal(handValue(['As', 'Ad']))).toBe('2/12');
    expect(formatTotal(handValue(['As', 'Kd']))).toBe('21');
    expect(formatTotal(handValue(['Ts', '9s', '5d']))).toBe('24');
    expect(spokenTotal(handValue(['As', '6d']))).toBe('soft 17');
    expect(spokenTotal(handValue(['Ts', '5d']))).toBe('15');
  });

  it('counts only face-up cards (the dealer before the reveal)', () => {
    expect(handValue(['Ah', null])).toEqual({ total: 11, soft: true });
    expect(handValue([null])).toBeNull();
    expect(formatTotal(handValue([]))).toBe('');
  });

  it('knows a natural from a split 21', () => {
    expect(isNatural(['As', 'Kd'])).toBe(true);
    expect(isNatural(['As', 'Kd'], true)).toBe(false);
    expect(isNatural(['7s', '7d', '7c'])).toBe(false);
  });
});
