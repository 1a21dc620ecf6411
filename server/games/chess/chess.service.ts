/**
 * Chess games of rooms: persistence, server timers (flag fall, first-move abort, challenge
 * expiry), players' presence in their games, and broadcasts. The rules themselves are pure
 * (chess-rules.ts); this service loads a state, applies an action at `now`, persists the result
 * and tells the watchers. Active games are kept in memory (one row write per change); a restarted
 * server resumes them without charging the downtime (docs/decisions/0004-chess-clocks.md).
 */
import { randomInt } from 'node:crypto';
import { and, desc, eq, inArray, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { hotStatement } from '../../../db/hot.js';
import { first, one } from '../../../db/query.js';
import { chessGames, users } from '../../../db/schema/index.js';
import { affectedRows, transaction } from '../../../db/tx.js';
import type { ChessMovedFact, ChessPersonalEvents, OfferKind } from '../../../protocol/chess-events.js';
import {
  speedOf,
  type ClockView,
  type ColorChoice,
  type GameStatus,
  type GameSummary,
  type GameView,
  type GamesPage,
  type MoveView,
  type TimeControl,
} from '../../../protocol/chess.js';
import type { PublicUser } from '../../../protocol/users.js';
import { AppError } from '../../plugins/errors.js';
import { KeyedQueue } from '../../plugins/keyed-queue.js';
import type { RoomEvents } from '../../rooms/room-events.js';
import type { RoomsService } from '../../rooms/rooms.service.js';
import {
  DEFAULT_GRACE_MS,
  LAG_QUOTA_START_MS,
  apply,
  clockRunning,
  deadline,
  fenOf,
  firstMoveDeadline,
  newGame,
  other,
  positionFacts,
  remainingAt,
  resumeAfterDowntime,
  turnOf,
  type Action,
  type Color,
  type GameState,
  type Ply,
  type RuleEvent,
} from './chess-rules.js';
import { toPgn } from './pgn.js';

type Row = typeof chessGames.$inferSelect;
type GameFactName = Exclude<keyof ChessPersonalEvents, 'chess:invited' | 'chess:inviteClosed'>;
type GameFact<E extends GameFactName> = Parameters<ChessPersonalEvents[E]>[0];

/** How the service reaches sockets; implemented by chess.socket.ts. */
export interface ChessOutlet {
  /** A fact to the game's watchers; `alsoRoom` also to members looking at the room (once per socket). */
  toGame<E extends GameFactName>(gameId: number, roomId: number, event: E, fact: GameFact<E>, alsoRoom?: boolean): void;
  invite(userId: number, fact: Parameters<ChessPersonalEvents['chess:invited']>[0]): void;
  /** Tells the addressee of a challenge that it is no longer open. */
  inviteClosed(userId: number, fact: Parameters<ChessPersonalEvents['chess:inviteClosed']>[0]): void;
  /** Subscribes every connected socket of `userId` to the game; returns their ids. */
  subscribeUser(gameId: number, userId: number): string[];
  /** Subscribes every watcher of `fromGameId` to `toGameId` too (a rematch); returns them. */
  subscribeWatchers(fromGameId: number, toGameId: number): { socketId: string; userId: number }[];
}

export interface ChessTuning {
  /** How long a player may be gone before the opponent may claim. */
  graceMs: number;
  /** Pending seats and challenges lapse after this. */
  challengeTtlMs: number;
  /** How often the "server is alive" instant of active games is written. */
  heartbeatMs: number;
  /** Open seats + challenges one user may have pending in a room. */
  maxPendingPerUser: number;
}

interface Meta {
  id: number;
  roomId: number;
  whiteId: number;
  blackId: number;
  version: number;
}

interface Seat {
  sockets: Set<string>;
  goneSince: number | null;
}

interface Live {
  meta: Meta;
  state: GameState;
  presence: { w: Seat; b: Seat };
}

const MAX_LIST = 100;

/** What a player can do besides moving (the colour is the caller's). */
export type PlayerAction =
  | { type: 'resign' }
  | { type: 'abort' }
  | { type: 'draw'; action: 'offer' | 'accept' | 'decline' }
  | { type: 'takeback'; action: 'request' | 'accept' | 'decline' }
  | { type: 'claim'; outcome: 'win' | 'draw' };

/** Moves are stored as compact tuples: [uci, san, fen, at, clockMs]. */
type StoredPly = [string, string, string, number, number | null];
const plyToStored = (p: Ply): StoredPly => [p.uci, p.san, p.fen, p.at, p.clockMs];
const storedToPly = ([uci, san, fen, at, clockMs]: StoredPly): Ply => ({ uci, san, fen, at, clockMs });

function stateOf(row: Row): GameState {
  const extra = JSON.parse(row.offers) as Partial<Pick<GameState, 'offers' | 'lastOffer'>>;
  const clock = row.initialMs === null ? null : { initialMs: row.initialMs, incrementMs: row.incrementMs ?? 0 };
  const base = newGame(clock, row.turnStartedAt ?? row.createdAt);
  return {
    ...base,
    plies: (JSON.parse(row.moves) as StoredPly[]).map(storedToPly),
    remaining: row.status === 'pending' ? base.remaining : { w: row.whiteMs, b: row.blackMs },
    lagQuota: row.status === 'pending' ? base.lagQuota : { w: row.lagQuotaWhite, b: row.lagQuotaBlack },
    status: row.status === 'active' || row.status === 'pending' ? 'active' : 'ended',
    result: row.result,
    reason: row.reason as GameState['reason'],
    endedAt: row.endedAt,
    offers: extra.offers ?? base.offers,
    lastOffer: extra.lastOffer ?? base.lastOffer,
  };
}

const tcOf = (row: Pick<Row, 'initialMs' | 'incrementMs'>): TimeControl | null =>
  row.initialMs === null ? null : { minutes: row.initialMs / 60_000, increment: (row.incrementMs ?? 0) / 1000 };

type Users = Map<number, PublicUser>;

/** A timer whose write failed (database unreachable) tries again after this long. */
const RETRY_MS = 2_000;

type GameWrite = Pick<
  Row,
  'status' | 'moves' | 'whiteMs' | 'blackMs' | 'turnStartedAt' | 'lagQuotaWhite' | 'lagQuotaBlack' | 'aliveAt' | 'offers' | 'result' | 'reason' | 'version' | 'endedAt'
> & { id: number; prevVersion: number };

/**
 * A game's change (every move), fenced on the version it was read at; built once (db/hot.ts; issue
 * 18, ADR 0022). Resolves the rows written: 0 when the room was deleted or another node wrote since.
 */
const writeGame = hotStatement(
  (db, v: GameWrite) =>
    db
      .update(chessGames)
      .set({
        status: v.status,
        moves: v.moves,
        whiteMs: v.whiteMs,
        blackMs: v.blackMs,
        turnStartedAt: v.turnStartedAt,
        lagQuotaWhite: v.lagQuotaWhite,
        lagQuotaBlack: v.lagQuotaBlack,
        aliveAt: v.aliveAt,
        offers: v.offers,
        result: v.result,
        reason: v.reason,
        version: v.version,
        endedAt: v.endedAt,
      })
      .where(and(eq(chessGames.id, v.id), eq(chessGames.version, v.prevVersion))),
  'count',
);

export class ChessService {
  readonly tuning: ChessTuning = { graceMs: DEFAULT_GRACE_MS, challengeTtlMs: 30 * 60_000, heartbeatMs: 5_000, maxPendingPerUser: 3 };
  private readonly live = new Map<number, Live>();
  private readonly timers = new Map<number, { timeout: NodeJS.Timeout; roomId: number }>();
  /** Games each socket watches, so a disconnect updates presence. */
  private readonly watching = new Map<string, Set<number>>();
  /** The room of each game seen here (it never changes): routing and authorisation without a read. */
  private readonly roomOfGame = new Map<number, number>();
  /**
   * Every change to a room's games (commands, flag and expiry timers, adoption, removals) runs one
   * at a time in arrival order: an awaited write cannot be overtaken by a second move, resign or
   * accept of the same game, and a command's answer goes out once its write is committed.
   */
  private readonly queue = new KeyedQueue<number>();
  private heartbeat: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Where failures nobody awaits are reported (timers, heartbeats, removals). */
  onError: (err: unknown, what: string) => void = (err, what) => process.emitWarning(`chess ${what} failed: ${(err as Error).message}`);

  constructor(
    private readonly db: Db,
    private readonly events: RoomEvents,
    private readonly rooms: RoomsService,
    private readonly out: ChessOutlet,
    private readonly site: string,
    private readonly now: () => number = Date.now,
    private readonly coin: () => number = () => randomInt(2),
  ) {}

  // ---- reading ----

  private remember(gameId: number, roomId: number): void {
    if (this.roomOfGame.size >= 100_000) this.roomOfGame.clear();
    this.roomOfGame.set(gameId, roomId);
  }

  private async findRow(gameId: number): Promise<Row | undefined> {
    const row = await first(this.db.select().from(chessGames).where(eq(chessGames.id, gameId)).limit(1));
    if (row) this.remember(row.id, row.roomId);
    return row;
  }

  private async row(gameId: number): Promise<Row> {
    const row = await this.findRow(gameId);
    if (!row) throw new AppError('NOT_FOUND', 'No such game.');
    return row;
  }

  /** The room of a game this node has already seen (no read), or null. */
  knownRoomOf(gameId: number): number | null {
    return this.live.get(gameId)?.meta.roomId ?? this.roomOfGame.get(gameId) ?? null;
  }

  /** The room a game belongs to (for authorisation), or NOT_FOUND. */
  async roomOf(gameId: number): Promise<number> {
    const known = this.knownRoomOf(gameId);
    if (known !== null) return known;
    const row = await first(this.db.select({ roomId: chessGames.roomId }).from(chessGames).where(eq(chessGames.id, gameId)).limit(1));
    if (!row) throw new AppError('NOT_FOUND', 'No such game.');
    this.remember(gameId, row.roomId);
    return row.roomId;
  }

  /** Runs `task` in the queue of the game's room. */
  private async inRoomOf<T>(gameId: number, task: () => Promise<T>): Promise<T> {
    return this.queue.run(await this.roomOf(gameId), task);
  }

  /** The public profiles of the people named by `rows` (one read). */
  private async usersOf(rows: Row[], db: Db = this.db): Promise<Users> {
    const ids = [...new Set(rows.flatMap((r) => [r.createdBy, r.opponentId, r.whiteId, r.blackId]).filter((id): id is number => id !== null))];
    if (ids.length === 0) return new Map();
    const found = await db
      .select({ id: users.id, username: users.username, displayName: users.displayName, avatarColor: users.avatarColor, statusLine: users.statusLine })
      .from(users)
      .where(inArray(users.id, ids));
    return new Map(found.map((u) => [u.id, u]));
  }

  private clockView(state: GameState, now: number): ClockView | null {
    if (!state.clock) return null;
    return {
      initialMs: state.clock.initialMs,
      incrementMs: state.clock.incrementMs,
      white: remainingAt(state, 'w', now),
      black: remainingAt(state, 'b', now),
      running: clockRunning(state) ? turnOf(state) : null,
      at: now,
    };
  }

  private summaryOf(row: Row, state: GameState, now: number, people: Users): GameSummary {
    const tc = tcOf(row);
    const user = (id: number | null) => (id === null ? null : (people.get(id) ?? null));
    return {
      id: row.id,
      roomId: row.roomId,
      status: row.status,
      createdBy: user(row.createdBy)!,
      opponent: user(row.opponentId),
      colorChoice: row.colorChoice,
      white: user(row.whiteId),
      black: user(row.blackId),
      timeControl: tc,
      speed: speedOf(tc),
      fen: fenOf(state),
      lastMove: state.plies.at(-1)?.uci ?? null,
      ply: state.plies.length,
      turn: turnOf(state),
      clock: this.clockView(state, now),
      result: state.result,
      reason: state.reason,
      rematchOf: row.rematchOf,
      rematchId: row.rematchId,
      createdAt: row.createdAt,
      startedAt: row.startedAt,
      endedAt: state.endedAt,
    };
  }

  /** A game's summary as `tx` sees it (its state: `state`), for a fact numbered in the write's transaction. */
  private async summaryIn(tx: Db, gameId: number, state: GameState | null, now: number): Promise<GameSummary> {
    const row = await one(tx.select().from(chessGames).where(eq(chessGames.id, gameId)).limit(1));
    return this.summaryOf(row, state ?? stateOf(row), now, await this.usersOf([row], tx));
  }

  async summary(gameId: number): Promise<GameSummary> {
    const row = await this.row(gameId);
    const people = await this.usersOf([row]);
    return this.summaryOf(row, this.live.get(gameId)?.state ?? stateOf(row), this.now(), people);
  }

  /** The full view of any game (moves, offers, presence). */
  async view(gameId: number): Promise<GameView> {
    const row = await this.row(gameId);
    const people = await this.usersOf([row]);
    // Everything below is read in one synchronous step: state and version belong together.
    const live = this.live.get(gameId);
    const state = live?.state ?? stateOf(row);
    const now = this.now();
    const seat = (c: Color) => {
      const s = live?.presence[c];
      const goneSince = s ? s.goneSince : null;
      return { present: s ? s.sockets.size > 0 : false, goneSince, claimableAt: goneSince === null ? null : goneSince + this.tuning.graceMs };
    };
    const moves: MoveView[] = state.plies.map((p, i) => ({ ply: i + 1, uci: p.uci, san: p.san, fen: p.fen, at: p.at, clockMs: p.clockMs }));
    return {
      ...this.summaryOf(row, state, now, people),
      v: live?.meta.version ?? row.version,
      moves,
      check: positionFacts(state).check,
      offers: state.offers,
      presence: { w: seat('w'), b: seat('b') },
      graceMs: this.tuning.graceMs,
      firstMoveDeadline: row.status === 'active' ? firstMoveDeadline(state) : null,
      serverNow: now,
    };
  }

  /** Open seats, challenges and games in progress in a room, oldest first. */
  async listLive(roomId: number): Promise<GameSummary[]> {
    const rows = await this.db
      .select()
      .from(chessGames)
      .where(and(eq(chessGames.roomId, roomId), inArray(chessGames.status, ['pending', 'active'])))
      .orderBy(chessGames.id)
      .limit(MAX_LIST);
    const people = await this.usersOf(rows);
    const now = this.now();
    return rows.map((row) => this.summaryOf(row, this.live.get(row.id)?.state ?? stateOf(row), now, people));
  }

  private async page(where: SQL | undefined, q: { status?: GameStatus | 'live'; before?: number; limit: number }): Promise<GamesPage> {
    const statusFilter =
      q.status === undefined
        ? ne(chessGames.status, 'cancelled')
        : q.status === 'live'
          ? inArray(chessGames.status, ['pending', 'active'])
          : eq(chessGames.status, q.status);
    const rows = await this.db
      .select()
      .from(chessGames)
      .where(and(where, statusFilter, q.before ? lt(chessGames.id, q.before) : undefined))
      .orderBy(desc(chessGames.id))
      .limit(q.limit + 1);
    const shown = rows.slice(0, q.limit);
    const people = await this.usersOf(shown);
    const now = this.now();
    const games = shown.map((row) => this.summaryOf(row, this.live.get(row.id)?.state ?? stateOf(row), now, people));
    return { games, nextBefore: rows.length > q.limit ? games.at(-1)!.id : null };
  }

  /** A room's games, newest first (history). */
  roomGames(roomId: number, q: { status?: GameStatus | 'live'; before?: number; limit: number }): Promise<GamesPage> {
    return this.page(eq(chessGames.roomId, roomId), q);
  }

  /** A user's games (played, or seats/challenges they made or received), newest first. */
  userGames(userId: number, q: { status?: GameStatus | 'live'; before?: number; limit: number }): Promise<GamesPage> {
    return this.page(
      or(eq(chessGames.whiteId, userId), eq(chessGames.blackId, userId), eq(chessGames.createdBy, userId), eq(chessGames.opponentId, userId)),
      q,
    );
  }

  /** Players see their games; everyone else must be a member of the game's room. */
  async requireAccess(gameId: number, userId: number): Promise<void> {
    const row = await first(
      this.db
        .select({ roomId: chessGames.roomId, whiteId: chessGames.whiteId, blackId: chessGames.blackId, createdBy: chessGames.createdBy, opponentId: chessGames.opponentId })
        .from(chessGames)
        .where(eq(chessGames.id, gameId))
        .limit(1),
    );
    if (!row) throw new AppError('NOT_FOUND', 'No such game.');
    if ([row.whiteId, row.blackId, row.createdBy, row.opponentId].includes(userId)) return;
    await this.rooms.requireMember(row.roomId, userId);
  }

  async pgn(gameId: number): Promise<{ filename: string; text: string }> {
    const row = await this.row(gameId);
    if (row.status === 'pending' || row.status === 'cancelled') throw new AppError('CONFLICT', 'This game has not started.');
    const people = await this.usersOf([row]);
    const state = this.live.get(gameId)?.state ?? stateOf(row);
    const name = (id: number | null) => (id === null ? undefined : people.get(id)?.displayName) ?? '?';
    const speed = speedOf(tcOf(row));
    const text = toPgn({
      event: `Casual ${speed} game`,
      site: this.site,
      startedAt: row.startedAt ?? row.createdAt,
      white: name(row.whiteId),
      black: name(row.blackId),
      result: state.status === 'ended' ? state.result : null,
      reason: state.status === 'ended' ? state.reason : null,
      clock: state.clock,
      plies: state.plies,
    });
    return { filename: `commonroom-game-${gameId}.pgn`, text };
  }

  // ---- seats and challenges ----

  challenge(roomId: number, userId: number, input: { opponentId?: number; color: ColorChoice; timeControl: TimeControl | null }): Promise<GameSummary> {
    // In the room's queue: two challenges at once cannot both pass the "pending" limit.
    return this.queue.run(roomId, () => this.challengeNow(roomId, userId, input));
  }

  private async challengeNow(roomId: number, userId: number, input: { opponentId?: number; color: ColorChoice; timeControl: TimeControl | null }): Promise<GameSummary> {
    const { opponentId } = input;
    if (opponentId === userId) throw new AppError('CONFLICT', 'You cannot challenge yourself.');
    if (opponentId !== undefined && !(await this.rooms.membership(roomId, opponentId))) throw new AppError('NOT_MEMBER', 'That user is not a member of this room.');
    const pending = await this.db
      .select({ id: chessGames.id })
      .from(chessGames)
      .where(and(eq(chessGames.roomId, roomId), eq(chessGames.createdBy, userId), eq(chessGames.status, 'pending')));
    if (pending.length >= this.tuning.maxPendingPerUser) throw new AppError('CONFLICT', `You already have ${pending.length} open seats or challenges here: cancel one first.`);
    const now = this.now();
    const tc = input.timeControl;
    // The seat and its fact in one transaction (RoomEvents.persist, ADR 0040).
    const out = await this.events.persist(roomId, 'chess:challenged', async (tx) => {
      const row = await one(
        tx
          .insert(chessGames)
          .values({
            roomId,
            status: 'pending',
            createdBy: userId,
            opponentId: opponentId ?? null,
            colorChoice: input.color,
            initialMs: tc ? Math.round(tc.minutes * 60_000) : null,
            incrementMs: tc ? tc.increment * 1000 : null,
            expiresAt: now + this.tuning.challengeTtlMs,
            createdAt: now,
          })
          .returning(),
      );
      const summary = this.summaryOf(row, stateOf(row), now, await this.usersOf([row], tx));
      return { fact: { game: summary }, value: { row, summary } };
    });
    const { row, summary } = out!.value;
    this.remember(row.id, roomId);
    this.scheduleExpiry(row.id, roomId, row.expiresAt!);
    if (opponentId !== undefined) {
      // The invite carries the room's name: read after the game is saved and its expiry armed.
      try {
        const { name } = await this.rooms.getRow(roomId);
        this.out.invite(opponentId, { roomId, game: summary, roomName: name });
      } catch (err) {
        this.onError(err, 'invite');
      }
    }
    return summary;
  }

  private async pendingRow(gameId: number): Promise<Row> {
    const row = await this.row(gameId);
    if (row.status !== 'pending') throw new AppError('CONFLICT', 'This seat or challenge is no longer open.');
    return row;
  }

  /** Takes an open seat or accepts a challenge: the game starts now. */
  accept(gameId: number, userId: number): Promise<GameView> {
    return this.inRoomOf(gameId, async () => {
      const row = await this.pendingRow(gameId);
      if (row.createdBy === userId) throw new AppError('CONFLICT', 'You cannot take your own seat.');
      if (row.opponentId !== null && row.opponentId !== userId) throw new AppError('FORBIDDEN', 'This challenge is for someone else.');
      if (!(await this.rooms.membership(row.roomId, row.createdBy))) {
        await this.close(row, 'cancelled');
        throw new AppError('CONFLICT', 'The challenger has left the room.');
      }
      const creatorWhite = row.colorChoice === 'white' || (row.colorChoice === 'random' && this.coin() === 0);
      const [whiteId, blackId] = creatorWhite ? [row.createdBy, userId] : [userId, row.createdBy];
      const id = await this.start(row, whiteId, blackId, { opponentId: userId });
      if (row.opponentId !== null) this.out.inviteClosed(row.opponentId, { roomId: row.roomId, gameId: row.id, reason: 'accepted' });
      return this.view(id);
    });
  }

  decline(gameId: number, userId: number): Promise<void> {
    return this.inRoomOf(gameId, async () => {
      const row = await this.pendingRow(gameId);
      if (row.opponentId !== userId) throw new AppError('FORBIDDEN', 'Only the challenged player can decline.');
      await this.close(row, 'declined');
    });
  }

  cancel(gameId: number, userId: number): Promise<void> {
    return this.inRoomOf(gameId, async () => {
      const row = await this.pendingRow(gameId);
      if (row.createdBy !== userId) throw new AppError('FORBIDDEN', 'Only its creator can cancel this.');
      await this.close(row, 'cancelled');
    });
  }

  private async close(row: Row, reason: 'cancelled' | 'declined' | 'expired'): Promise<void> {
    const out = await this.events.persist(row.roomId, 'chess:cancelled', async (tx) => {
      const changed = affectedRows(
        await tx
          .update(chessGames)
          .set({ status: 'cancelled', endedAt: this.now() })
          .where(and(eq(chessGames.id, row.id), eq(chessGames.status, 'pending'))),
      );
      return changed ? { fact: { gameId: row.id, reason }, value: true } : undefined;
    });
    this.clearTimer(row.id);
    if (!out) return;
    if (row.opponentId !== null) this.out.inviteClosed(row.opponentId, { roomId: row.roomId, gameId: row.id, reason });
  }

  private scheduleExpiry(gameId: number, roomId: number, at: number): void {
    this.setTimer(gameId, roomId, at, () =>
      this.queue.run(roomId, async () => {
        const row = await this.findRow(gameId);
        if (row?.status === 'pending') await this.close(row, 'expired');
      }),
    );
  }

  /** Starts a game from a pending row (a taken seat, an accepted challenge or a rematch). */
  private async start(row: Row, whiteId: number, blackId: number, extra: { opponentId?: number } = {}): Promise<number> {
    const now = this.now();
    const state = newGame(row.initialMs === null ? null : { initialMs: row.initialMs, incrementMs: row.incrementMs ?? 0 }, now);
    // The game's start and its fact in one transaction (RoomEvents.persist, ADR 0040).
    await this.events.persist(row.roomId, 'chess:started', async (tx) => {
      const changed = affectedRows(
        await tx
          .update(chessGames)
          .set({
            status: 'active',
            whiteId,
            blackId,
            ...(row.opponentId === null && extra.opponentId ? { opponentId: extra.opponentId } : {}),
            whiteMs: state.remaining.w,
            blackMs: state.remaining.b,
            lagQuotaWhite: LAG_QUOTA_START_MS,
            lagQuotaBlack: LAG_QUOTA_START_MS,
            turnStartedAt: now,
            aliveAt: now,
            startedAt: now,
            expiresAt: null,
          })
          // Only a seat still open: a second taker (or another node) finds it gone.
          .where(and(eq(chessGames.id, row.id), eq(chessGames.status, 'pending'))),
      );
      if (!changed) throw new AppError('CONFLICT', 'This seat or challenge is no longer open.');
      return { fact: { game: await this.summaryIn(tx, row.id, state, now) }, value: undefined };
    });
    this.clearTimer(row.id);
    this.goLive(row.id, row.roomId, whiteId, blackId, 0, state, now);
    return row.id;
  }

  /** Puts a game in memory, subscribes the players' connected sockets and arms its timer. */
  private goLive(id: number, roomId: number, whiteId: number, blackId: number, version: number, state: GameState, now: number): Live {
    const live: Live = {
      meta: { id, roomId, whiteId, blackId, version },
      state,
      presence: { w: { sockets: new Set(), goneSince: now }, b: { sockets: new Set(), goneSince: now } },
    };
    this.live.set(id, live);
    this.remember(id, roomId);
    for (const [color, uid] of [['w', whiteId], ['b', blackId]] as const) {
      for (const socketId of this.out.subscribeUser(id, uid)) this.addWatcher(live, color, socketId, false);
    }
    this.schedule(live);
    this.startHeartbeat();
    return live;
  }

  // ---- playing ----

  private async liveGame(gameId: number): Promise<Live> {
    const live = this.live.get(gameId);
    if (live) return live;
    const row = await this.row(gameId);
    throw new AppError('CONFLICT', row.status === 'pending' ? 'This game has not started.' : 'The game is over.');
  }

  private colorOf(meta: Pick<Meta, 'whiteId' | 'blackId'>, userId: number): Color {
    if (meta.whiteId === userId) return 'w';
    if (meta.blackId === userId) return 'b';
    throw new AppError('FORBIDDEN', 'Only the players can do that.');
  }

  /** Plays a move for `userId`. `ply` guards against a move made on a stale position. */
  move(gameId: number, userId: number, uci: string, opts: { ply?: number; lag?: number } = {}): Promise<ChessMovedFact> {
    return this.inRoomOf(gameId, async () => {
      const live = await this.liveGame(gameId);
      const by = this.colorOf(live.meta, userId);
      if (opts.ply !== undefined && opts.ply !== live.state.plies.length) throw new AppError('CONFLICT', 'The position changed: your move was not played.');
      const outcome = await this.run(live, { type: 'move', by, uci, lagMs: opts.lag ?? 0 });
      const moved = outcome.find((f): f is ChessMovedFact => 'move' in f);
      if (!moved) {
        throw new AppError('CONFLICT', live.state.reason === 'no-start' ? 'Too late: the game was aborted because the first move did not come in time.' : 'Your time ran out.');
      }
      return moved;
    });
  }

  /** resign / draw / takeback / abort / claim for a player; returns the game's view afterwards. */
  act(gameId: number, userId: number, action: PlayerAction): Promise<GameView> {
    return this.inRoomOf(gameId, async () => {
      const live = await this.liveGame(gameId);
      const by = this.colorOf(live.meta, userId);
      if (action.type === 'claim') {
        const opponentId = by === 'w' ? live.meta.blackId : live.meta.whiteId;
        const opponentIsMember = !!(await this.rooms.membership(live.meta.roomId, opponentId));
        // An opponent removed from the room cannot come back: claimable at once.
        const gone = opponentIsMember ? live.presence[other(by)].goneSince : 0;
        await this.run(await this.liveGame(gameId), { type: 'claim', by, outcome: action.outcome, opponentGoneSince: gone, graceMs: gone === 0 ? 0 : this.tuning.graceMs });
      } else {
        await this.run(live, { ...action, by });
      }
      return this.view(gameId);
    });
  }

  /**
   * A player was kicked or banned: they cannot come back, so their games end now instead of
   * waiting out a grace nobody can use (lichess ends a game whose player is gone for good the
   * same way). Before both sides have moved the game is aborted; after, the opponent wins by
   * abandonment (the rules' claim with no grace). Their open challenges in the room are cancelled.
   */
  memberRemoved(roomId: number, userId: number): Promise<void> {
    return this.queue.run(roomId, async () => {
      const rows = await this.db
        .select()
        .from(chessGames)
        .where(
          and(
            eq(chessGames.roomId, roomId),
            inArray(chessGames.status, ['pending', 'active']),
            or(eq(chessGames.whiteId, userId), eq(chessGames.blackId, userId), eq(chessGames.createdBy, userId), eq(chessGames.opponentId, userId)),
          ),
        );
      for (const row of rows) {
        try {
          if (row.status === 'pending') {
            await this.close(row, 'cancelled');
            continue;
          }
          const live = this.live.get(row.id);
          if (!live) continue;
          const gone = this.colorOf(live.meta, userId);
          if (live.state.plies.length < 2) await this.run(live, { type: 'abort', by: gone });
          else await this.run(live, { type: 'claim', by: other(gone), outcome: 'win', opponentGoneSince: 0, graceMs: 0 });
        } catch (err) {
          // Not their game after all, or it ended in the same instant (flag fall): nothing to do.
          if (!(err instanceof AppError)) this.onError(err, `ending game ${row.id} of a removed member`);
        }
      }
    });
  }

  /** Applies an action, commits, broadcasts; returns the facts sent. Throws the rules' refusal. */
  private async run(live: Live, action: Action): Promise<({ kind: string } | ChessMovedFact)[]> {
    const now = this.now();
    const outcome = apply(live.state, action, now);
    if (!outcome.ok) throw new AppError(outcome.code, outcome.reason);
    if (outcome.events.length === 0) {
      if (action.type === 'tick') this.schedule(live);
      return [];
    }
    return this.commit(live, outcome.state, outcome.events, now);
  }

  private async commit(live: Live, state: GameState, events: RuleEvent[], now: number): Promise<({ kind: string } | ChessMovedFact)[]> {
    const { meta } = live;
    const ended = state.status === 'ended';
    const prevVersion = meta.version;
    const version = prevVersion + events.filter((e) => e.kind !== 'rematchAgreed').length;
    // Fenced on the version: a write from a node that lost the game's room to another (scale-out:
    // the new owner raised it when it adopted the room) or from a stale copy changes nothing.
    const values: GameWrite = {
      id: meta.id,
      prevVersion,
      status: ended ? (state.result === '*' ? 'aborted' : 'finished') : 'active',
      moves: JSON.stringify(state.plies.map(plyToStored)),
      whiteMs: state.remaining.w,
      blackMs: state.remaining.b,
      turnStartedAt: state.turnStartedAt,
      lagQuotaWhite: state.lagQuota.w,
      lagQuotaBlack: state.lagQuota.b,
      aliveAt: now,
      offers: JSON.stringify({ offers: state.offers, lastOffer: state.lastOffer }),
      result: state.result,
      reason: state.reason as Row['reason'],
      version,
      endedAt: state.endedAt,
    };
    // A game that ends tells the room (chess:finished) in the same transaction: its number comes
    // before anything a later owner announces (ADR 0040). Moves are numbered by the version itself.
    const changes = !ended
      ? await writeGame(this.db, values)
      : (await this.events.persist(meta.roomId, 'chess:finished', async (tx) => {
          if ((await writeGame(tx, values)) === 0) return undefined;
          return { fact: { game: await this.summaryIn(tx, meta.id, null, now) }, value: 1 };
        }))
        ? 1
        : 0;
    if (changes === 0) {
      // The room (and its games) was deleted under us, or another node wrote the game since.
      this.drop(meta.id);
      throw new AppError('CONFLICT', 'This game is no longer played here: reload it.');
    }
    // Memory follows the database only once the write is committed.
    live.state = state;
    meta.version = version;
    if (ended) this.drop(meta.id, false);
    else this.schedule(live);

    const sent: ({ kind: string } | ChessMovedFact)[] = [];
    let v = prevVersion + 1;
    const base = () => ({ gameId: meta.id, roomId: meta.roomId, v: v++ });
    for (const e of events) {
      switch (e.kind) {
        case 'moved': {
          const fact: ChessMovedFact = {
            ...base(),
            move: { ply: state.plies.indexOf(e.ply) + 1, uci: e.ply.uci, san: e.ply.san, fen: e.ply.fen, at: e.ply.at, clockMs: e.ply.clockMs },
            fen: e.ply.fen,
            turn: e.ply.fen.split(' ')[1] === 'b' ? 'b' : 'w',
            // SAN marks check and mate: no second board needed.
            check: /[+#]$/.test(e.ply.san),
            clock: this.clockView(state, now),
            offers: state.offers,
          };
          this.out.toGame(meta.id, meta.roomId, 'chess:moved', fact, true);
          sent.push(fact);
          break;
        }
        case 'offered':
        case 'declined':
          this.out.toGame(meta.id, meta.roomId, e.kind === 'offered' ? 'chess:offered' : 'chess:declined', { ...base(), kind: e.offer as OfferKind, by: e.by, offers: state.offers });
          sent.push(e);
          break;
        case 'takenback': {
          const fact = base();
          this.out.toGame(meta.id, meta.roomId, 'chess:takenback', { ...fact, game: await this.view(meta.id), plies: e.plies });
          sent.push(e);
          break;
        }
        case 'ended': {
          const fact = base();
          this.out.toGame(meta.id, meta.roomId, 'chess:ended', { ...fact, game: await this.view(meta.id) });
          sent.push(e);
          break;
        }
        case 'rematchAgreed':
          sent.push(e);
          break;
      }
    }
    return sent;
  }

  /** Offers, accepts or declines a rematch of a finished game (colours swapped). */
  rematch(gameId: number, userId: number, action: 'offer' | 'accept' | 'decline'): Promise<{ game: GameView; next: GameView | null }> {
    return this.inRoomOf(gameId, () => this.rematchNow(gameId, userId, action));
  }

  private async rematchNow(gameId: number, userId: number, action: 'offer' | 'accept' | 'decline'): Promise<{ game: GameView; next: GameView | null }> {
    const row = await this.row(gameId);
    if (row.status !== 'finished' && row.status !== 'aborted') throw new AppError('CONFLICT', row.status === 'active' ? 'The game is still on.' : 'This game was never played.');
    if (row.rematchId !== null) throw new AppError('CONFLICT', 'A rematch was already played.');
    const meta: Meta = { id: row.id, roomId: row.roomId, whiteId: row.whiteId!, blackId: row.blackId!, version: row.version };
    const by = this.colorOf(meta, userId);
    const now = this.now();
    const outcome = apply(stateOf(row), { type: 'rematch', by, action }, now);
    if (!outcome.ok) throw new AppError(outcome.code, outcome.reason);
    const agreed = outcome.events.some((e) => e.kind === 'rematchAgreed');
    const opponentId = by === 'w' ? meta.blackId : meta.whiteId;
    if (agreed && !(await this.rooms.membership(row.roomId, opponentId))) throw new AppError('CONFLICT', 'Your opponent has left the room.');
    // Finished games are not in memory: the offer change, the rematch's row and the link to it
    // are one transaction, fenced on the version read above.
    const versioned = outcome.events.filter((e) => e.kind !== 'rematchAgreed');
    const afterOffers = meta.version + versioned.length;
    const state = outcome.state;
    const inserted = await transaction(this.db, async (tx) => {
      const changed = affectedRows(
        await tx
          .update(chessGames)
          .set({ offers: JSON.stringify({ offers: state.offers, lastOffer: state.lastOffer }), version: agreed ? afterOffers + 1 : afterOffers, aliveAt: now })
          .where(and(eq(chessGames.id, row.id), eq(chessGames.version, meta.version))),
      );
      if (!changed) throw new AppError('CONFLICT', 'The game changed meanwhile: try again.');
      if (!agreed) return null;
      const [next] = await tx
        .insert(chessGames)
        .values({
          roomId: row.roomId,
          status: 'pending',
          createdBy: opponentId,
          opponentId: userId,
          colorChoice: row.whiteId === opponentId ? 'black' : 'white',
          initialMs: row.initialMs,
          incrementMs: row.incrementMs,
          rematchOf: row.id,
          createdAt: now,
        })
        .returning();
      await tx.update(chessGames).set({ rematchId: next!.id }).where(eq(chessGames.id, row.id));
      return next!;
    });
    let v = meta.version + 1;
    for (const e of versioned) {
      if (e.kind !== 'offered' && e.kind !== 'declined') continue;
      this.out.toGame(meta.id, meta.roomId, e.kind === 'offered' ? 'chess:offered' : 'chess:declined', { gameId: meta.id, roomId: meta.roomId, v: v++, kind: e.offer, by: e.by, offers: state.offers });
    }
    if (!inserted) return { game: await this.view(gameId), next: null };

    const nextId = await this.start(inserted, row.blackId!, row.whiteId!);
    const live = this.live.get(nextId)!;
    for (const w of this.out.subscribeWatchers(gameId, nextId)) {
      const color = w.userId === live.meta.whiteId ? 'w' : w.userId === live.meta.blackId ? 'b' : null;
      if (color) this.addWatcher(live, color, w.socketId, true);
      else this.trackSocket(w.socketId, nextId);
    }
    const next = await this.view(nextId);
    this.out.toGame(gameId, row.roomId, 'chess:rematched', { gameId, roomId: row.roomId, v: afterOffers + 1, next });
    return { game: await this.view(gameId), next };
  }

  // ---- watching and presence ----

  /** A socket starts watching a game (players: their presence returns). Returns the view. */
  watch(gameId: number, userId: number, socketId: string): Promise<GameView> {
    // In the room's queue: the view answered is not older than a fact already sent to this socket.
    return this.inRoomOf(gameId, () => {
      const live = this.live.get(gameId);
      if (live) {
        const color = live.meta.whiteId === userId ? 'w' : live.meta.blackId === userId ? 'b' : null;
        if (color) this.addWatcher(live, color, socketId, true);
        else this.trackSocket(socketId, gameId);
      }
      return this.view(gameId);
    });
  }

  private trackSocket(socketId: string, gameId: number): void {
    let set = this.watching.get(socketId);
    if (!set) this.watching.set(socketId, (set = new Set()));
    set.add(gameId);
  }

  private addWatcher(live: Live, color: Color, socketId: string, announce: boolean): void {
    this.trackSocket(socketId, live.meta.id);
    const seat = live.presence[color];
    const wasGone = seat.sockets.size === 0;
    seat.sockets.add(socketId);
    seat.goneSince = null;
    if (wasGone && announce) this.announcePresence(live, color);
  }

  unwatch(gameId: number, socketId: string): void {
    this.watching.get(socketId)?.delete(gameId);
    this.removeWatcher(gameId, socketId);
  }

  /** A socket disconnected: it watches nothing any more. */
  socketGone(socketId: string): void {
    const games = this.watching.get(socketId);
    if (!games) return;
    this.watching.delete(socketId);
    for (const gameId of games) this.removeWatcher(gameId, socketId);
  }

  private removeWatcher(gameId: number, socketId: string): void {
    const live = this.live.get(gameId);
    if (!live) return;
    for (const color of ['w', 'b'] as const) {
      const seat = live.presence[color];
      if (seat.sockets.delete(socketId) && seat.sockets.size === 0) {
        seat.goneSince = this.now();
        this.announcePresence(live, color);
      }
    }
  }

  private announcePresence(live: Live, color: Color): void {
    const { goneSince, sockets } = live.presence[color];
    this.out.toGame(live.meta.id, live.meta.roomId, 'chess:presenceChanged', {
      gameId: live.meta.id,
      roomId: live.meta.roomId,
      color,
      present: sockets.size > 0,
      goneSince,
      claimableAt: goneSince === null ? null : goneSince + this.tuning.graceMs,
    });
  }

  // ---- timers and restarts ----

  /** Arms the game's one timer; `fire` runs at `at` (its failure is logged and retried shortly). */
  private setTimer(gameId: number, roomId: number, at: number, fire: () => Promise<void>): void {
    this.clearTimer(gameId);
    if (this.stopped) return;
    // setTimeout caps at ~24.8 days; clocks (3 h max) and challenge lifetimes are far shorter.
    const timeout = setTimeout(
      () => {
        if (this.timers.get(gameId)?.timeout === timeout) this.timers.delete(gameId);
        fire().catch((err: unknown) => {
          if (err instanceof AppError) return;
          this.onError(err, `timer of game ${gameId}`);
          // A write that failed (database unreachable): try again rather than never.
          if (!this.timers.has(gameId)) this.setTimer(gameId, roomId, this.now() + RETRY_MS, fire);
        });
      },
      Math.min(2 ** 31 - 1, Math.max(0, at - this.now()) + 1),
    );
    timeout.unref();
    this.timers.set(gameId, { timeout, roomId });
  }

  private clearTimer(gameId: number): void {
    clearTimeout(this.timers.get(gameId)?.timeout);
    this.timers.delete(gameId);
  }

  /** Arms the game's one timer for its next automatic event (flag fall or first-move abort). */
  private schedule(live: Live): void {
    const at = deadline(live.state);
    if (at === null) return this.clearTimer(live.meta.id);
    this.setTimer(live.meta.id, live.meta.roomId, at, () => this.tick(live.meta.id));
  }

  /** Ends the game if its deadline passed (flag fall, no first move); otherwise re-arms. */
  async tick(gameId: number): Promise<void> {
    const roomId = this.knownRoomOf(gameId);
    if (roomId !== null) await this.queue.run(roomId, () => this.tickNow(gameId));
  }

  private async tickNow(gameId: number): Promise<void> {
    const live = this.live.get(gameId);
    if (live) await this.run(live, { type: 'tick' });
  }

  private drop(gameId: number, forgetWatchers = true): void {
    this.clearTimer(gameId);
    this.live.delete(gameId);
    if (forgetWatchers) for (const set of this.watching.values()) set.delete(gameId);
  }

  /**
   * At boot: active games come back into memory with the downtime not charged (their turn is
   * shifted by the time between the last heartbeat and now), flags that had already fallen fall
   * now, and pending seats expire or are re-armed. Nobody is connected yet: both players' grace
   * periods start now.
   */
  async resumeAll(): Promise<{ games: number; flagged: number }> {
    const total = { games: 0, flagged: 0 };
    for (const roomId of await this.liveRoomIds()) {
      try {
        const { games, flagged } = await this.queue.run(roomId, () => this.adoptNow(roomId, false));
        total.games += games;
        total.flagged += flagged;
      } catch (err) {
        this.onError(err, `resuming the games of room ${roomId}`);
      }
    }
    this.startHeartbeat();
    return total;
  }

  private startHeartbeat(): void {
    if (this.heartbeat || this.stopped) return;
    this.heartbeat = setInterval(() => void this.beat().catch((err: unknown) => this.onError(err, 'heartbeat')), this.tuning.heartbeatMs);
    this.heartbeat.unref();
  }

  // ---- scale-out (server/cluster): one node owns a room's games at a time ----

  /** Rooms with open seats or games in progress (the cluster's takeover candidates). */
  async liveRoomIds(): Promise<number[]> {
    const rows = await this.db
      .selectDistinct({ roomId: chessGames.roomId })
      .from(chessGames)
      .where(inArray(chessGames.status, ['active', 'pending']));
    return rows.map((r) => r.roomId);
  }

  /**
   * This node became the owner of the room: its games come into memory from their rows as at boot
   * (the gap since the last heartbeat is not charged), seats and challenges get their expiry.
   */
  async adoptRoom(roomId: number): Promise<void> {
    await this.queue.run(roomId, () => this.adoptNow(roomId, true));
    this.startHeartbeat();
  }

  /**
   * `takeover` (another node owned the room): each active game's version is raised before its row
   * is read, so the previous owner's late write (which expects the old version) is refused and
   * announces nothing; on PostgreSQL the raise waits for a write of theirs in flight (row lock), so
   * the row read includes it. Watchers see the skipped version as a gap and reload the game. At
   * boot (one process) nothing is raised.
   */
  private async adoptNow(roomId: number, takeover: boolean): Promise<{ games: number; flagged: number }> {
    const now = this.now();
    const rows = await this.db
      .select()
      .from(chessGames)
      .where(and(eq(chessGames.roomId, roomId), inArray(chessGames.status, ['active', 'pending'])));
    let games = 0;
    let flagged = 0;
    for (const row of rows) {
      this.remember(row.id, row.roomId);
      if (row.status === 'pending') {
        if (row.expiresAt !== null && row.expiresAt <= now) await this.close(row, 'expired');
        else if (row.expiresAt !== null) this.scheduleExpiry(row.id, row.roomId, row.expiresAt);
        continue;
      }
      let game = row;
      if (takeover) {
        const [raised] = await this.db
          .update(chessGames)
          .set({ version: sql`${chessGames.version} + 1` })
          .where(and(eq(chessGames.id, row.id), eq(chessGames.status, 'active')))
          .returning();
        if (!raised) continue; // it ended meanwhile
        game = raised;
      }
      games++;
      const previous = this.live.get(game.id);
      const state = resumeAfterDowntime(stateOf(game), game.aliveAt ?? game.turnStartedAt ?? now, now);
      await this.db.update(chessGames).set({ turnStartedAt: state.turnStartedAt, aliveAt: now }).where(eq(chessGames.id, game.id));
      const live = this.goLive(game.id, game.roomId, game.whiteId!, game.blackId!, game.version, state, now);
      if (previous) live.presence = previous.presence;
      await this.tickNow(game.id);
      if (live.state.status === 'ended') flagged++;
    }
    return { games, flagged };
  }

  /** Another node owns the room now: forget its games here, without writing anything. */
  evictRoom(roomId: number): void {
    this.forgetRoom(roomId);
    // Work of the room already under way (a move being written) finishes first: whatever it put
    // back in memory or re-armed goes too. Its write, if any, was fenced on the game's version.
    void this.queue.run(roomId, () => this.forgetRoom(roomId));
  }

  private forgetRoom(roomId: number): void {
    for (const [id, live] of [...this.live]) if (live.meta.roomId === roomId) this.drop(id, false);
    for (const [id, t] of [...this.timers]) if (t.roomId === roomId) this.clearTimer(id);
  }

  /**
   * Reloads one active game from its row, as at boot, and re-arms its timer (keeping who is
   * watching). For operators repairing a row by hand, and for tests that age a clock in the DB.
   */
  reload(gameId: number): Promise<GameView> {
    return this.inRoomOf(gameId, async () => {
      const row = await this.row(gameId);
      if (row.status !== 'active') throw new AppError('CONFLICT', 'The game is not active.');
      const now = this.now();
      const previous = this.live.get(gameId);
      const state = resumeAfterDowntime(stateOf(row), row.aliveAt ?? now, now);
      const live = this.goLive(row.id, row.roomId, row.whiteId!, row.blackId!, row.version, state, now);
      if (previous) live.presence = previous.presence;
      await this.tickNow(gameId);
      return this.view(gameId);
    });
  }

  /** Records that the server is alive for every active game (what downtime is measured from). */
  private async beat(): Promise<void> {
    if (this.live.size === 0) return;
    // Only the games this process runs: with several nodes, the others' games are theirs to vouch for.
    await this.db
      .update(chessGames)
      .set({ aliveAt: this.now() })
      .where(and(eq(chessGames.status, 'active'), inArray(chessGames.id, [...this.live.keys()])));
  }

  /** Before the database closes: running work finishes, a last heartbeat, then no more timers. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const { timeout } of this.timers.values()) clearTimeout(timeout);
    this.timers.clear();
    await this.queue.idle();
    for (const { timeout } of this.timers.values()) clearTimeout(timeout);
    this.timers.clear();
    await this.beat();
    this.live.clear();
  }
}
