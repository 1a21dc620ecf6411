/**
 * Chips: which chip buttons a table offers, how an amount is drawn as a stack, and how a draft
 * bet is kept legal (even, within the table limits and the player's chips).
 */

/** Every chip value is even, so sums of chips are always legal amounts. */
export const CHIP_VALUES = [2, 10, 50, 100, 250, 500, 1000, 5000, 10_000, 25_000] as const;

/** Up to five chip buttons that make sense between `min` and `max` (the largest ones that fit). */
export function chipChoices(min: number, max: number): number[] {
  const fit = CHIP_VALUES.filter((v) => v <= max && v * 20 >= min);
  const pick = fit.slice(-5);
  return pick.length ? pick : [CHIP_VALUES[0]];
}

/** Chips for drawing `amount` as a stack, largest first (greedy), at most `maxChips` of them. */
export function chipBreakdown(amount: number, maxChips = 8): number[] {
  const out: number[] = [];
  let rest = Math.max(0, Math.floor(amount));
  for (let i = CHIP_VALUES.length - 1; i >= 0 && out.length < maxChips; i--) {
    const v = CHIP_VALUES[i]!;
    while (rest >= v && out.length < maxChips) {
      out.push(v);
      rest -= v;
    }
  }
  return out;
}

/** Colour family of a chip, for CSS. */
export function chipTone(value: number): string {
  if (value >= 25_000) return 'gold';
  if (value >= 10_000) return 'teal';
  if (value >= 5000) return 'pink';
  if (value >= 1000) return 'orange';
  if (value >= 500) return 'purple';
  if (value >= 250) return 'blue';
  if (value >= 100) return 'black';
  if (value >= 50) return 'green';
  if (value >= 10) return 'red';
  return 'white';
}

/** "1.5k", "25k", "500". */
export function chipText(value: number): string {
  if (value >= 1000) return `${Number((value / 1000).toFixed(1))}k`;
  return String(value);
}

export interface BetLimits {
  min: number;
  max: number;
  /** Chips the player could put up: free chips plus what is already on the seat. */
  available: number;
}

const evenDown = (n: number) => Math.max(0, Math.floor(n / 2) * 2);

/** The largest legal amount at most `amount` (even, ≤ max, ≤ available); 0 when none is. */
export function clampBet(amount: number, l: BetLimits): number {
  const v = evenDown(Math.min(amount, l.max, l.available));
  return v >= l.min ? v : 0;
}

/** Adds a chip to a draft bet, capped at what the table and the bankroll allow. */
export function addChip(draft: number, chip: number, l: BetLimits): number {
  const want = draft + chip;
  const capped = evenDown(Math.min(want, l.max, l.available));
  // A first chip smaller than the minimum still counts: the player keeps adding.
  return capped < draft ? draft : capped;
}

/** Why a draft cannot be placed, or null when it can. */
export function betProblem(amount: number, l: BetLimits): string | null {
  if (amount <= 0) return 'Pick your chips.';
  if (amount % 2 !== 0) return 'Bets go in steps of 2 chips.';
  if (amount < l.min) return `The minimum bet is ${l.min}.`;
  if (amount > l.max) return `The maximum bet is ${l.max}.`;
  if (amount > l.available) return 'Not enough chips.';
  return null;
}
