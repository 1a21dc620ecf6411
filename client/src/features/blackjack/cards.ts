/**
 * Cards as the table shows them. Wire codes are two characters, rank `23456789TJQKA` + suit
 * `shdc` ("As", "Td"); `null` is a face-down card (the dealer's hole card before the reveal).
 * Totals here are for display only: the server decides every outcome.
 */

export type Suit = 's' | 'h' | 'd' | 'c';

export interface Card {
  code: string;
  /** "A", "10", "K"… as printed on the card. */
  rank: string;
  suit: Suit;
  symbol: '♠' | '♥' | '♦' | '♣';
  red: boolean;
  /** "Ace of spades". */
  name: string;
  /** Blackjack points with an ace as 1. */
  points: number;
}

const RANKS = '23456789TJQKA';
const RANK_NAMES: Record<string, string> = { T: 'Ten', J: 'Jack', Q: 'Queen', K: 'King', A: 'Ace', '2': 'Two', '3': 'Three', '4': 'Four', '5': 'Five', '6': 'Six', '7': 'Seven', '8': 'Eight', '9': 'Nine' };
const SUITS: Record<Suit, { symbol: Card['symbol']; name: string; red: boolean }> = {
  s: { symbol: '♠', name: 'spades', red: false },
  h: { symbol: '♥', name: 'hearts', red: true },
  d: { symbol: '♦', name: 'diamonds', red: true },
  c: { symbol: '♣', name: 'clubs', red: false },
};

/** Parses a wire code; null for anything that is not a card. */
export function parseCard(code: string | null | undefined): Card | null {
  if (typeof code !== 'string' || code.length !== 2) return null;
  const r = code[0]!;
  const s = code[1] as Suit;
  const ri = RANKS.indexOf(r);
  const suit = SUITS[s];
  if (ri < 0 || !suit) return null;
  return {
    code,
    rank: r === 'T' ? '10' : r,
    suit: s,
    symbol: suit.symbol,
    red: suit.red,
    name: `${RANK_NAMES[r]} of ${suit.name}`,
    points: ri <= 8 ? ri + 2 : r === 'A' ? 1 : 10,
  };
}

/** What a screen reader says for a card ("Ace of spades", or "Face-down card"). */
export function cardLabel(code: string | null): string {
  return parseCard(code)?.name ?? 'Face-down card';
}

/** "A♠ 10♥" for compact lists (history). */
export function shortCards(codes: readonly (string | null)[]): string {
  return codes.map((c) => (parseCard(c) ? `${parseCard(c)!.rank}${parseCard(c)!.symbol}` : '🂠')).join(' ');
}

export interface HandValue {
  /** Best total: one ace counts 11 when that does not bust. */
  total: number;
  /** An ace is counted as 11 in `total`. */
  soft: boolean;
}

/** Value of the face-up cards (face-down and unknown ones are skipped); null when none is up. */
export function handValue(codes: readonly (string | null)[]): HandValue | null {
  let sum = 0;
  let aces = 0;
  let seen = 0;
  for (const c of codes) {
    const card = parseCard(c);
    if (!card) continue;
    seen++;
    sum += card.points;
    if (card.points === 1) aces++;
  }
  if (seen === 0) return null;
  return aces > 0 && sum + 10 <= 21 ? { total: sum + 10, soft: true } : { total: sum, soft: false };
}

/**
 * "17", "7/17" for a soft total below 21 while the hand can still draw, "21" once it is 21.
 * `final`: the hand is finished (round settled), so only its best total counts: "17".
 */
export function formatTotal(v: HandValue | null, final = false): string {
  if (!v) return '';
  return v.soft && v.total < 21 && !final ? `${v.total - 10}/${v.total}` : String(v.total);
}

/** Words for a total, for labels: "soft 17", "hard 15", "21". */
export function spokenTotal(v: HandValue | null): string {
  if (!v) return 'no cards';
  if (v.total === 21 || v.total > 21) return String(v.total);
  return v.soft ? `soft ${v.total}` : String(v.total);
}

/** A two-card 21 that did not come from a split. */
export function isNatural(codes: readonly (string | null)[], fromSplit = false): boolean {
  return !fromSplit && codes.length === 2 && handValue(codes)?.total === 21;
}
