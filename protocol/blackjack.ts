/**
 * Blackjack (SPEC GB): payload schemas and the views clients receive.
 *
 * Everything here is public information. The shoe order never appears; the dealer's hole card is
 * `null` in {@link BjDealerView.cards} until it is revealed (dealer blackjack on the peek, or the
 * dealer's turn). Cards are two-character codes: rank `23456789TJQKA` + suit `shdc` ("As", "Td").
 */
import { z } from 'zod';
import { userSchemaOut } from './users.js';

const roomId = z.number().int().positive();

/** Seats are numbered 0..6 from the dealer's left (first to act) to the right. */
export const BJ_SEATS = 7;
export const bjSeatSchema = z.number().int().min(0).max(BJ_SEATS - 1);
/** Hand index in {@link BjTableView.hands} (a seat has up to 4 hands after splits). */
export const bjHandSchema = z.number().int().min(0).max(BJ_SEATS * 4 - 1);
/** Chips: whole, even (so 3:2, surrender and insurance pay whole chips); 0 withdraws a bet. */
export const bjAmountSchema = z.number().int().min(0).max(1_000_000).multipleOf(2);

export const BJ_MOVES = ['hit', 'stand', 'double', 'split', 'surrender'] as const;
export type BjMove = (typeof BJ_MOVES)[number];

/** Table settings an owner or moderator may change between rounds (`bj:configure`). */
export const bjSettingsSchema = z
  .object({
    decks: z.number().int().min(1).max(8),
    /** false: dealer stands on soft 17 (S17); true: hits soft 17 (H17). */
    dealerHitsSoft17: z.boolean(),
    minBet: z.number().int().min(2).max(10_000).multipleOf(2),
    maxBet: z.number().int().min(2).max(100_000).multipleOf(2),
    betSeconds: z.number().int().min(5).max(120),
    turnSeconds: z.number().int().min(5).max(120),
  })
  .strict()
  .refine((s) => s.maxBet >= s.minBet, { message: 'maxBet must be at least minBet', path: ['maxBet'] });
export type BjSettings = z.infer<typeof bjSettingsSchema>;

// ---- command payloads ----
export const bjWatchSchema = z.object({ roomId }).strict();
export const bjSitSchema = z.object({ roomId, seat: bjSeatSchema }).strict();
export const bjLeaveSchema = z.object({ roomId, seat: bjSeatSchema }).strict();
export const bjSitOutSchema = z.object({ roomId, seat: bjSeatSchema, sittingOut: z.boolean() }).strict();
export const bjBetSchema = z.object({ roomId, seat: bjSeatSchema, amount: bjAmountSchema }).strict();
export const bjInsuranceSchema = z.object({ roomId, seat: bjSeatSchema, take: z.boolean() }).strict();
export const bjActSchema = z.object({ roomId, seat: bjSeatSchema, hand: bjHandSchema, action: z.enum(BJ_MOVES) }).strict();
export const bjConfigureSchema = z.object({ roomId, settings: bjSettingsSchema }).strict();

// ---- views ----
/** "As", "Td", "7h"… */
export type BjCard = string;

export type BjPhase = 'idle' | 'betting' | 'insurance' | 'playing';
export type BjHandStatus = 'playing' | 'stood' | 'bust' | 'blackjack' | 'surrendered';
export type BjOutcome = 'blackjack' | 'win' | 'push' | 'lose' | 'bust' | 'surrender';

export interface BjSeatView {
  seat: number;
  userId: number;
  /** Keeps the seat but is not dealt in. */
  sittingOut: boolean;
  /** Left mid-round: the seat frees when the round ends. */
  leaving: boolean;
  /** Betting: chips put up for the coming round. In a round: the initial bet. */
  bet: number;
  /** Last round's initial bet (for a "repeat bet" button). */
  lastBet: number;
  /** In an insurance phase: null = still deciding; 0 = declined; > 0 = chips on insurance. */
  insurance: number | null;
}

export interface BjHandView {
  /** Index in `hands`; the `hand` of `bj:act`. */
  index: number;
  seat: number;
  userId: number;
  cards: BjCard[];
  /** Best total (an ace counts 11 when that does not bust). */
  total: number;
  soft: boolean;
  /** Chips on the hand, doubles included. */
  bet: number;
  doubled: boolean;
  fromSplit: boolean;
  splitAces: boolean;
  status: BjHandStatus;
}

export interface BjDealerView {
  /** Up card first; the hole card is `null` while hidden. */
  cards: (BjCard | null)[];
  /** Total of the visible cards only. */
  total: number | null;
  soft: boolean;
  holeHidden: boolean;
}

export interface BjHandResult {
  seat: number;
  userId: number;
  hand: number;
  cards: BjCard[];
  total: number;
  bet: number;
  doubled: boolean;
  outcome: BjOutcome;
  /** Chips returned, stake included (net = payout - bet). */
  payout: number;
}

