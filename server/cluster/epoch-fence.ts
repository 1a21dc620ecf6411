/**
 * Write fencing of a room's live state in the database (scale-out, ADR 0032; blackjack's own is in
 * ADR 0026). The lease (redis-cluster.ts) makes a node stop applying once it cannot renew, but a
 * write already on its way (an event loop stall, a paused process, a slow commit) could land after
 * another node took the room over. So each fenced row has an `epoch`:
 *
 * - a node becoming the room's owner raises it (`UPDATE … SET epoch = epoch + 1`, or creates the
 *   row with epoch 1) and remembers the result ({@link EpochFence.adopt});
 * - each of its writes requires that value (`… WHERE room_id = ? AND epoch = <held>`); no row
 *   changed means another node raised it since: {@link FencedError}, nothing written.
 *
 * One process (no cluster, `owns` unset) never adopts: its writes are unconditional, as before.
 * In a cluster (`owns` set by the room-ownership plugin), a node that holds no epoch for a room
 * adopts it on the spot when its lease is valid (an adoption that failed), else refuses. A node
 * that adopted a room and then lost it (evicted, or a write refused) refuses until it adopts again.
 */
import { AppError } from '../plugins/errors.js';

/** A write refused by the room's fence: another node owns the room's live state now. Nothing was changed. */
export class FencedError extends AppError {
  constructor(readonly roomId: number) {
    super('CONFLICT', 'This room just moved to another server. Try again.');
  }
}

export class EpochFence {
  /** Cluster mode: whether this node's lease on the room is valid now. Null: one process owning every room. */
  owns: ((roomId: number) => boolean) | null = null;
  /** Per room: the epoch this node raised, or 'lost' once it was evicted or refused after adopting. */
  private readonly held = new Map<number, number | 'lost'>();

  /** `raise`: raises the room's epoch in the database (creating the row when missing) and returns the new value. */
  constructor(private readonly raise: (roomId: number) => Promise<number>) {}

  /** This node became the room's owner: raise the epoch; from now on older holders' writes are refused. */
  async adopt(roomId: number): Promise<number> {
    const epoch = await this.raise(roomId);
    this.held.set(roomId, epoch);
    return epoch;
  }

  /** The room is no longer this node's (evicted, or a write was refused): its writes are refused until it adopts again. */
  drop(roomId: number): void {
    if (this.held.has(roomId)) this.held.set(roomId, 'lost');
  }

  /** The epoch this node holds for the room, if any (tests, diagnostics). */
  heldFor(roomId: number): number | undefined {
    const h = this.held.get(roomId);
    return typeof h === 'number' ? h : undefined;
  }

  /**
   * The epoch the next write of the room must find, or null for an unconditional write (one
   * process that never adopted the room). Throws {@link FencedError} when, in a cluster, this node
   * does not own the room.
   */
  async epochFor(roomId: number): Promise<number | null> {
    const held = this.held.get(roomId);
    if (typeof held === 'number') return held;
    if (!this.owns) {
      if (held === 'lost') throw new FencedError(roomId);
      return null;
    }
    if (!this.owns(roomId)) throw new FencedError(roomId);
    return this.adopt(roomId);
  }
}
