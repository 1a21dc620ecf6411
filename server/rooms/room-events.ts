import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { hotStatement } from '../../db/hot.js';
import { rooms } from '../../db/schema/index.js';
import { inTransaction, savepoint, transaction, TransactionLost } from '../../db/tx.js';
import type { RoomFactName, RoomFacts } from '../../protocol/events.js';
import type { AppServer } from '../plugins/socket-io.js';
import { roomChannel } from './room-channels.js';

interface Emitter {
  emit(event: string, payload: unknown): boolean;
}

/**
 * Room broadcasts with a rising per-room sequence number. The number is kept in the rooms row so
 * it never goes backwards across restarts; a client that sees a gap asks for a snapshot.
 */
type Listener = (fact: { roomId: number; seq: number } & Record<string, unknown>) => void;

type RoomRow = typeof rooms.$inferSelect;

/** What a {@link RoomEvents.persist} write did: the fact to send, the caller's value, and other columns of the room row to set with the seq. */
export interface Persisted<E extends RoomFactName, T> {
  fact: RoomFacts[E];
  value: T;
  room?: Partial<Pick<RoomRow, 'lastActivityAt'>>;
}

/** One room fact with its name (the facts of a {@link RoomEvents.persistMany} write). */
export type RoomFact = { [E in RoomFactName]: { event: E; fact: RoomFacts[E] } }[RoomFactName];

/** What a {@link RoomEvents.persistMany} write did: its facts, in the order they are numbered and sent (none: nothing numbered), and the caller's value. */
export interface PersistedMany<T> {
  facts: RoomFact[];
  value: T;
}

/** The room's next fact number, taken in the fact's transaction (built once: db/hot.ts). */
const bumpSeq = hotStatement((db, v: { roomId: number }) => db.update(rooms).set({ seq: sql`${rooms.seq} + 1` }).where(eq(rooms.id, v.roomId)).returning({ seq: rooms.seq }));
/** The room's next `n` fact numbers at once (a write that announces several facts); returns the last. */
const bumpSeqBy = hotStatement((db, v: { roomId: number; n: number }) => db.update(rooms).set({ seq: sql`${rooms.seq} + ${v.n}` }).where(eq(rooms.id, v.roomId)).returning({ seq: rooms.seq }));
/** The same, and the room's last activity. */
export const bumpSeqActive = hotStatement((db, v: { roomId: number; lastActivityAt: number }) =>
  db.update(rooms).set({ seq: sql`${rooms.seq} + 1`, lastActivityAt: v.lastActivityAt }).where(eq(rooms.id, v.roomId)).returning({ seq: rooms.seq }),
);

/** One write waiting for the group commit of its event-loop turn. */
interface Pending {
  roomId: number;
  /** The fact's name ({@link RoomEvents.persist}); undefined for a {@link RoomEvents.persistMany} write, whose facts are named. */
  event: RoomFactName | undefined;
  write: (tx: Db) => Promise<Written | undefined>;
  resolve: (out: { value: unknown; seq: number } | undefined) => void;
  reject: (err: unknown) => void;
  /** Set by the batch: the write's outcome (undefined = the write chose to write nothing); `seq` is its last fact's number. */
  done?: { persisted: Written; seq: number } | { persisted: undefined } | { error: unknown };
}

type Written = Persisted<RoomFactName, unknown> | PersistedMany<unknown>;

export class RoomEvents {
  private readonly listeners = new Map<RoomFactName, Listener[]>();
  /** Per room, the end of the chain of broadcasts in flight on this node (numbered and sent one after the other). */
  private readonly tails = new Map<number, Promise<void>>();

  /** Writes asked for in this event-loop turn, committed together (see {@link persist}). */
  private pending: Pending[] = [];

  constructor(
    private readonly db: Db,
    private readonly io: AppServer,
  ) {}

