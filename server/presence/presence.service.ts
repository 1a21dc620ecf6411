import type { PresenceStatus } from '../../protocol/rooms.js';

/** How long a user stays "present" after their last socket leaves: reconnects do not flap. */
export const PRESENCE_GRACE_MS = 8_000;

interface UserPresence {
  /** socket id -> that socket's own status */
  sockets: Map<string, 'online' | 'idle'>;
  leaveTimer?: NodeJS.Timeout;
  status: PresenceStatus;
}

/** Pure: a user is online if any of their sockets is, idle if all are idle, else offline. */
export function combinedStatus(sockets: Iterable<'online' | 'idle'>): PresenceStatus {
  let any = false;
  for (const s of sockets) {
    if (s === 'online') return 'online';
    any = true;
  }
  return any ? 'idle' : 'offline';
}

/**
 * Who is in which room right now. In memory: presence is rebuilt by reconnecting clients after a
 * restart. `onChange` is called once per real change (never for a quick reconnect).
 */
export class PresenceService {
  private readonly rooms = new Map<number, Map<number, UserPresence>>();
  private closed = false;

  constructor(
    private readonly onChange: (roomId: number, userId: number, status: PresenceStatus) => void,
    private readonly graceMs = PRESENCE_GRACE_MS,
  ) {}

  enter(roomId: number, userId: number, socketId: string, status: 'online' | 'idle' = 'online'): void {
    let room = this.rooms.get(roomId);
    if (!room) this.rooms.set(roomId, (room = new Map()));
    let p = room.get(userId);
    if (!p) room.set(userId, (p = { sockets: new Map(), status: 'offline' }));
    clearTimeout(p.leaveTimer);
    p.leaveTimer = undefined;
    p.sockets.set(socketId, status);
    this.update(roomId, userId, p);
  }

  /** A socket left the room; the user goes offline after the grace period unless one comes back. */
  leave(roomId: number, userId: number, socketId: string): void {
    if (this.closed) return;
    const p = this.rooms.get(roomId)?.get(userId);
    if (!p || !p.sockets.delete(socketId)) return;
    if (p.sockets.size > 0) return this.update(roomId, userId, p);
    // Only here: the user's other sockets on other nodes keep them present (not `drop`, which
    // scale-out overrides to remove them everywhere).
    p.leaveTimer = setTimeout(() => this.forget(roomId, userId), this.graceMs);
    p.leaveTimer.unref();
  }

  /** Removes a user from a room at once (kick, ban, leave). */
  drop(roomId: number, userId: number): void {
    this.forget(roomId, userId);
  }

  private forget(roomId: number, userId: number): void {
    const room = this.rooms.get(roomId);
    const p = room?.get(userId);
    if (!room || !p) return;
    clearTimeout(p.leaveTimer);
    room.delete(userId);
    if (room.size === 0) this.rooms.delete(roomId);
    if (p.status !== 'offline') this.onChange(roomId, userId, 'offline');
  }

  setSocketStatus(userId: number, socketId: string, status: 'online' | 'idle'): void {
    for (const [roomId, room] of this.rooms) {
      const p = room.get(userId);
      if (p?.sockets.has(socketId)) {
        p.sockets.set(socketId, status);
        this.update(roomId, userId, p);
      }
    }
  }

  statusOf(roomId: number, userId: number): PresenceStatus {
    return this.rooms.get(roomId)?.get(userId)?.status ?? 'offline';
  }

  /** Users this process sees in the room (scale-out: server/cluster/presence.ts merges other nodes'). */
  usersIn(roomId: number): number[] {
    return [...(this.rooms.get(roomId)?.keys() ?? [])];
  }

  /** Every (room, user, status) this process sees: scale-out snapshots for other nodes. */
  entries(): { roomId: number; userId: number; status: PresenceStatus }[] {
    const out: { roomId: number; userId: number; status: PresenceStatus }[] = [];
    for (const [roomId, room] of this.rooms) for (const [userId, p] of room) out.push({ roomId, userId, status: p.status });
    return out;
  }

  onlineCount(roomId: number): number {
    return this.rooms.get(roomId)?.size ?? 0;
  }

  dropRoom(roomId: number): void {
    const room = this.rooms.get(roomId);
    for (const p of room?.values() ?? []) clearTimeout(p.leaveTimer);
    this.rooms.delete(roomId);
  }

  /** Shutdown: cancels every pending "went offline" so nothing fires after the database closes. */
  dispose(): void {
    this.closed = true;
    for (const room of this.rooms.values()) for (const p of room.values()) clearTimeout(p.leaveTimer);
    this.rooms.clear();
  }

  private update(roomId: number, userId: number, p: UserPresence): void {
    const next = combinedStatus(p.sockets.values());
    // While in the grace period the user keeps their last status.
    if (next === 'offline' || next === p.status) return;
    p.status = next;
    this.onChange(roomId, userId, next);
  }
}
