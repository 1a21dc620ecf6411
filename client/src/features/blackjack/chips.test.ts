import { describe, expect, it } from 'vitest';
import { addChip, betProblem, chipBreakdown, chipChoices, clampBet } from './chips';

describe('chips', () => {
  it('offers up to five even chips that fit the table', () => {
    expect(chipChoices(10, 500)).toEqual([10, 50, 100, 250, 500]);
    expect(chipChoices(2, 4)).toEqual([2]);
    expect(chipChoices(1000, 100_000)).toEqual([500, 1000, 5000, 10_000, 25_000]);
    for (const v of chipChoices(20, 200)) expect(v % 2).toBe(0);
  });

  it('breaks an amount into a stack, largest chips first', () => {
    expect(chipBreakdown(160)).toEqual([100, 50, 10]);
    expect(chipBreakdown(0)).toEqual([]);
    expect(chipBreakdown(1000, 3)).toEqual([1000]);
    expect(chipBreakdown(40, 3)).toEqual([10, 10, 10]); // capped
  });

  it('keeps a draft bet legal: even, within the limits and the bankroll', () => {
    const l = { min: 10, max: 500, available: 300 };
    expect(addChip(0, 50, l)).toBe(50);
    expect(addChip(250, 100, l)).toBe(300); // capped by chips
    expect(addChip(450, 100, { ...l, available: 5000 })).toBe(500); // capped by the table
    expect(addChip(300, 10, l)).toBe(300);
    expect(addChip(0, 2, l)).toBe(2); // below the minimum for now: the player keeps adding
    expect(addChip(0, 50, { ...l, available: 31 })).toBe(30); // odd bankroll: even amounts only
    expect(clampBet(1000, l)).toBe(300);
    expect(clampBet(8, l)).toBe(0);
  });

  it('explains why a bet cannot be placed', () => {
    const l = { min: 10, max: 500, available: 300 };
    expect(betProblem(0, l)).toMatch(/Pick/);
    expect(betProblem(4, l)).toMatch(/minimum bet is 10/);
    expect(betProblem(11, l)).toMatch(/steps of 2/);
    expect(betProblem(600, { ...l, available: 1000 })).toMatch(/maximum bet is 500/);
    expect(betProblem(400, l)).toMatch(/Not enough chips/);
    expect(betProblem(100, l)).toBeNull();
  });
});