  /**
   * Writes a fact's rows, numbers the fact in the same transaction, and sends it after the commit:
   * one commit per fact instead of two (issue 18, ADR 0030). `write` runs in the transaction (database
   * work only) and returns the fact, or undefined to write nothing (no number, nothing sent, resolves
   * undefined). Resolves once committed and sent, so "acknowledged means persisted" holds.
   *
   * Group commit: the writes asked for within one event-loop turn share one transaction (each in a
   * savepoint: a write that throws rejects its own caller only and leaves nothing behind). If the
   * shared transaction itself fails (its COMMIT, a PostgreSQL deadlock), every write of it is retried
   * alone, so a failure still rejects exactly the writes it concerns.
   *
   * Order: the batch takes its place in each of its rooms' chains (like {@link broadcast}) when it is
   * flushed, writes, and sends in the order the writes were asked for before giving the place up, so
   * facts of one room are numbered and sent in the same order on this node. The number lives in the rooms row only (never in memory): with
   * several nodes the row lock (PostgreSQL) or the write lock (shared SQLite) orders them.
   */
  persist<E extends RoomFactName, T>(roomId: number, event: E, write: (tx: Db) => Promise<Persisted<E, T> | undefined>): Promise<{ value: T; seq: number } | undefined> {
    return new Promise((resolve, reject) => {
      this.enqueue({ roomId, event, write: write as Pending['write'], resolve: resolve as Pending['resolve'], reject });
    });
  }

  /**
   * {@link persist} for a write that announces several facts, or none: they are numbered in the
   * write's own transaction (one `seq = seq + n`), in the order given, and sent in that order after
   * the commit. Resolves with the last fact's number (0 when there were none).
   *
   * This is how fenced live state (pomodoro, music, chess, blackjack: ADR 0032, ADR 0040) is
   * announced: `write` makes the fenced write first, so a write refused by the fence throws and
   * yields no fact, and a write that went in has its numbers before any later owner's (that owner
   * raised the fence after this commit; the fence row's lock on PostgreSQL, the write lock on SQLite).
   * A node paused between the commit and the send sends numbers older than the new owner's, which
   * clients drop (ADR 0002).
   */
  persistMany<T>(roomId: number, write: (tx: Db) => Promise<PersistedMany<T> | undefined>): Promise<{ value: T; seq: number } | undefined> {
    return new Promise((resolve, reject) => {
      this.enqueue({ roomId, event: undefined, write: write as Pending['write'], resolve: resolve as Pending['resolve'], reject });
    });
  }

  private enqueue(p: Pending): void {
    // Inside a caller's transaction: join it, alone (a batch must never commit or roll back with
    // someone else's transaction, and waiting for the next turn would wait for that transaction).
    if (inTransaction()) return void this.flush([p]);
    if (this.pending.length === 0) setImmediate(() => void this.flush(this.takePending()));
    this.pending.push(p);
  }

  private takePending(): Pending[] {
    const batch = this.pending;
    this.pending = [];
    return batch;
  }

  private async flush(batch: Pending[]): Promise<void> {
    // A place in the chain of every room of the batch, taken now (after the facts that reached the
    // chain earlier), released after sending: numbering order = sending order per room.
    const releases: (() => void)[] = [];
    const waits: Promise<void>[] = [];
    for (const roomId of new Set(batch.map((p) => p.roomId))) {
      const before = this.tails.get(roomId) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((resolve) => (release = resolve));
      const tail = before.then(() => mine);
      this.tails.set(roomId, tail);
      waits.push(before);
      releases.push(() => {
        release();
        if (this.tails.get(roomId) === tail) this.tails.delete(roomId);
      });
    }
    try {
      await Promise.all(waits);
      await this.writeBatch(batch);
      for (const p of batch) {
        const done = p.done!;
        if ('error' in done) p.reject(done.error);
        else if (!done.persisted) p.resolve(undefined);
        else {
          const w = done.persisted;
          if (!('facts' in w)) this.send(p.roomId, p.event!, w.fact, done.seq);
          else for (const [i, f] of w.facts.entries()) this.send(p.roomId, f.event, f.fact, done.seq - w.facts.length + 1 + i);
          p.resolve({ value: w.value, seq: done.seq });
        }
      }
    } catch (err) {
      for (const p of batch) if (!p.done) p.reject(err);
    } finally {
      for (const release of releases) release();
    }
  }

  /** Sets `done` on every write of the batch. */
  private async writeBatch(batch: Pending[]): Promise<void> {
    if (batch.length === 1) {
      const [p] = batch;
      try {
        p!.done = await transaction(this.db, (tx) => this.writeOne(tx, p!));
      } catch (error) {
        p!.done = { error };
      }
      return;
    }
    // Rooms' rows are locked in one order by every batch (PostgreSQL, several nodes: no deadlock
    // between two batches); a room's writes keep their call order (the sort is stable).
    const ordered = [...batch].sort((a, b) => a.roomId - b.roomId);
    try {
      const outcomes = await transaction(this.db, async (tx) => {
        const out = new Map<Pending, NonNullable<Pending['done']>>();
        for (const p of ordered) {
          try {
            out.set(p, await savepoint(tx, (sp) => this.writeOne(sp, p)));
          } catch (error) {
            // The whole transaction is gone: go no further outside it (every write is retried alone).
            if (error instanceof TransactionLost) throw error;
            out.set(p, { error });
          }
        }
        return out;
      });
      for (const p of batch) p.done = outcomes.get(p);
    } catch {
      // The shared transaction failed as a whole: nothing of it was written. Each write alone, in call order.
      for (const p of batch) {
        try {
          p.done = await transaction(this.db, (tx) => this.writeOne(tx, p));
        } catch (error) {
          p.done = { error };
        }
      }
    }
  }

