/**
 * Blackjack tables (one per room) and bankrolls (one per user, shared by every table).
 *
 * Every change goes through the pure engine (`apply`), then one SQLite transaction books the chip
 * movements it reports, records settled hands and saves the table state; only then are the facts
 * broadcast (to the room, with sequence numbers) and the timers re-armed. All of it is synchronous,
 * so two commands never interleave. Clients only ever get `publicView(state)`.
 *
 * Restart policy: a round (or a betting window) in flight when the server stopped is voided at
 * boot and every stake refunded; the table announces it (`bj:voided`, reason `restart`) and keeps
 * showing the notice until the next round (docs/decisions/0005-blackjack-fairness.md).
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../../../db/client.js';
import type { BjBankroll, BjCommandResult, BjHistoryEntry, BjHistoryPage, BjLeaderboard, BjMove, BjSettings, BjTableView } from '../../../protocol/blackjack.js';
import type { BjTableChange } from '../../../protocol/blackjack-events.js';
import type { PublicUser } from '../../../protocol/users.js';
import { AppError } from '../../plugins/errors.js';
import type { RoomEvents } from '../../rooms/room-events.js';
import { localDay, nextLocalMidnight } from '../../study/local-time.js';
import { cardName, cryptoRng, stackedShoe, type Rng } from './cards.js';
import { apply, createTable, DEFAULT_RULES, DEALER, type Action, type EngineEvent, type TableRules, type TableState } from './engine.js';
import { noticeView, publicView, summaryView } from './view.js';

/** New players start with this many chips; a daily top-up brings a broke player back to it. */
export const TOP_UP_TO = 1000;
/** Fewer free chips than this (and nothing on a table) counts as broke. */
export const BROKE_BELOW = 10;

interface BankrollRow {
  user_id: number;
  chips: number;
  last_top_up_day: string | null;
  hands_played: number;
  hands_won: number;
  net: number;
}

interface HandRow {
  id: number;
  room_id: number;
  round_id: number;
  user_id: number;
  seat: number;
  hand: number;
  cards: string;
  total: number;
  dealer_cards: string;
  dealer_total: number;
  bet: number;
  doubled: number;
  outcome: BjHistoryEntry['outcome'];
  payout: number;
  created_at: number;
}

interface UserRowLite {
  id: number;
  username: string;
  display_name: string;
  avatar_color: string;
  status_line: string;
}

export interface BlackjackDeps {
  db: Db;
  events: RoomEvents;
  /** Is the user (still) a member of the room? Seats of former members are freed. */
  isMember: (roomId: number, userId: number) => Promise<boolean>;
  /** Tells one user (all their tabs) that their bankroll changed. */
  bankrollChanged: (userId: number, bankroll: BjBankroll) => void;
  now?: () => number;
  rng?: Rng;
  /** Unexpected errors from timers. */
  log?: (err: unknown, roomId: number) => void;
}

const settingsToRules = (s: BjSettings, base: TableRules): TableRules => ({
  ...base,
  decks: s.decks,
  dealerHitsSoft17: s.dealerHitsSoft17,
  minBet: s.minBet,
  maxBet: s.maxBet,
  betMs: s.betSeconds * 1000,
  turnMs: s.turnSeconds * 1000,
  insuranceMs: Math.min(s.turnSeconds, 15) * 1000,
});

export class BlackjackService {
  private readonly tables = new Map<number, TableState>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly db: Db;
  private readonly now: () => number;
  private readonly rng: Rng;
  private readonly q: {
    loadTable: Statement<[number], { state: string }>;
    saveTable: Statement<[number, string, string, number]>;
    inFlight: Statement<[], { room_id: number }>;
    ensureBankroll: Statement<[number, number, number]>;
    bankroll: Statement<[number], BankrollRow>;
    addChips: Statement<[number, number, number]>;
    addStats: Statement<[number, number, number, number, number]>;
    topUp: Statement<[number, string, number, number]>;
    insertHand: Statement<[number, number, number, number, number, string, number, string, number, number, number, string, number, number]>;
    timeZone: Statement<[number], { time_zone: string }>;
  };

