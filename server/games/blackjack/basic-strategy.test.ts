import { describe, expect, it } from 'vitest';
import { basicStrategy } from './basic-strategy.js';
import { parseCard } from './cards.js';

const all = { canDouble: true, canSplit: true, canSurrender: true };
const play = (cards: string, up: string, o = all) => basicStrategy(cards.split(' ').map(parseCard), parseCard(up), o);

describe('basic strategy (6 decks, S17, DAS, late surrender)', () => {
  it('hard totals', () => {
    expect(play('5s 4d', '3c')).toBe('double');
    expect(play('5s 4d', '2c')).toBe('hit');
    expect(play('6s 4d', '9c')).toBe('double');
    expect(play('6s 4d', 'Tc')).toBe('hit');
    expect(play('6s 5d', 'Tc')).toBe('double');
    expect(play('6s 5d', 'Ac')).toBe('hit'); // S17: hit 11 v A
    expect(play('Ts 2d', '3c')).toBe('hit');
    expect(play('Ts 2d', '4c')).toBe('stand');
    expect(play('Ts 6d', '6c')).toBe('stand');
    expect(play('Ts 6d', '7c')).toBe('hit');
    expect(play('Ts 6d', '9c')).toBe('surrender');
    expect(play('Ts 5d', 'Tc')).toBe('surrender');
    expect(play('Ts 5d', 'Ac')).toBe('hit');
    expect(play('Ts 7d', 'Ac')).toBe('stand');
    expect(play('Ts 6d', 'Tc', { ...all, canSurrender: false })).toBe('hit');
    expect(play('5s 4d 2c', '6c', { ...all, canDouble: false })).toBe('hit');
  });

  it('soft totals', () => {
    expect(play('As 2d', '5c')).toBe('double');
    expect(play('As 2d', '4c')).toBe('hit');
    expect(play('As 6d', '3c')).toBe('double');
    expect(play('As 7d', '2c')).toBe('stand');
    expect(play('As 7d', '6c')).toBe('double');
    expect(play('As 7d', '6c', { ...all, canDouble: false })).toBe('stand');
    expect(play('As 7d', '9c')).toBe('hit');
    expect(play('As 8d', '6c')).toBe('stand');
  });

  it('pairs', () => {
    expect(play('As Ad', 'Ac')).toBe('split');
    expect(play('8s 8d', 'Ac')).toBe('split');
    expect(play('9s 9d', '7c')).toBe('stand');
    expect(play('9s 9d', '8c')).toBe('split');
    expect(play('Ts Kd', '6c')).toBe('stand');
    expect(play('5s 5d', '9c')).toBe('double');
    expect(play('4s 4d', '5c')).toBe('split');
    expect(play('4s 4d', '4c')).toBe('hit');
    expect(play('2s 2d', '7c')).toBe('split');
    expect(play('6s 6d', '7c')).toBe('hit');
    expect(play('8s 8d', 'Tc', { ...all, canSplit: false, canSurrender: false })).toBe('hit');
  });
});
