import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { first } from '../../db/query.js';
import { rooms } from '../../db/schema/index.js';
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

export class RoomEvents {
  private readonly listeners = new Map<RoomFactName, Listener[]>();
  /** Per room, the end of the chain of broadcasts in flight on this node (numbered and sent one after the other). */
  private readonly tails = new Map<number, Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly io: AppServer,
  ) {}

  /**
   * Numbers the fact (the room row's seq, bumped in the database) and sends it. Facts of one room
   * are numbered and sent one after the other on this node, in call order: on PostgreSQL two
   * `UPDATE … RETURNING` on two pooled connections may answer in either order, and a client
   * that got seq n+1 first would drop n as old. The update is atomic on both dialects (row lock on
   * PostgreSQL), so numbers are unique and gapless per room; across nodes the database hands them
   * out in order but the Redis adapter may deliver them in another, and a client that sees a gap or
   * an older number resyncs (ADR 0002). Await it: the number is taken when the update runs.
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
      row = await first(this.db.update(rooms).set({ seq: sql`${rooms.seq} + 1` }).where(eq(rooms.id, roomId)).returning({ seq: rooms.seq }));
    } catch (err) {
      // Never rejects: callers in synchronous code may fire and forget (the number is taken in call order).
      process.emitWarning(`numbering room fact ${event} of room ${roomId} failed: ${(err as Error).message}`);
      return 0;
    }
    if (!row) return 0;
    // The generic event name defeats Socket.IO's overloads; RoomFacts keeps the payload honest.
    const payload = { ...fact, roomId, seq: row.seq };
    (this.io.to(roomChannel(roomId)) as unknown as Emitter).emit(event, payload);
    for (const fn of this.listeners.get(event) ?? []) {
      try {
        fn(payload);
      } catch (err) {
        // A feature's reaction must not undo or hide the fact that already went out.
        process.emitWarning(`room fact listener for ${event} failed: ${(err as Error).message}`);
      }
    }
    return row.seq;
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