  constructor(private readonly deps: BlackjackDeps) {
    this.db = deps.db;
    this.now = deps.now ?? Date.now;
    this.rng = deps.rng ?? cryptoRng;
    const sql = this.db.$client;
    this.q = {
      loadTable: sql.prepare('SELECT state FROM blackjack_tables WHERE room_id = ?'),
      saveTable: sql.prepare(
        'INSERT INTO blackjack_tables (room_id, state, phase, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(room_id) DO UPDATE SET state = excluded.state, phase = excluded.phase, updated_at = excluded.updated_at',
      ),
      inFlight: sql.prepare("SELECT room_id FROM blackjack_tables WHERE phase <> 'idle'"),
      ensureBankroll: sql.prepare('INSERT OR IGNORE INTO blackjack_bankrolls (user_id, chips, updated_at) VALUES (?, ?, ?)'),
      bankroll: sql.prepare('SELECT user_id, chips, last_top_up_day, hands_played, hands_won, net FROM blackjack_bankrolls WHERE user_id = ?'),
      addChips: sql.prepare('UPDATE blackjack_bankrolls SET chips = chips + ?, updated_at = ? WHERE user_id = ?'),
      addStats: sql.prepare('UPDATE blackjack_bankrolls SET hands_played = hands_played + ?, hands_won = hands_won + ?, net = net + ?, updated_at = ? WHERE user_id = ?'),
      topUp: sql.prepare('UPDATE blackjack_bankrolls SET chips = ?, last_top_up_day = ?, updated_at = ? WHERE user_id = ?'),
      insertHand: sql.prepare(
        'INSERT INTO blackjack_hands (room_id, round_id, user_id, seat, hand, cards, total, dealer_cards, dealer_total, bet, doubled, outcome, payout, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      timeZone: sql.prepare('SELECT time_zone FROM users WHERE id = ?'),
    };
  }

  // ---- tables ----

  private load(roomId: number): TableState {
    let s = this.tables.get(roomId);
    if (s) return s;
    const row = this.q.loadTable.get(roomId);
    s = row ? (JSON.parse(row.state) as TableState) : createTable(DEFAULT_RULES, this.rng);
    this.tables.set(roomId, s);
    return s;
  }

  /** The public view of a room's table. */
  view(roomId: number): BjTableView {
    return publicView(roomId, this.load(roomId));
  }

  /**
   * Applies an action through the engine, books it and tells the room. Throws the engine's
   * rejection as an AppError, having changed nothing.
   */
  private run(roomId: number, action: Action, change: BjTableChange | null, by: number | null): TableState {
    const r = apply(this.load(roomId), action, this.rng);
    if (!r.ok) throw new AppError(r.code, r.reason);
    this.commit(roomId, r.state, r.events);
    this.broadcast(roomId, r.state, r.events, change, by);
    return r.state;
  }

  private commit(roomId: number, state: TableState, events: EngineEvent[]): void {
    const now = this.now();
    const deltas = new Map<number, number>();
    for (const e of events) if (e.type === 'chips') deltas.set(e.userId, (deltas.get(e.userId) ?? 0) + e.delta);
    const players = new Set<number>(deltas.keys());
    this.db.$client.transaction(() => {
      for (const [userId, delta] of deltas) {
        this.q.ensureBankroll.run(userId, TOP_UP_TO, now);
        if (delta !== 0) this.q.addChips.run(delta, now, userId);
      }
      for (const e of events) {
        if (e.type !== 'settled') continue;
        const s = e.summary;
        const dealerCards = JSON.stringify(s.dealer.map(cardName));
        const stats = new Map<number, { played: number; won: number; net: number }>();
        for (const h of s.hands) {
          this.q.insertHand.run(roomId, s.roundId, h.userId, h.seat, h.hand, JSON.stringify(h.cards.map(cardName)), h.total, dealerCards, s.dealerTotal, h.bet, h.doubled ? 1 : 0, h.outcome, h.payout, now);
          const st = stats.get(h.userId) ?? { played: 0, won: 0, net: 0 };
          st.played++;
          if (h.outcome === 'win' || h.outcome === 'blackjack') st.won++;
          stats.set(h.userId, st);
        }
        for (const seat of s.seats) {
          const st = stats.get(seat.userId) ?? { played: 0, won: 0, net: 0 };
          st.net += seat.returned - seat.staked;
          stats.set(seat.userId, st);
        }
        for (const [userId, st] of stats) {
          this.q.ensureBankroll.run(userId, TOP_UP_TO, now);
          this.q.addStats.run(st.played, st.won, st.net, now, userId);
          players.add(userId);
        }
      }
      this.q.saveTable.run(roomId, JSON.stringify(state), state.phase, now);
    })();
    this.tables.set(roomId, state);
    this.schedule(roomId, state);
    for (const userId of players) this.deps.bankrollChanged(userId, this.bankroll(userId));
  }

  /** Turns engine events into room facts, each carrying the table as it now is. */
  private broadcast(roomId: number, state: TableState, events: EngineEvent[], change: BjTableChange | null, by: number | null): void {
    const table = publicView(roomId, state);
    const send = this.deps.events;
    if (change) void send.broadcast(roomId, 'bj:table', { table, change, userId: by });
    let shuffled = false;
    for (const e of events) {
      switch (e.type) {
        case 'chips':
          break;
        case 'shuffled':
          shuffled = true; // shown on the next bj:dealt (or in the table's shoe.shuffles)
          break;
        case 'betting':
        case 'idle':
          // A command's own fact already shows the window opening or closing.
          if (!change) void send.broadcast(roomId, 'bj:table', { table, change: e.type === 'betting' ? 'betting-opened' : 'betting-closed', userId: null });
          break;
        case 'dealt': {
          let dealerCards = 0;
          // The hole card (the dealer's second) goes out as null, whatever happened since.
          const cards = e.cards.map(({ to, card }) => ({ to, card: to === DEALER && dealerCards++ === 1 ? null : cardName(card) }));
          void send.broadcast(roomId, 'bj:dealt', { table, roundId: e.roundId, cards, shuffled });
          break;
        }
        case 'insured':
          void send.broadcast(roomId, 'bj:insured', { table, seat: e.seat, userId: e.userId, amount: e.amount, auto: e.auto });
          break;
        case 'peeked':
          void send.broadcast(roomId, 'bj:peeked', { table, dealerBlackjack: e.dealerBlackjack });
          break;
        case 'acted':
          void send.broadcast(roomId, 'bj:acted', { table, seat: e.seat, hand: e.hand, action: e.move, cards: e.cards.map(cardName), auto: e.auto });
          break;
        case 'settled':
          void send.broadcast(roomId, 'bj:settled', { table, summary: summaryView(e.summary) });
          break;
        case 'voided':
          void send.broadcast(roomId, 'bj:voided', { table, notice: noticeView(e.notice) });
          break;
      }
    }
  }

  private schedule(roomId: number, state: TableState): void {
    clearTimeout(this.timers.get(roomId));
    this.timers.delete(roomId);
    if (state.deadline === null) return;
    const t = setTimeout(() => this.tick(roomId), Math.max(0, state.deadline - this.now()));
    t.unref();
    this.timers.set(roomId, t);
  }

  /** A deadline passed: close betting, decline insurance or auto-stand. */
  async tick(roomId: number): Promise<void> {
    this.timers.delete(roomId);
    const s = this.tables.get(roomId);
    if (!s || s.deadline === null) return;
    if (this.now() < s.deadline) return this.schedule(roomId, s);
    try {
      if (s.phase === 'betting') await this.pruneSeats(roomId);
      const current = this.tables.get(roomId)!;
      if (current.deadline === null || this.now() < current.deadline) return this.schedule(roomId, current);
      this.run(roomId, { type: 'timeout', now: this.now() }, null, null);
    } catch (err) {
      // A timer must never take the process down. The room may have been deleted meanwhile (its
      // table row went with it): forget the table.
      this.tables.delete(roomId);
      if (!(err instanceof AppError)) this.deps.log?.(err, roomId);
    }
  }

  /** A member left the room (kicked, banned, left): free their seat now if the table is open. */
  memberLeft(roomId: number): void {
    if (this.tables.has(roomId)) this.pruneSeats(roomId).catch((err: unknown) => this.deps.log?.(err, roomId));
  }

  /** Frees the seats of users who are no longer members (kicked, banned, left the room). */
  private async pruneSeats(roomId: number): Promise<void> {
    const seated = this.load(roomId).seats.flatMap((st) => (st && !st.leaving ? [st.userId] : []));
    const gone = new Set<number>();
    for (const userId of seated) if (!(await this.deps.isMember(roomId, userId))) gone.add(userId);
    if (!gone.size) return;
    // Re-read the table: it may have changed while memberships were read.
    this.load(roomId).seats.forEach((st, seat) => {
      if (st && !st.leaving && gone.has(st.userId)) {
        this.run(roomId, { type: 'leave', seat, userId: st.userId, now: this.now() }, 'left', st.userId);
      }
    });
  }

  // ---- commands (membership: socket layer; seat ownership, turn, limits, chips: the engine) ----

  private result(roomId: number, userId: number, state: TableState): BjCommandResult {
    return { table: publicView(roomId, state), chips: this.chips(userId) };
  }

  async sit(roomId: number, userId: number, seat: number): Promise<BjCommandResult> {
    await this.pruneSeats(roomId);
    this.ensureBankroll(userId);
    return this.result(roomId, userId, this.run(roomId, { type: 'sit', seat, userId, now: this.now() }, 'sat', userId));
  }

  leave(roomId: number, userId: number, seat: number): BjCommandResult {
    return this.result(roomId, userId, this.run(roomId, { type: 'leave', seat, userId, now: this.now() }, 'left', userId));
  }

  sitOut(roomId: number, userId: number, seat: number, sittingOut: boolean): BjCommandResult {
    return this.result(roomId, userId, this.run(roomId, { type: 'sitOut', seat, userId, sittingOut, now: this.now() }, sittingOut ? 'sat-out' : 'sat-in', userId));
  }

  async bet(roomId: number, userId: number, seat: number, amount: number): Promise<BjCommandResult> {
    await this.pruneSeats(roomId);
    const balance = this.chips(userId);
    return this.result(roomId, userId, this.run(roomId, { type: 'bet', seat, userId, amount, balance, now: this.now() }, 'bet', userId));
  }

  insurance(roomId: number, userId: number, seat: number, take: boolean): BjCommandResult {
    return this.result(roomId, userId, this.run(roomId, { type: 'insurance', seat, userId, take, balance: this.chips(userId), now: this.now() }, null, userId));
  }

  act(roomId: number, userId: number, seat: number, hand: number, move: BjMove): BjCommandResult {
    return this.result(roomId, userId, this.run(roomId, { type: 'act', seat, userId, hand, move, balance: this.chips(userId), now: this.now() }, null, userId));
  }

  configure(roomId: number, userId: number, settings: BjSettings): BjCommandResult {
    const rules = settingsToRules(settings, this.load(roomId).rules);
    return this.result(roomId, userId, this.run(roomId, { type: 'configure', rules, now: this.now() }, 'configured', userId));
  }

  // ---- bankrolls ----

  private ensureBankroll(userId: number): void {
    this.q.ensureBankroll.run(userId, TOP_UP_TO, this.now());
  }

  chips(userId: number): number {
    this.ensureBankroll(userId);
    return this.q.bankroll.get(userId)!.chips;
  }

  /** Does the user have chips on any table right now (a bet, or hands in a round)? */
  private hasChipsInPlay(userId: number): boolean {
    for (const s of this.tables.values()) {
      for (const st of s.seats) if (st?.userId === userId && st.bet > 0) return true;
      if (s.round?.hands.some((h) => h.userId === userId)) return true;
    }
    return false;
  }

  private timeZoneOf(userId: number): string {
    return this.q.timeZone.get(userId)?.time_zone ?? 'UTC';
  }

  bankroll(userId: number, timeZone = this.timeZoneOf(userId)): BjBankroll {
    this.ensureBankroll(userId);
    const row = this.q.bankroll.get(userId)!;
    const now = this.now();
    const today = localDay(now, timeZone);
    const usedToday = row.last_top_up_day === today;
    return {
      chips: row.chips,
      canTopUp: row.chips < BROKE_BELOW && !usedToday && !this.hasChipsInPlay(userId),
      topUpTo: TOP_UP_TO,
      brokeBelow: BROKE_BELOW,
      lastTopUpDay: row.last_top_up_day,
      nextTopUpAt: usedToday ? nextLocalMidnight(now, timeZone) : null,
      handsPlayed: row.hands_played,
      handsWon: row.hands_won,
      net: row.net,
    };
  }

  /** The daily top-up: once per local day (the user's time zone), only when broke. */
  topUp(userId: number, timeZone = this.timeZoneOf(userId)): BjBankroll {
    const before = this.bankroll(userId, timeZone);
    if (before.chips >= BROKE_BELOW) throw new AppError('CONFLICT', `Top-ups are for players with fewer than ${BROKE_BELOW} chips.`);
    if (before.nextTopUpAt !== null) throw new AppError('CONFLICT', 'You already topped up today. Come back tomorrow.');
    if (this.hasChipsInPlay(userId)) throw new AppError('CONFLICT', 'You still have chips on a table.');
    const now = this.now();
    this.q.topUp.run(TOP_UP_TO, localDay(now, timeZone), now, userId);
    const after = this.bankroll(userId, timeZone);
    this.deps.bankrollChanged(userId, after);
    return after;
  }

  /** Richest players: everyone, or the members of one room. */
  leaderboard(roomId: number | null, limit = 50): BjLeaderboard {
    const sql = this.db.$client;
    const rows = (
      roomId === null
        ? sql.prepare('SELECT b.chips, b.hands_played, b.net, u.id, u.username, u.display_name, u.avatar_color, u.status_line FROM blackjack_bankrolls b JOIN users u ON u.id = b.user_id WHERE u.disabled = 0 ORDER BY b.chips DESC, b.net DESC, u.id LIMIT ?').all(limit)
        : sql
            .prepare(
              'SELECT b.chips, b.hands_played, b.net, u.id, u.username, u.display_name, u.avatar_color, u.status_line FROM blackjack_bankrolls b JOIN users u ON u.id = b.user_id JOIN room_members m ON m.user_id = b.user_id AND m.room_id = ? ORDER BY b.chips DESC, b.net DESC, u.id LIMIT ?',
            )
            .all(roomId, limit)
    ) as (UserRowLite & { chips: number; hands_played: number; net: number })[];
    return {
      entries: rows.map((r, i) => ({ rank: i + 1, user: toUser(r), chips: r.chips, handsPlayed: r.hands_played, net: r.net })),
    };
  }

  /** Hand history, newest first: a user's (across rooms) or a room's. */
  history(filter: { userId: number } | { roomId: number }, before: number | undefined, limit: number): BjHistoryPage {
    const [col, id] = 'userId' in filter ? ['user_id', filter.userId] : ['room_id', filter.roomId];
    const rows = this.db.$client
      .prepare(`SELECT * FROM blackjack_hands WHERE ${col} = ? AND id < ? ORDER BY id DESC LIMIT ?`)
      .all(id, before ?? Number.MAX_SAFE_INTEGER, limit + 1) as HandRow[];
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    return {
      entries: page.map((r) => ({
        id: r.id,
        roomId: r.room_id,
        roundId: r.round_id,
        userId: r.user_id,
        seat: r.seat,
        hand: r.hand,
        cards: JSON.parse(r.cards) as string[],
        total: r.total,
        dealerCards: JSON.parse(r.dealer_cards) as string[],
        dealerTotal: r.dealer_total,
        bet: r.bet,
        doubled: r.doubled === 1,
        outcome: r.outcome,
        payout: r.payout,
        at: r.created_at,
      })),
      nextCursor: more ? page.at(-1)!.id : null,
    };
  }

  // ---- lifecycle ----

  /**
   * At boot: every round or betting window that was in flight when the server stopped is voided
   * and its stakes refunded (the honest choice: a resumed round would deal from a shoe whose
   * timing players could not see, and timers would fire late). Returns the rooms concerned.
   */
  voidInFlight(): number[] {
    const rooms = this.q.inFlight.all().map((r) => r.room_id);
    for (const roomId of rooms) {
      this.tables.delete(roomId);
      this.run(roomId, { type: 'void', reason: 'restart', now: this.now() }, null, null);
    }
    return rooms;
  }

  // ---- scale-out (server/cluster): one node owns a room's table at a time ----

  /** Rooms with a round or betting window in flight (takeover candidates). */
  liveRoomIds(): number[] {
    return this.q.inFlight.all().map((r) => r.room_id);
  }

  /**
   * This node became the table's owner: the table comes back from its row exactly as last
   * committed (every acknowledged bet and move is in it, the shoe too) and its deadline is re-armed.
   */
  adoptRoom(roomId: number): void {
    this.tables.delete(roomId);
    this.schedule(roomId, this.load(roomId));
  }

  /** Another node owns the table now: forget it here. */
  evictRoom(roomId: number): void {
    clearTimeout(this.timers.get(roomId));
    this.timers.delete(roomId);
    this.tables.delete(roomId);
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /**
   * For integration tests only (not reachable from any route or socket): read the hidden state,
   * deal from a known shoe, shorten timers below what users may configure.
   */
  readonly forTests = {
    state: (roomId: number): TableState => this.load(roomId),
    stackShoe: (roomId: number, cards: string[]): void => {
      const s = this.load(roomId);
      s.shoe = stackedShoe(cards);
      this.q.saveTable.run(roomId, JSON.stringify(s), s.phase, this.now());
    },
    setTiming: (roomId: number, timing: Partial<Pick<TableRules, 'betMs' | 'insuranceMs' | 'turnMs'>>): void => {
      const s = this.load(roomId);
      s.rules = { ...s.rules, ...timing };
      this.q.saveTable.run(roomId, JSON.stringify(s), s.phase, this.now());
    },
  };
}

const toUser = (r: UserRowLite): PublicUser => ({ id: r.id, username: r.username, displayName: r.display_name, avatarColor: r.avatar_color, statusLine: r.status_line });
