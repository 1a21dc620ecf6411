/** How long a user stays "online" after their last socket closes: a reload or a reconnect does not flap. */
export const ONLINE_GRACE_MS = 8_000;

/**
 * Who is connected to the app at all (any tab, any page), for the DM list's online dots. Room
 * presence (server/presence) only knows who looks at a room. In memory: reconnecting clients
 * rebuild it after a restart. `onChange` fires once per real change.
 */
export class OnlineTracker {
  private readonly sockets = new Map<number, Set<string>>();
  private readonly offlineTimers = new Map<number, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly onChange: (userId: number, online: boolean) => void,
    private readonly graceMs = ONLINE_GRACE_MS,
  ) {}

  connected(userId: number, socketId: string): void {
    if (this.closed) return;
    const pending = this.offlineTimers.get(userId);
    if (pending) {
      clearTimeout(pending);
      this.offlineTimers.delete(userId);
    }
    let set = this.sockets.get(userId);
    const wasOnline = !!set || !!pending;
    if (!set) this.sockets.set(userId, (set = new Set()));
    set.add(socketId);
    if (!wasOnline) this.onChange(userId, true);
  }

  disconnected(userId: number, socketId: string): void {
    if (this.closed) return;
    const set = this.sockets.get(userId);
    if (!set || !set.delete(socketId) || set.size > 0) return;
    this.sockets.delete(userId);
    const timer = setTimeout(() => {
      this.offlineTimers.delete(userId);
      if (!this.sockets.has(userId)) this.onChange(userId, false);
    }, this.graceMs);
    timer.unref();
    this.offlineTimers.set(userId, timer);
  }

  isOnline(userId: number): boolean {
    return this.sockets.has(userId) || this.offlineTimers.has(userId);
  }

  dispose(): void {
    this.closed = true;
    for (const t of this.offlineTimers.values()) clearTimeout(t);
    this.offlineTimers.clear();
    this.sockets.clear();
  }
}
