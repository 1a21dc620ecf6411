/**
 * Blackjack tables (one per room) and bankrolls (one per user, shared by every table).
 *
 * Every change goes through the pure engine (`apply`), then one transaction books the chip
 * movements it reports, records settled hands, saves the table state and numbers the facts it
 * announces (RoomEvents.persistMany, ADR 0040); the facts go to the room after the commit, and only
 * then does the table in memory change and the timers get re-armed. A table's commands and timers run one at a time (a queue per room), so two bets or
 * actions never interleave; chips, shared by every table, are only taken when the bankroll still
 * holds them (checked in the same statement). Clients only ever get `publicView(state)`.
 *
 * Restart policy: a round (or a betting window) in flight when the server stopped is voided at
 * boot and every stake refunded; the table announces it (`bj:voided`, reason `restart`) and keeps
 * showing the notice until the next round (docs/decisions/0005-blackjack-fairness.md).
 */
import { and, desc, eq, gte, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { hotStatement } from '../../../db/hot.js';
import { first } from '../../../db/query.js';
import { blackjackBankrolls, blackjackHands, blackjackTables, roomMembers, users } from '../../../db/schema/index.js';
import { affectedRows } from '../../../db/tx.js';
import type { BjBankroll, BjCommandResult, BjHistoryEntry, BjHistoryPage, BjLeaderboard, BjMove, BjSettings, BjTableView } from '../../../protocol/blackjack.js';
import type { BjTableChange } from '../../../protocol/blackjack-events.js';
import { AppError } from '../../plugins/errors.js';
import { KeyedQueue } from '../../plugins/keyed-queue.js';
import type { RoomEvents, RoomFact } from '../../rooms/room-events.js';
import { localDay, nextLocalMidnight } from '../../study/local-time.js';
import { cardName, cryptoRng, stackedShoe, type Rng } from './cards.js';
import { apply, createTable, DEFAULT_RULES, DEALER, type Action, type EngineEvent, type TableRules, type TableState } from './engine.js';
import { noticeView, publicView, summaryView } from './view.js';

/** New players start with this many chips; a daily top-up brings a broke player back to it. */
export const TOP_UP_TO = 1000;
/** Fewer free chips than this (and nothing on a table) counts as broke. */
export const BROKE_BELOW = 10;

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

/** A write refused by the table's fence: another node took the table over (scale-out). Nothing was changed. */
export class FencedError extends AppError {
  constructor(readonly roomId: number) {
    super('CONFLICT', 'This table just moved to another server. Try again.');
  }
}

/** A timer whose work failed (database unreachable) tries again after this long. */
const RETRY_MS = 2_000;

// The statements of every bet and move, built once (db/hot.ts; issue 18, ADR 0022). Each
// resolves the rows it changed where the caller decides on it (fence, chips still there).
const bk = blackjackBankrolls;
/** The table, fenced: only while the row still has the epoch this node loaded. */
const saveTable = hotStatement(
  (db, v: { roomId: number; epoch: number; state: string; phase: TableState['phase']; updatedAt: number }) =>
    db
      .update(blackjackTables)
      .set({ state: v.state, phase: v.phase, updatedAt: v.updatedAt })
      .where(and(eq(blackjackTables.roomId, v.roomId), eq(blackjackTables.epoch, v.epoch))),
  'count',
);
const selectBankroll = hotStatement((db, v: { userId: number }) => db.select().from(bk).where(eq(bk.userId, v.userId)).limit(1));
const insertBankroll = hotStatement((db, v: { userId: number; chips: number; updatedAt: number }) => db.insert(bk).values({ userId: v.userId, chips: v.chips, updatedAt: v.updatedAt }).onConflictDoNothing(), 'run');
/** Chips are shared by every table: taken only if they are still there (another table's bet may have spent them). */
const takeChips = hotStatement(
  (db, v: { userId: number; amount: number; updatedAt: number }) =>
    db
      .update(bk)
      .set({ chips: sql`${bk.chips} - ${v.amount}`, updatedAt: v.updatedAt })
      .where(and(eq(bk.userId, v.userId), gte(bk.chips, v.amount))),
  'count',
);
const giveChips = hotStatement((db, v: { userId: number; amount: number; updatedAt: number }) => db.update(bk).set({ chips: sql`${bk.chips} + ${v.amount}`, updatedAt: v.updatedAt }).where(eq(bk.userId, v.userId)), 'count');
const addHandStats = hotStatement(
  (db, v: { userId: number; played: number; won: number; net: number; updatedAt: number }) =>
    db
      .update(bk)
      .set({ handsPlayed: sql`${bk.handsPlayed} + ${v.played}`, handsWon: sql`${bk.handsWon} + ${v.won}`, net: sql`${bk.net} + ${v.net}`, updatedAt: v.updatedAt })
      .where(eq(bk.userId, v.userId)),
  'count',
);
type HandRow = Omit<typeof blackjackHands.$inferInsert, 'id'>;
const insertHand = hotStatement(
  (db, v: Required<HandRow>) =>
    db.insert(blackjackHands).values({
      roomId: v.roomId,
      roundId: v.roundId,
      userId: v.userId,
      seat: v.seat,
      hand: v.hand,
      cards: v.cards,
      total: v.total,
      dealerCards: v.dealerCards,
      dealerTotal: v.dealerTotal,
      bet: v.bet,
      doubled: v.doubled,
      outcome: v.outcome,
      payout: v.payout,
      createdAt: v.createdAt,
    }),
  'run',
);

/** A change as committed: the table, its public view (sent with its facts) and the bankrolls it changed, read after the commit. */
interface Committed {
  state: TableState;
  view: BjTableView;
  bankrolls: Map<number, BjBankroll>;
}

export class BlackjackService {
  /** Tables as last committed (a cache of their rows), only ever read or changed in the room's queue. */
  private readonly tables = new Map<number, TableState>();
  /**
   * The write fence of each cached table: the row's epoch when it was loaded (null: there was no
   * row). A save only goes through while the row still has it: a node that took the table over
   * (adoptRoom) raised it, so this node's late writes are refused (ADR 0026).
   */
  private readonly epochs = new Map<number, number | null>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  /**
   * Everything that reads or changes a table (commands, deadlines, seat pruning, adoption) runs
   * one at a time per room, in arrival order: a bet or action is applied to the table as the one
   * before it left it, and its answer goes out after its transaction committed.
   */
  private readonly queue = new KeyedQueue<number>();
  private readonly db: Db;
  private readonly now: () => number;
  private readonly rng: Rng;
  private stopped = false;

  constructor(private readonly deps: BlackjackDeps) {
    this.db = deps.db;
    this.now = deps.now ?? Date.now;
    this.rng = deps.rng ?? cryptoRng;
  }

  // ---- tables ----

  /** The room's table (in the room's queue only). */
  private async load(roomId: number): Promise<TableState> {
    const cached = this.tables.get(roomId);
    if (cached) return cached;
    const row = await first(this.db.select({ state: blackjackTables.state, epoch: blackjackTables.epoch }).from(blackjackTables).where(eq(blackjackTables.roomId, roomId)).limit(1));
    const s = row ? (JSON.parse(row.state) as TableState) : createTable(DEFAULT_RULES, this.rng);
    this.tables.set(roomId, s);
    this.epochs.set(roomId, row ? row.epoch : null);
    return s;
  }

  /** The public view of a room's table. */
  view(roomId: number): Promise<BjTableView> {
    return this.queue.run(roomId, async () => publicView(roomId, await this.load(roomId)));
  }

  /**
   * Applies an action through the engine, books it and tells the room. Throws the engine's
   * rejection as an AppError, having changed nothing. In the room's queue only.
   */
  private async run(roomId: number, action: Action, change: BjTableChange | null, by: number | null): Promise<Committed> {
    const r = apply(await this.load(roomId), action, this.rng);
    if (!r.ok) throw new AppError(r.code, r.reason);
    const view = publicView(roomId, r.state);
    const bankrolls = await this.commit(roomId, r.state, r.events, this.facts(view, r.events, change, by));
    return { state: r.state, view, bankrolls };
  }

  /**
   * Books a change and announces its facts in one transaction. The fenced table write comes first:
   * a node that lost the table is refused before anything is booked or numbered, and a change that
   * went in is numbered before anything a later owner announces (ADR 0040).
   */
  private async commit(roomId: number, state: TableState, events: EngineEvent[], facts: RoomFact[]): Promise<Map<number, BjBankroll>> {
    const now = this.now();
    const deltas = new Map<number, number>();
    for (const e of events) if (e.type === 'chips') deltas.set(e.userId, (deltas.get(e.userId) ?? 0) + e.delta);
    const players = new Set<number>(deltas.keys());
    try {
      await this.deps.events.persistMany(roomId, async (tx) => {
        // The fenced table write first: it refuses a node that lost the table before anything is
        // booked, and on PostgreSQL it holds the row's lock, so a takeover waits for this commit.
        await this.save(tx, roomId, state, now);
        await this.book(tx, roomId, deltas, events, players, now);
        return { facts, value: undefined };
      });
    } catch (err) {
      if (err instanceof FencedError) this.forgetRoom(roomId);
      throw err;
    }
    // Memory follows the database only once the transaction committed.
    this.saved(roomId, state);
    this.schedule(roomId, state);
    const bankrolls = new Map<number, BjBankroll>();
    for (const userId of players) {
      const bankroll = await this.bankroll(userId);
      bankrolls.set(userId, bankroll);
      this.deps.bankrollChanged(userId, bankroll);
    }
    return bankrolls;
  }

  /** Books a change's chip movements and settled hands (in the commit's transaction). */
  private async book(tx: Db, roomId: number, deltas: Map<number, number>, events: EngineEvent[], players: Set<number>, now: number): Promise<void> {
    for (const [userId, delta] of deltas) {
      if (delta === 0) {
        await insertBankroll(tx, { userId, chips: TOP_UP_TO, updatedAt: now });
        continue;
      }
      // Chips are shared by every table: take them only if they are still there (another
      // table's bet may have spent them since the balance was read). Otherwise nothing is booked.
      // A user without a bankroll row gets one first (no row changed: create it, try once more).
      const move = delta < 0 ? () => takeChips(tx, { userId, amount: -delta, updatedAt: now }) : () => giveChips(tx, { userId, amount: delta, updatedAt: now });
      let booked = await move();
      if (!booked) {
        await insertBankroll(tx, { userId, chips: TOP_UP_TO, updatedAt: now });
        booked = await move();
      }
      if (!booked) throw new AppError('CONFLICT', 'Not enough chips.');
    }
    for (const e of events) {
      if (e.type !== 'settled') continue;
      const s = e.summary;
      const dealerCards = JSON.stringify(s.dealer.map(cardName));
      const stats = new Map<number, { played: number; won: number; net: number }>();
      for (const h of s.hands) {
        await insertHand(tx, {
          roomId,
          roundId: s.roundId,
          userId: h.userId,
          seat: h.seat,
          hand: h.hand,
          cards: JSON.stringify(h.cards.map(cardName)),
          total: h.total,
          dealerCards,
          dealerTotal: s.dealerTotal,
          bet: h.bet,
          doubled: h.doubled,
          outcome: h.outcome,
          payout: h.payout,
          createdAt: now,
        });
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
        const values = { userId, played: st.played, won: st.won, net: st.net, updatedAt: now };
        if (!(await addHandStats(tx, values))) {
          await insertBankroll(tx, { userId, chips: TOP_UP_TO, updatedAt: now });
          await addHandStats(tx, values);
        }
        players.add(userId);
      }
    }
  }

  /** The table as just committed is the cached one; a row now exists (a first save created it with epoch 0). */
  private saved(roomId: number, state: TableState): void {
    this.tables.set(roomId, state);
    if ((this.epochs.get(roomId) ?? null) === null) this.epochs.set(roomId, 0);
  }

  /**
   * Writes the table, fenced: the row must still have the epoch this node loaded (or still not
   * exist when there was none). Otherwise another node took the table over: {@link FencedError}.
   */
  private async save(db: Db, roomId: number, state: TableState, now: number): Promise<void> {
    const values = { state: JSON.stringify(state), phase: state.phase, updatedAt: now };
    const epoch = this.epochs.get(roomId) ?? null;
    const written =
      epoch === null
        ? affectedRows(await db.insert(blackjackTables).values({ roomId, ...values }).onConflictDoNothing())
        : await saveTable(db, { roomId, epoch, ...values });
    if (written === 0) throw new FencedError(roomId);
  }

  /** Turns engine events into room facts, each carrying the table as it now is (numbered in this order). */
  private facts(table: BjTableView, events: EngineEvent[], change: BjTableChange | null, by: number | null): RoomFact[] {
    const out: RoomFact[] = [];
    if (change) out.push({ event: 'bj:table', fact: { table, change, userId: by } });
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
          if (!change) out.push({ event: 'bj:table', fact: { table, change: e.type === 'betting' ? 'betting-opened' : 'betting-closed', userId: null } });
          break;
        case 'dealt': {
          let dealerCards = 0;
          // The hole card (the dealer's second) goes out as null, whatever happened since.
          const cards = e.cards.map(({ to, card }) => ({ to, card: to === DEALER && dealerCards++ === 1 ? null : cardName(card) }));
          out.push({ event: 'bj:dealt', fact: { table, roundId: e.roundId, cards, shuffled } });
          break;
        }
        case 'insured':
          out.push({ event: 'bj:insured', fact: { table, seat: e.seat, userId: e.userId, amount: e.amount, auto: e.auto } });
          break;
        case 'peeked':
          out.push({ event: 'bj:peeked', fact: { table, dealerBlackjack: e.dealerBlackjack } });
          break;
        case 'acted':
          out.push({ event: 'bj:acted', fact: { table, seat: e.seat, hand: e.hand, action: e.move, cards: e.cards.map(cardName), auto: e.auto } });
          break;
        case 'settled':
          out.push({ event: 'bj:settled', fact: { table, summary: summaryView(e.summary) } });
          break;
        case 'voided':
          out.push({ event: 'bj:voided', fact: { table, notice: noticeView(e.notice) } });
          break;
      }
    }
    return out;
  }

  private schedule(roomId: number, state: TableState): void {
    if (state.deadline === null) return this.clearTimer(roomId);
    this.arm(roomId, state.deadline);
  }

  private clearTimer(roomId: number): void {
    clearTimeout(this.timers.get(roomId));
    this.timers.delete(roomId);
  }

  /** The room's one timer: at `at`, its deadline is handled (a failure is logged and retried). */
  private arm(roomId: number, at: number): void {
    this.clearTimer(roomId);
    if (this.stopped) return;
    const t = setTimeout(() => {
      if (this.timers.get(roomId) === t) this.timers.delete(roomId);
      this.tick(roomId).catch((err: unknown) => {
        // A timer must never take the process down. The cached table is as last committed; drop
        // it anyway so the retry reads the row (a deleted room has none: nothing more to do).
        this.tables.delete(roomId);
        if (err instanceof AppError) return;
        this.deps.log?.(err, roomId);
        if (!this.timers.has(roomId)) this.arm(roomId, this.now() + RETRY_MS);
      });
    }, Math.max(0, at - this.now()));
    t.unref();
    this.timers.set(roomId, t);
  }

  /** A deadline passed: close betting, decline insurance or auto-stand. */
  tick(roomId: number): Promise<void> {
    return this.queue.run(roomId, () => this.tickNow(roomId));
  }

  private async tickNow(roomId: number): Promise<void> {
    const s = await this.load(roomId);
    if (s.deadline === null) return;
    if (this.now() < s.deadline) return this.schedule(roomId, s);
    if (s.phase === 'betting') await this.pruneSeats(roomId);
    const current = await this.load(roomId);
    if (current.deadline === null || this.now() < current.deadline) return this.schedule(roomId, current);
    await this.run(roomId, { type: 'timeout', now: this.now() }, null, null);
  }

  /** A member left the room (kicked, banned, left): free their seat now if the table is open. */
  memberLeft(roomId: number): void {
    if (!this.tables.has(roomId)) return;
    this.queue.run(roomId, () => this.pruneSeats(roomId)).catch((err: unknown) => {
      if (!(err instanceof AppError)) this.deps.log?.(err, roomId);
    });
  }

  /** Frees the seats of users who are no longer members (kicked, banned, left the room). In the queue. */
  private async pruneSeats(roomId: number): Promise<void> {
    const seated = (await this.load(roomId)).seats.flatMap((st) => (st && !st.leaving ? [st.userId] : []));
    const gone = new Set<number>();
    for (const userId of seated) if (!(await this.deps.isMember(roomId, userId))) gone.add(userId);
    if (!gone.size) return;
    for (let seat = 0; ; seat++) {
      // Re-read the table each time: each leave changes it.
      const seats = (await this.load(roomId)).seats;
      if (seat >= seats.length) break;
      const st = seats[seat];
      if (st && !st.leaving && gone.has(st.userId)) await this.run(roomId, { type: 'leave', seat, userId: st.userId, now: this.now() }, 'left', st.userId);
    }
  }

  // ---- commands (membership: socket layer; seat ownership, turn, limits, chips: the engine) ----

  /** The answer: the table as sent with the change's facts, and the caller's chips (as just read after the commit when it changed them). */
  private async result(userId: number, c: Committed): Promise<BjCommandResult> {
    return { table: c.view, chips: c.bankrolls.get(userId)?.chips ?? (await this.chips(userId)) };
  }

  /** Runs a command in the room's queue and answers with the table and the caller's chips. */
  private command(roomId: number, userId: number, fn: () => Promise<Committed>): Promise<BjCommandResult> {
    return this.queue.run(roomId, async () => this.result(userId, await fn()));
  }

  sit(roomId: number, userId: number, seat: number): Promise<BjCommandResult> {
    return this.command(roomId, userId, async () => {
      await this.pruneSeats(roomId);
      await this.ensureBankroll(userId);
      return this.run(roomId, { type: 'sit', seat, userId, now: this.now() }, 'sat', userId);
    });
  }

  leave(roomId: number, userId: number, seat: number): Promise<BjCommandResult> {
    return this.command(roomId, userId, () => this.run(roomId, { type: 'leave', seat, userId, now: this.now() }, 'left', userId));
  }

  sitOut(roomId: number, userId: number, seat: number, sittingOut: boolean): Promise<BjCommandResult> {
    return this.command(roomId, userId, () => this.run(roomId, { type: 'sitOut', seat, userId, sittingOut, now: this.now() }, sittingOut ? 'sat-out' : 'sat-in', userId));
  }

  bet(roomId: number, userId: number, seat: number, amount: number): Promise<BjCommandResult> {
    return this.command(roomId, userId, async () => {
      await this.pruneSeats(roomId);
      const balance = await this.chips(userId);
      return this.run(roomId, { type: 'bet', seat, userId, amount, balance, now: this.now() }, 'bet', userId);
    });
  }

  insurance(roomId: number, userId: number, seat: number, take: boolean): Promise<BjCommandResult> {
    return this.command(roomId, userId, async () => {
      const balance = await this.chips(userId);
      return this.run(roomId, { type: 'insurance', seat, userId, take, balance, now: this.now() }, null, userId);
    });
  }

  act(roomId: number, userId: number, seat: number, hand: number, move: BjMove): Promise<BjCommandResult> {
    return this.command(roomId, userId, async () => {
      const balance = await this.chips(userId);
      return this.run(roomId, { type: 'act', seat, userId, hand, move, balance, now: this.now() }, null, userId);
    });
  }

  configure(roomId: number, userId: number, settings: BjSettings): Promise<BjCommandResult> {
    return this.command(roomId, userId, async () => {
      const rules = settingsToRules(settings, (await this.load(roomId)).rules);
      return this.run(roomId, { type: 'configure', rules, now: this.now() }, 'configured', userId);
    });
  }

  // ---- bankrolls ----

  private async ensureBankroll(userId: number): Promise<void> {
    await insertBankroll(this.db, { userId, chips: TOP_UP_TO, updatedAt: this.now() });
  }

  /** The user's bankroll, created on first use (read first: the row exists for anyone who ever sat down). */
  private async bankrollRow(userId: number): Promise<typeof blackjackBankrolls.$inferSelect> {
    const [row] = await selectBankroll(this.db, { userId });
    if (row) return row;
    await this.ensureBankroll(userId);
    return (await selectBankroll(this.db, { userId }))[0]!;
  }

  async chips(userId: number): Promise<number> {
    return (await this.bankrollRow(userId)).chips;
  }

  /** Does the user have chips on any table of this node right now (a bet, or hands in a round)? */
  private hasChipsInPlay(userId: number): boolean {
    for (const s of this.tables.values()) {
      for (const st of s.seats) if (st?.userId === userId && st.bet > 0) return true;
      if (s.round?.hands.some((h) => h.userId === userId)) return true;
    }
    return false;
  }

  private async timeZoneOf(userId: number): Promise<string> {
    return (await first(this.db.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, userId)).limit(1)))?.timeZone ?? 'UTC';
  }

  async bankroll(userId: number, timeZone?: string): Promise<BjBankroll> {
    const row = await this.bankrollRow(userId);
    const now = this.now();
    // The local day matters only to someone who has topped up before: no time-zone read and no
    // calendar arithmetic on every bet of everyone else.
    let usedToday = false;
    let zone = 'UTC';
    if (row.lastTopUpDay !== null) {
      zone = timeZone ?? (await this.timeZoneOf(userId));
      usedToday = row.lastTopUpDay === localDay(now, zone);
    }
    return {
      chips: row.chips,
      canTopUp: row.chips < BROKE_BELOW && !usedToday && !this.hasChipsInPlay(userId),
      topUpTo: TOP_UP_TO,
      brokeBelow: BROKE_BELOW,
      lastTopUpDay: row.lastTopUpDay,
      nextTopUpAt: usedToday ? nextLocalMidnight(now, zone) : null,
      handsPlayed: row.handsPlayed,
      handsWon: row.handsWon,
      net: row.net,
    };
  }

  /** The daily top-up: once per local day (the user's time zone), only when broke. */
  async topUp(userId: number, timeZone?: string): Promise<BjBankroll> {
    const zone = timeZone ?? (await this.timeZoneOf(userId));
    const before = await this.bankroll(userId, zone);
    if (before.chips >= BROKE_BELOW) throw new AppError('CONFLICT', `Top-ups are for players with fewer than ${BROKE_BELOW} chips.`);
    if (before.nextTopUpAt !== null) throw new AppError('CONFLICT', 'You already topped up today. Come back tomorrow.');
    if (this.hasChipsInPlay(userId)) throw new AppError('CONFLICT', 'You still have chips on a table.');
    const now = this.now();
    const today = localDay(now, zone);
    const b = blackjackBankrolls;
    // The same conditions in the statement: two top-ups at once (two tabs) give one.
    const done = affectedRows(
      await this.db
        .update(b)
        .set({ chips: TOP_UP_TO, lastTopUpDay: today, updatedAt: now })
        .where(and(eq(b.userId, userId), lt(b.chips, BROKE_BELOW), or(isNull(b.lastTopUpDay), ne(b.lastTopUpDay, today)))),
    );
    if (!done) throw new AppError('CONFLICT', 'You already topped up today. Come back tomorrow.');
    const after = await this.bankroll(userId, zone);
    this.deps.bankrollChanged(userId, after);
    return after;
  }

  /** Richest players: everyone, or the members of one room. */
  async leaderboard(roomId: number | null, limit = 50): Promise<BjLeaderboard> {
    const b = blackjackBankrolls;
    const columns = {
      chips: b.chips,
      handsPlayed: b.handsPlayed,
      net: b.net,
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      avatarColor: users.avatarColor,
      statusLine: users.statusLine,
    };
    const order = [desc(b.chips), desc(b.net), users.id] as const;
    const rows =
      roomId === null
        ? await this.db
            .select(columns)
            .from(b)
            .innerJoin(users, eq(users.id, b.userId))
            .where(eq(users.disabled, false))
            .orderBy(...order)
            .limit(limit)
        : await this.db
            .select(columns)
            .from(b)
            .innerJoin(users, eq(users.id, b.userId))
            .innerJoin(roomMembers, and(eq(roomMembers.userId, b.userId), eq(roomMembers.roomId, roomId)))
            .orderBy(...order)
            .limit(limit);
    return {
      entries: rows.map((r, i) => ({
        rank: i + 1,
        user: { id: r.id, username: r.username, displayName: r.displayName, avatarColor: r.avatarColor, statusLine: r.statusLine },
        chips: r.chips,
        handsPlayed: r.handsPlayed,
        net: r.net,
      })),
    };
  }

  /** Hand history, newest first: a user's (across rooms) or a room's. */
  async history(filter: { userId: number } | { roomId: number }, before: number | undefined, limit: number): Promise<BjHistoryPage> {
    const h = blackjackHands;
    const rows = await this.db
      .select()
      .from(h)
      .where(and('userId' in filter ? eq(h.userId, filter.userId) : eq(h.roomId, filter.roomId), before === undefined ? undefined : lt(h.id, before)))
      .orderBy(desc(h.id))
      .limit(limit + 1);
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    return {
      entries: page.map((r): BjHistoryEntry => ({
        id: r.id,
        roomId: r.roomId,
        roundId: r.roundId,
        userId: r.userId,
        seat: r.seat,
        hand: r.hand,
        cards: JSON.parse(r.cards) as string[],
        total: r.total,
        dealerCards: JSON.parse(r.dealerCards) as string[],
        dealerTotal: r.dealerTotal,
        bet: r.bet,
        doubled: r.doubled,
        outcome: r.outcome,
        payout: r.payout,
        at: r.createdAt,
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
  async voidInFlight(): Promise<number[]> {
    const rooms = await this.liveRoomIds();
    for (const roomId of rooms) {
      try {
        await this.queue.run(roomId, async () => {
          this.tables.delete(roomId);
          await this.run(roomId, { type: 'void', reason: 'restart', now: this.now() }, null, null);
        });
      } catch (err) {
        this.deps.log?.(err, roomId);
      }
    }
    return rooms;
  }

  // ---- scale-out (server/cluster): one node owns a room's table at a time ----

  /** Rooms with a round or betting window in flight (takeover candidates). */
  async liveRoomIds(): Promise<number[]> {
    const rows = await this.db.select({ roomId: blackjackTables.roomId }).from(blackjackTables).where(ne(blackjackTables.phase, 'idle'));
    return rows.map((r) => r.roomId);
  }

  /**
   * This node became the table's owner: the table comes back from its row exactly as last
   * committed (every acknowledged bet and move is in it, the shoe too) and its deadline is re-armed.
   */
  adoptRoom(roomId: number): Promise<void> {
    return this.queue.run(roomId, async () => {
      this.forgetRoom(roomId);
      // Raise the fence before reading: the previous owner's writes (which expect the old epoch)
      // are refused from now on. On PostgreSQL this waits for a write of theirs in flight (row lock),
      // so the state read next includes it. A room without a table gets one, fenced the same way.
      const t = blackjackTables;
      const raised = affectedRows(await this.db.update(t).set({ epoch: sql`${t.epoch} + 1` }).where(eq(t.roomId, roomId)));
      if (!raised) {
        const fresh = createTable(DEFAULT_RULES, this.rng);
        await this.db
          .insert(t)
          .values({ roomId, state: JSON.stringify(fresh), phase: fresh.phase, updatedAt: this.now(), epoch: 1 })
          .onConflictDoUpdate({ target: t.roomId, set: { epoch: sql`${t.epoch} + 1` } });
      }
      this.schedule(roomId, await this.load(roomId));
    });
  }

  /** Another node owns the table now: forget it here. */
  evictRoom(roomId: number): void {
    this.forgetRoom(roomId);
    // Work already under way for the room finishes first; what it cached or re-armed goes too.
    void this.queue.run(roomId, () => this.forgetRoom(roomId));
  }

  private forgetRoom(roomId: number): void {
    this.clearTimer(roomId);
    this.tables.delete(roomId);
    this.epochs.delete(roomId);
  }

  /** Before the database closes: running work finishes, then no more timers. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await this.queue.idle();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /**
   * For integration tests only (not reachable from any route or socket): read the hidden state,
   * deal from a known shoe, shorten timers below what users may configure.
   */
  readonly forTests = {
    state: (roomId: number): Promise<TableState> => this.queue.run(roomId, () => this.load(roomId)),
    stackShoe: (roomId: number, cards: string[]): Promise<void> =>
      this.queue.run(roomId, async () => {
        const s = structuredClone(await this.load(roomId));
        s.shoe = stackedShoe(cards);
        await this.save(this.db, roomId, s, this.now());
        this.saved(roomId, s);
      }),
    setTiming: (roomId: number, timing: Partial<Pick<TableRules, 'betMs' | 'insuranceMs' | 'turnMs'>>): Promise<void> =>
      this.queue.run(roomId, async () => {
        const s = structuredClone(await this.load(roomId));
        s.rules = { ...s.rules, ...timing };
        await this.save(this.db, roomId, s, this.now());
        this.saved(roomId, s);
      }),
  };
}
