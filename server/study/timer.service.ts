import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { hotStatement } from '../../db/hot.js';
import { first, one } from '../../db/query.js';
import { roomTimers } from '../../db/schema/index.js';
import type { RoomFacts } from '../../protocol/events.js';
import type { TimerSettings, TimerView } from '../../protocol/study.js';
import { AppError } from '../plugins/errors.js';
import { EpochFence, FencedError } from '../cluster/epoch-fence.js';
import type { RoomEvents } from '../rooms/room-events.js';
import type { FocusTracker } from './focus-tracker.js';
import { KeyedQueue } from '../plugins/keyed-queue.js';
import {
  DEFAULT_SETTINGS,
  advance,
  applyAction,
  endsAt,
  initialState,
  remainingMs,
  type PhaseRecord,
  type PomodoroState,
  type TimerAction,
} from './pomodoro.js';

type TimerRow = typeof roomTimers.$inferSelect;
/** What a command writes: the room's settings and state, who changed it, when. */
type TimerValues = { [K in keyof (TimerSettings & PomodoroState)]: (TimerSettings & PomodoroState)[K] } & { changedBy: number | null; updatedAt: number };

// The pomodoro's writes, built once (db/hot.ts; issue 18, ADR 0022). Each value named: a
// placeholder stands for one value.
const named = (v: TimerValues) => ({
  focusMin: v.focusMin,
  shortBreakMin: v.shortBreakMin,
  longBreakMin: v.longBreakMin,
  longBreakEvery: v.longBreakEvery,
  autoAdvance: v.autoAdvance,
  control: v.control,
  phase: v.phase,
  status: v.status,
  phaseStartedAt: v.phaseStartedAt,
  pausedMs: v.pausedMs,
  pausedAt: v.pausedAt,
  completedFocus: v.completedFocus,
  changedBy: v.changedBy,
  updatedAt: v.updatedAt,
});
const selectTimer = hotStatement((db, v: { roomId: number }) => db.select().from(roomTimers).where(eq(roomTimers.roomId, v.roomId)).limit(1));
/** One process that never adopted the room: the row, whatever is there. */
const upsertTimer = hotStatement(
  (db, v: TimerValues & { roomId: number }) =>
    db
      .insert(roomTimers)
      .values({ roomId: v.roomId, ...named(v) })
      .onConflictDoUpdate({ target: roomTimers.roomId, set: named(v) }),
  'run',
);
/** Fenced: only while the row has the epoch this node raised; resolves the rows written (0: fenced out). */
const updateTimerFenced = hotStatement(
  (db, v: TimerValues & { roomId: number; epoch: number }) =>
    db
      .update(roomTimers)
      .set(named(v))
      .where(and(eq(roomTimers.roomId, v.roomId), eq(roomTimers.epoch, v.epoch))),
  'count',
);

const DEFAULT_TIMER: TimerSettings = { ...DEFAULT_SETTINGS, control: 'everyone' };

const toSettings = (r: TimerRow): TimerSettings => ({
  focusMin: r.focusMin,
  shortBreakMin: r.shortBreakMin,
  longBreakMin: r.longBreakMin,
  longBreakEvery: r.longBreakEvery,
  autoAdvance: r.autoAdvance,
  control: r.control,
});

const toState = (r: TimerRow): PomodoroState => ({
  phase: r.phase,
  status: r.status,
  phaseStartedAt: r.phaseStartedAt,
  pausedMs: r.pausedMs,
  pausedAt: r.pausedAt,
  completedFocus: r.completedFocus,
});

export const isFocusRunning = (s: PomodoroState) => s.phase === 'focus' && s.status === 'running';

/** What the lobby shows about a room's timer. */
export interface TimerLobbyView {
  phase: TimerView['phase'];
  status: TimerView['status'];
  endsAt: number | null;
}

/**
 * Room pomodoros: state persisted as instants, one timeout per running room to announce the
 * phase change on time, and catch-up of every running timer at boot.
 */
export class TimerService {
  private readonly timeouts = new Map<number, NodeJS.Timeout>();
  /** A room's read-modify-write (act, configure, tick) runs one at a time. */
  private readonly queue = new KeyedQueue<number>();
  /**
   * Write fence (scale-out, ADR 0032): the epoch this node raised when it took the room over; its
   * writes require it, so once another node took over, this one's late writes change nothing.
   */
  readonly fence = new EpochFence((roomId) => this.raiseEpoch(roomId));
  /** Where a failed phase-end tick is reported (it runs from a timeout, nobody awaits it). */
  onError: (err: unknown, roomId: number) => void = (err, roomId) => process.emitWarning(`pomodoro tick of room ${roomId} failed: ${(err as Error).message}`);