  private async writeOne(tx: Db, p: Pending): Promise<NonNullable<Pending['done']>> {
    const persisted = await p.write(tx);
    if (!persisted) return { persisted: undefined };
    if ('facts' in persisted) {
      const n = persisted.facts.length;
      if (n === 0) return { persisted, seq: 0 };
      const [row] = n === 1 ? await bumpSeq(tx, { roomId: p.roomId }) : await bumpSeqBy(tx, { roomId: p.roomId, n });
      if (!row) throw new Error(`room ${p.roomId} is gone`);
      return { persisted, seq: row.seq };
    }
    const active = persisted.room?.lastActivityAt;
    const [row] = active === undefined ? await bumpSeq(tx, { roomId: p.roomId }) : await bumpSeqActive(tx, { roomId: p.roomId, lastActivityAt: active });
    if (!row) throw new Error(`room ${p.roomId} is gone`);
    return { persisted, seq: row.seq };
  }

  /**
   * Numbers the fact (the room row's seq, bumped in the database) and sends it. Facts of one room
   * are numbered and sent one after the other on this node, in call order: on PostgreSQL two
   * `UPDATE … RETURNING` on two pooled connections may answer in either order, and a client
   * that got seq n+1 first would drop n as old. The update is atomic on both dialects (row lock on
   * PostgreSQL), so numbers are unique and gapless per room; across nodes the database hands them
   * out in order but the Redis adapter may deliver them in another, and a client that sees a gap or
   * an older number resyncs (ADR 0002). Await it: the number is taken when the update runs.
   *
   * Not for the result of a fenced write of a room's live state: numbered here, after the write's
   * commit, a fact of a node paused in between would come after a new owner's. Those use
   * {@link persist} / {@link persistMany} (ADR 0040).
   */
  async broadcast<E extends RoomFactName>(roomId: number, event: E, fact: RoomFacts[E]): Promise<number> {
    const before = this.tails.get(roomId) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = before.then(() => mine);
    this.tails.set(roomId, tail);
    await before;
    try {
      return await this.numberAndSend(roomId, event, fact);
    } finally {
      release();
      if (this.tails.get(roomId) === tail) this.tails.delete(roomId);
    }
  }

  private async numberAndSend<E extends RoomFactName>(roomId: number, event: E, fact: RoomFacts[E]): Promise<number> {
    let row: { seq: number } | undefined;
    try {
      [row] = await bumpSeq(this.db, { roomId });
    } catch (err) {
      // Never rejects: callers in synchronous code may fire and forget (the number is taken in call order).
      process.emitWarning(`numbering room fact ${event} of room ${roomId} failed: ${(err as Error).message}`);
      return 0;
    }
    if (!row) return 0;
    this.send(roomId, event, fact, row.seq);
    return row.seq;
  }

  /** Sends a numbered fact to the room and tells this node's listeners. */
  private send(roomId: number, event: RoomFactName, fact: unknown, seq: number): void {
    // The generic event name defeats Socket.IO's overloads; RoomFacts keeps the payload honest.
    const payload = { ...(fact as object), roomId, seq };
    (this.io.to(roomChannel(roomId)) as unknown as Emitter).emit(event, payload);
    for (const fn of this.listeners.get(event) ?? []) {
      try {
        fn(payload);
      } catch (err) {
        // A feature's reaction must not undo or hide the fact that already went out.
        process.emitWarning(`room fact listener for ${event} failed: ${(err as Error).message}`);
      }
    }
  }

  /**
   * Reacts on the server to a room fact once it has been sent, e.g. a game freeing the seat of a
   * member who was kicked. Keeps features from reaching into each other.
   */
  on<E extends RoomFactName>(event: E, fn: (fact: RoomFacts[E] & { roomId: number; seq: number }) => void): void {
    const list = this.listeners.get(event) ?? [];
    list.push(fn as unknown as Listener);
    this.listeners.set(event, list);
  }
}
