/**
 * Cards, hand values and the shoe. Pure; the only randomness comes from the `Rng` passed in.
 *
 * A card is an integer 0..51: rank = c % 13 (0 = '2' … 8 = 'T', 9 = 'J', 10 = 'Q', 11 = 'K',
 * 12 = 'A'), suit = floor(c / 13) ('s', 'h', 'd', 'c'). Integers keep the shoe compact and the
 * simulation free of per-card allocations; `cardName` gives the wire form ("As", "Td", "7h").
 */
import { randomInt } from 'node:crypto';

export type Card = number;

const RANKS = '23456789TJQKA';
const SUITS = 'shdc';

/** Returns an integer in [0, maxExclusive). */
export type Rng = (maxExclusive: number) => number;

/** The production RNG: the operating system's CSPRNG via crypto.randomInt (unbiased). */
export const cryptoRng: Rng = (n) => randomInt(n);

/** Blackjack points of each card with an ace counted as 1. */
const POINTS = new Int8Array(52);
for (let c = 0; c < 52; c++) {
  const r = c % 13;
  POINTS[c] = r <= 8 ? r + 2 : r === 12 ? 1 : 10;
}

export const points = (c: Card): number => POINTS[c]!;
export const rankOf = (c: Card): number => c % 13;
export const isAce = (c: Card): boolean => c % 13 === 12;
export const isTenValue = (c: Card): boolean => POINTS[c] === 10;

export const cardName = (c: Card): string => RANKS[c % 13]! + SUITS[(c / 13) | 0]!;

/** "As" -> card; throws on anything else (tests and stacked shoes only). */
export function parseCard(s: string): Card {
  const r = RANKS.indexOf(s[0] ?? '');
  const suit = SUITS.indexOf(s[1] ?? '');
  if (s.length !== 2 || r < 0 || suit < 0) throw new Error(`bad card "${s}"`);
  return suit * 13 + r;
}

/** Sum with every ace counted as 1. */
function hardSum(cards: readonly Card[]): number {
  let sum = 0;
  for (let i = 0; i < cards.length; i++) sum += POINTS[cards[i]!]!;
  return sum;
}

function hasAce(cards: readonly Card[]): boolean {
  for (let i = 0; i < cards.length; i++) if (cards[i]! % 13 === 12) return true;
  return false;
}

/** The best total: one ace counts 11 when that does not bust. */
export function handTotal(cards: readonly Card[]): number {
  const sum = hardSum(cards);
  return sum <= 11 && hasAce(cards) ? sum + 10 : sum;
}

/** Soft: an ace is currently counted as 11. */
export function isSoft(cards: readonly Card[]): boolean {
  const sum = hardSum(cards);
  return sum <= 11 && hasAce(cards);
}

/** A natural: exactly two cards worth 21 (callers exclude split hands). */
export function isNatural(cards: readonly Card[]): boolean {
  return cards.length === 2 && handTotal(cards) === 21;
}

/** Whether the dealer draws another card. */
export function dealerDraws(cards: readonly Card[], hitsSoft17: boolean): boolean {
  const t = handTotal(cards);
  return t < 17 || (t === 17 && hitsSoft17 && isSoft(cards));
}

/**
 * The shoe. `cards` is the full shuffled order (never mutated after shuffling, so pure updates
 * may share it); `next` is the index of the next card; reaching `cut` (the cut card) asks for a
 * reshuffle before the next round. Server-only: never sent to a client.
 */
export interface Shoe {
  decks: number;
  cards: Card[];
  next: number;
  cut: number;
  /** How many times this table has shuffled (public, for "shuffling…" displays). */
  shuffles: number;
  /**
   * Cards per hand in play (dealer included) that must be left at the start of a round, or it
   * reshuffles early: only small shoes at full tables can then still run dry. 0 for stacked shoes.
   */
  spare: number;
}

/** Fisher–Yates over `decks` fresh decks, every swap index drawn from `rng`. */
export function shuffledCards(decks: number, rng: Rng): Card[] {
  const n = decks * 52;
  const cards = new Array<Card>(n);
  for (let i = 0; i < n; i++) cards[i] = i % 52;
  for (let i = n - 1; i > 0; i--) {
    const j = rng(i + 1);
    const t = cards[i]!;
    cards[i] = cards[j]!;
    cards[j] = t;
  }
  return cards;
}

/** Where the cut card goes: after `penetration` of the shoe. */
export const cutPosition = (cardCount: number, penetration: number) => Math.floor(cardCount * penetration);

export function newShoe(decks: number, penetration: number, rng: Rng, shuffles = 0): Shoe {
  const cards = shuffledCards(decks, rng);
  return { decks, cards, next: 0, cut: cutPosition(cards.length, penetration), shuffles: shuffles + 1, spare: 10 };
}

/**
 * A shoe in a known order, for tests: `cards` are dealt first, in order. The cut card sits after
 * them unless `cut` says otherwise, so no reshuffle happens while they last.
 */
export function stackedShoe(cards: readonly (Card | string)[], opts: { cut?: number; decks?: number } = {}): Shoe {
  const list = cards.map((c) => (typeof c === 'string' ? parseCard(c) : c));
  return { decks: opts.decks ?? 6, cards: list, next: 0, cut: opts.cut ?? list.length, shuffles: 1, spare: 0 };
}
