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
export class RoomEvents {
  private readonly bump: Statement<[number], { seq: number }>;

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
    (this.io.to(roomChannel(roomId)) as unknown as Emitter).emit(event, { ...fact, roomId, seq: row.seq });
    return row.seq;
  }
}
