import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/client.js';
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
  private readonly bump: Statement<[number], { seq: number }>;
  private readonly listeners = new Map<RoomFactName, Listener[]>();

  constructor(
    db: Db,
    private readonly io: AppServer,
  ) {
    this.bump = db.$client.prepare('UPDATE rooms SET seq = seq + 1 WHERE id = ? RETURNING seq');
  }

  broadcast<E extends RoomFactName>(roomId: number, event: E, fact: RoomFacts[E]): number {
    const row = this.bump.get(roomId);
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