  constructor(
    private readonly db: Db,
    private readonly events: RoomEvents,
    private readonly focus: FocusTracker,
    private readonly onLobbyChange: (roomId: number, view: TimerLobbyView) => void,
    private readonly now: () => number = Date.now,
  ) {}

  private async row(roomId: number): Promise<TimerRow | undefined> {
    return first(selectTimer(this.db, { roomId }));
  }

  async view(roomId: number): Promise<TimerView> {
    const row = await this.row(roomId);
    const settings = row ? toSettings(row) : DEFAULT_TIMER;
    const state = row ? toState(row) : initialState();
    return this.toView(roomId, settings, state, row?.changedBy ?? null);
  }

  private toView(roomId: number, settings: TimerSettings, state: PomodoroState, changedBy: number | null): TimerView {
    return {
      roomId,
      settings,
      phase: state.phase,
      status: state.status,
      phaseStartedAt: state.phaseStartedAt,
      endsAt: endsAt(state, settings),
      remainingMs: remainingMs(state, settings, this.now()),
      completedFocus: state.completedFocus,
      changedBy,
    };
  }

  async lobbyView(roomId: number): Promise<TimerLobbyView | null> {
    const row = await this.row(roomId);
    if (!row || row.status === 'idle') return null;
    return { phase: row.phase, status: row.status, endsAt: endsAt(toState(row), toSettings(row)) };
  }

  /**
   * Applies start/pause/resume/skip/reset for a member; AppError CONFLICT when it makes no sense.
   * `allowed` sees the room's settings first (the same read) and throws to refuse (who may control it).
   */
  act(roomId: number, userId: number, action: TimerAction, allowed: (settings: TimerSettings) => void = () => {}): Promise<TimerView> {
    return this.queue.run(roomId, () => this.actNow(roomId, userId, action, allowed));
  }

  private async actNow(roomId: number, userId: number, action: TimerAction, allowed: (settings: TimerSettings) => void): Promise<TimerView> {
    const row = await this.row(roomId);
    const settings = row ? toSettings(row) : DEFAULT_TIMER;
    allowed(settings);
    const before = row ? toState(row) : initialState();
    const now = this.now();
    const result = applyAction(before, settings, action, now);
    if (!result.ok) throw new AppError('CONFLICT', result.reason);
    return this.commit(roomId, settings, before, result.state, result.completed, userId, now);
  }

  /** Raises the room's write fence (creating an idle row with default settings when there is none); returns the new epoch. */
  private async raiseEpoch(roomId: number): Promise<number> {
    const t = roomTimers;
    const fresh = { ...DEFAULT_TIMER, ...initialState(), changedBy: null, updatedAt: this.now() };
    const row = await one(
      this.db
        .insert(t)
        .values({ roomId, ...fresh, epoch: 1 })
        .onConflictDoUpdate({ target: t.roomId, set: { epoch: sql`${t.epoch} + 1` } })
        .returning({ epoch: t.epoch }),
    );
    return row.epoch;
  }

  /**
   * Writes the room's row and numbers its fact in the same transaction (RoomEvents.persist): the
   * row unconditionally on one process that never adopted the room, else only while it still has
   * the epoch this node holds. Refused: {@link FencedError}, nothing written or announced, and this
   * node forgets the room. A write that went in is numbered before anything a later owner
   * announces (it raised the fence after this commit), so a node paused between the commit and the
   * send cannot put a stale pomodoro over the new owner's (ADR 0040).
   */
  private async write(roomId: number, values: TimerValues, fact: RoomFacts['timer:changed']): Promise<void> {
    try {
      const epoch = await this.fence.epochFor(roomId);
      await this.events.persist(roomId, 'timer:changed', async (tx) => {
        if (epoch === null) await upsertTimer(tx, { roomId, ...values });
        else if ((await updateTimerFenced(tx, { roomId, epoch, ...values })) === 0) throw new FencedError(roomId);
        return { fact, value: undefined };
      });
    } catch (err) {
      if (err instanceof FencedError) this.forget(roomId);
      throw err;
    }
  }