export interface BjSeatResult {
  seat: number;
  userId: number;
  staked: number;
  returned: number;
  insurance: number;
  insurancePayout: number;
}

/** The outcome of a settled round. */
export interface BjRoundSummary {
  roundId: number;
  dealer: BjCard[];
  dealerTotal: number;
  dealerBlackjack: boolean;
  hands: BjHandResult[];
  seats: BjSeatResult[];
  at: number;
}

/** A round (or a betting window) that was cancelled and refunded. */
export interface BjVoidNotice {
  roundId: number | null;
  /** `restart`: the server restarted mid-round; `shoe-exhausted`: a small shoe ran dry mid-round. */
  reason: 'restart' | 'shoe-exhausted';
  refunds: { userId: number; amount: number }[];
  at: number;
}

export interface BjRulesView {
  decks: number;
  dealerHitsSoft17: boolean;
  minBet: number;
  maxBet: number;
  betSeconds: number;
  insuranceSeconds: number;
  turnSeconds: number;
  /** Fixed rules, for display. */
  blackjackPays: '3:2';
  insurancePays: '2:1';
  maxHandsPerSeat: 4;
  doubleAfterSplit: true;
  lateSurrender: true;
  resplitAces: false;
  hitSplitAces: false;
  dealerPeeks: true;
}

/**
 * The whole table as everyone sees it (`publicView`): players and spectators get the same view.
 * Rendering from the latest `table` of any `bj:*` fact is always correct.
 */
export interface BjTableView {
  roomId: number;
  rules: BjRulesView;
  phase: BjPhase;
  /** When the betting window, insurance window or current turn runs out (ms epoch; use clock:sync). */
  deadline: number | null;
  /** The round in play, or the last one dealt. */
  roundId: number;
  seats: (BjSeatView | null)[];
  /** Hands in play order. Empty outside a round. */
  hands: BjHandView[];
  /** Index of the hand to act in `hands`, or null. */
  turn: number | null;
  /** Moves allowed on the hand to act (chips not considered). */
  moves: BjMove[];
  dealer: BjDealerView | null;
  shoe: { decks: number; cardsLeft: number; shuffles: number; reshuffleBeforeNextRound: boolean };
  last: BjRoundSummary | null;
  notice: BjVoidNotice | null;
}

export interface BjBankroll {
  chips: number;
  /** A top-up (back to `topUpTo`) is allowed now. */
  canTopUp: boolean;
  topUpTo: number;
  /** Below this many chips (and nothing on a table) counts as broke. */
  brokeBelow: number;
  /** Local day (user's time zone) of the last top-up, "YYYY-MM-DD". */
  lastTopUpDay: string | null;
  /** When the next top-up becomes possible if one was used today (ms epoch), else null. */
  nextTopUpAt: number | null;
  handsPlayed: number;
  handsWon: number;
  /** Net chips won over all hands. */
  net: number;
}

/** What `bj:watch` returns: the table, my bankroll and the room's seq at that instant. */
export interface BjSnapshot {
  table: BjTableView;
  me: BjBankroll;
  seq: number;
  serverNow: number;
}

/** The answer of every other `bj:*` command. */
export interface BjCommandResult {
  table: BjTableView;
  chips: number;
}

// ---- HTTP ----
export const bjBankrollSchemaOut = z.object({
  chips: z.number(),
  canTopUp: z.boolean(),
  topUpTo: z.number(),
  brokeBelow: z.number(),
  lastTopUpDay: z.string().nullable(),
  nextTopUpAt: z.number().nullable(),
  handsPlayed: z.number(),
  handsWon: z.number(),
  net: z.number(),
});

export const bjLeaderboardSchemaOut = z.object({
  entries: z.array(z.object({ rank: z.number(), user: userSchemaOut, chips: z.number(), handsPlayed: z.number(), net: z.number() })),
});
export type BjLeaderboard = z.infer<typeof bjLeaderboardSchemaOut>;

export const bjHistoryQuerySchema = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export const bjHistoryEntrySchemaOut = z.object({
  id: z.number(),
  roomId: z.number(),
  roundId: z.number(),
  userId: z.number(),
  seat: z.number(),
  hand: z.number(),
  cards: z.array(z.string()),
  total: z.number(),
  dealerCards: z.array(z.string()),
  dealerTotal: z.number(),
  bet: z.number(),
  doubled: z.boolean(),
  outcome: z.enum(['blackjack', 'win', 'push', 'lose', 'bust', 'surrender']),
  payout: z.number(),
  at: z.number(),
});
export type BjHistoryEntry = z.infer<typeof bjHistoryEntrySchemaOut>;
export const bjHistoryPageSchemaOut = z.object({ entries: z.array(bjHistoryEntrySchemaOut), nextCursor: z.number().nullable() });
export type BjHistoryPage = z.infer<typeof bjHistoryPageSchemaOut>;
