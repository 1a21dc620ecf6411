/**
 * Room presence with several nodes. Each node keeps its own sockets in the ordinary
 * {@link PresenceService} and tells the other nodes every change of a (room, user) status it sees
 * (plus a full snapshot when a node joins). What users get is the combination over all nodes:
 * online if any node sees the user online, idle if all that see them see them idle. Only the
 * node where a change happens announces it, and only when the combined status changed. Entries
 * of a node that died are dropped when its heartbeat key expires.
 */
import type { PresenceStatus } from '../../protocol/rooms.js';
import { PresenceService, combinedStatus } from '../presence/presence.service.js';
import type { Cluster } from './cluster.js';

type Entry = { roomId: number; userId: number; status: PresenceStatus };


export class ClusterPresence extends PresenceService {
  /** room -> user -> node -> status (other nodes only; offline entries removed). */
  private readonly remote = new Map<number, Map<number, Map<string, 'online' | 'idle'>>>();
  private readonly sweeper: NodeJS.Timeout;
  /** Bus message names: `<topic>:change` etc. (one topic per presence kept: rooms, the app's DM "online"). */
  private readonly msg: { change: string; state: string; hello: string; drop: string };

  constructor(
    private readonly cluster: Cluster,
    onChange: (roomId: number, userId: number, status: PresenceStatus) => void,
    graceMs?: number,
    topic = 'presence',
  ) {
    let self: ClusterPresence | null = null;
    super((roomId, userId, local) => self?.localChanged(roomId, userId, local, onChange), graceMs);
    self = this;
    this.msg = { change: `${topic}:change`, state: `${topic}:state`, hello: `${topic}:hello`, drop: `${topic}:drop` };
    const { change: CHANGE, state: STATE, hello: HELLO, drop: DROP } = this.msg;
    cluster.on(CHANGE, (p, from) => {
      const e = p as Entry;
      this.setRemote(from, e.roomId, e.userId, e.status);
    });
    cluster.on(STATE, (p, from) => {
      for (const e of p as Entry[]) this.setRemote(from, e.roomId, e.userId, e.status);
    });
    cluster.on(HELLO, () => cluster.broadcast(STATE, this.entries()));
    cluster.on(DROP, (p) => {
      const { roomId, userId } = p as { roomId: number; userId: number | null };
      if (userId === null) {
        super.dropRoom(roomId);
        this.lastLocal.delete(roomId);
      } else super.drop(roomId, userId);
    });
    cluster.broadcast(HELLO, null);
    // A node killed with -9 says nothing: forget what it saw once its heartbeat is gone.
    this.sweeper = setInterval(() => {
      void cluster
        .nodes()
        .then((alive) => this.forgetNodesExcept(new Set(alive), onChange))
        .catch(() => {});
    }, 2000);
    this.sweeper.unref();
  }

  private combined(roomId: number, userId: number, local: PresenceStatus = super.statusOf(roomId, userId)): PresenceStatus {
    const statuses: ('online' | 'idle')[] = [...(this.remote.get(roomId)?.get(userId)?.values() ?? [])];
    if (local !== 'offline') statuses.push(local);
    return combinedStatus(statuses);
  }

  private localChanged(roomId: number, userId: number, local: PresenceStatus, onChange: (roomId: number, userId: number, status: PresenceStatus) => void): void {
    this.cluster.broadcast(this.msg.change, { roomId, userId, status: local } satisfies Entry);
    const before = this.combined(roomId, userId, this.lastLocal.get(roomId)?.get(userId) ?? 'offline');
    this.setLastLocal(roomId, userId, local);
    const all = this.combined(roomId, userId, local);
    // Announce only a change of the combination: a second node seeing the user online, or one node
    // of two going idle, changes nothing for the room; the last "online" node leaving while another
    // sees them idle makes them idle.
    if (all !== before) onChange(roomId, userId, all);
  }

  /** This node's own last status of each (room, user) it announced from: the "before" of its next change. */
  private readonly lastLocal = new Map<number, Map<number, PresenceStatus>>();

  private setLastLocal(roomId: number, userId: number, status: PresenceStatus): void {
    let room = this.lastLocal.get(roomId);
    if (status === 'offline') {
      room?.delete(userId);
      if (room?.size === 0) this.lastLocal.delete(roomId);
      return;
    }
    if (!room) this.lastLocal.set(roomId, (room = new Map()));
    room.set(userId, status);
  }

  private setRemote(node: string, roomId: number, userId: number, status: PresenceStatus): void {
    let room = this.remote.get(roomId);
    if (!room) this.remote.set(roomId, (room = new Map()));
    let user = room.get(userId);
    if (!user) room.set(userId, (user = new Map()));
    if (status === 'offline') user.delete(node);
    else user.set(node, status);
    if (user.size === 0) room.delete(userId);
    if (room.size === 0) this.remote.delete(roomId);
  }

  private forgetNodesExcept(alive: Set<string>, onChange: (roomId: number, userId: number, status: PresenceStatus) => void): void {
    for (const [roomId, room] of [...this.remote]) {
      for (const [userId, nodes] of [...room]) {
        const before = this.combined(roomId, userId);
        let changed = false;
        for (const node of [...nodes.keys()]) {
          if (!alive.has(node)) {
            nodes.delete(node);
            changed = true;
          }
        }
        if (nodes.size === 0) room.delete(userId);
        if (changed && before !== this.combined(roomId, userId)) onChange(roomId, userId, this.combined(roomId, userId));
      }
      if (room.size === 0) this.remote.delete(roomId);
    }
  }

  override statusOf(roomId: number, userId: number): PresenceStatus {
    return this.combined(roomId, userId);
  }

  override onlineCount(roomId: number): number {
    const users = new Set(this.usersIn(roomId));
    for (const userId of this.remote.get(roomId)?.keys() ?? []) users.add(userId);
    return users.size;
  }

  override drop(roomId: number, userId: number): void {
    this.remote.get(roomId)?.delete(userId);
    super.drop(roomId, userId);
    this.cluster.broadcast(this.msg.drop, { roomId, userId });
  }

  override dropRoom(roomId: number): void {
    this.remote.delete(roomId);
    this.lastLocal.delete(roomId);
    super.dropRoom(roomId);
    this.cluster.broadcast(this.msg.drop, { roomId, userId: null });
  }

  override dispose(): void {
    clearInterval(this.sweeper);
    super.dispose();
  }
}