  configure(roomId: number, userId: number, settings: TimerSettings): Promise<TimerView> {
    return this.queue.run(roomId, async () => {
      const row = await this.row(roomId);
      const state = row ? toState(row) : initialState();
      return this.commit(roomId, settings, state, state, [], userId, this.now());
    });
  }

  /** Persists and tells the room (one transaction), then re-schedules and updates focus tracking. */
  private async commit(
    roomId: number,
    settings: TimerSettings,
    before: PomodoroState,
    state: PomodoroState,
    completed: PhaseRecord[],
    changedBy: number | null,
    now: number,
  ): Promise<TimerView> {
    const view = this.toView(roomId, settings, state, changedBy);
    const ended = completed.filter((c) => !c.skipped).at(-1)?.phase ?? null;
    await this.write(roomId, { ...settings, ...state, changedBy, updatedAt: now }, { timer: view, ended });
    const lastFocusEnd = completed.filter((c) => c.phase === 'focus').at(-1)?.endedAt;
    if (isFocusRunning(before) && !isFocusRunning(state)) this.focus.setFocusRunning(roomId, false, lastFocusEnd ?? now);
    else if (lastFocusEnd !== undefined) this.focus.setFocusRunning(roomId, false, lastFocusEnd);
    if (isFocusRunning(state)) this.focus.setFocusRunning(roomId, true, state.pausedMs ? now : (state.phaseStartedAt ?? now));
    this.schedule(roomId, settings, state);
    this.onLobbyChange(roomId, { phase: view.phase, status: view.status, endsAt: view.endsAt });
    return view;
  }

  private schedule(roomId: number, settings: TimerSettings, state: PomodoroState): void {
    clearTimeout(this.timeouts.get(roomId));
    this.timeouts.delete(roomId);
    const end = endsAt(state, settings);
    if (end === null) return;
    // setTimeout caps at ~24.8 days; pomodoro phases are far shorter.
    const t = setTimeout(
      () =>
        void this.tick(roomId).catch((err: unknown) => {
          // Another node took the room over: its own timer announces the phase end.
          if (!(err instanceof FencedError)) this.onError(err, roomId);
        }),
      Math.max(0, end - this.now()),
    );
    t.unref();
    this.timeouts.set(roomId, t);
  }

  /** A phase ran out: catch up and announce. */
  tick(roomId: number): Promise<void> {
    return this.queue.run(roomId, () => this.tickNow(roomId));
  }

  private async tickNow(roomId: number): Promise<void> {
    const row = await this.row(roomId);
    if (!row) return;
    const settings = toSettings(row);
    const before = toState(row);
    const { state, completed } = advance(before, settings, this.now());
    if (completed.length === 0) return this.schedule(roomId, settings, state);
    await this.commit(roomId, settings, before, state, completed, null, this.now());
  }

  /** At boot: every running timer catches up with the time the server was down. */
  async resumeAll(): Promise<number> {
    const running = await this.db.select({ roomId: roomTimers.roomId }).from(roomTimers).where(inArray(roomTimers.status, ['running']));
    for (const { roomId } of running) {
      try {
        await this.tick(roomId);
      } catch (err) {
        this.onError(err, roomId);
      }
    }
    return running.length;
  }

  /** Scale-out: rooms whose pomodoro runs (takeover candidates). */
  async liveRoomIds(): Promise<number[]> {
    return (await this.db.select({ roomId: roomTimers.roomId }).from(roomTimers).where(eq(roomTimers.status, 'running'))).map((r) => r.roomId);
  }

  /**
   * Scale-out: this node became the room's owner. The fence goes up first (the previous owner's
   * late writes are refused from now on; on PostgreSQL this waits for one of theirs in flight), then
   * the timer catches up from the row and its phase end is armed here.
   */
  adoptRoom(roomId: number): Promise<void> {
    return this.queue.run(roomId, async () => {
      this.forget(roomId);
      await this.fence.adopt(roomId);
      await this.tickNow(roomId);
    });
  }

  /** Scale-out: another node owns the room now; its phase end is not announced from here, nor written. */
  evictRoom(roomId: number): void {
    this.forget(roomId);
  }

  private forget(roomId: number): void {
    clearTimeout(this.timeouts.get(roomId));
    this.timeouts.delete(roomId);
    this.fence.drop(roomId);
  }

  async stop(): Promise<void> {
    for (const t of this.timeouts.values()) clearTimeout(t);
    this.timeouts.clear();
    await this.queue.idle();
    await this.focus.flushAll(this.now());
  }
}
