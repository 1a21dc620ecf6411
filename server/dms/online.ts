import { PresenceService } from '../presence/presence.service.js';

/** How long a user stays "online" after their last socket closes: a reload or a reconnect does not flap. */
export const ONLINE_GRACE_MS = 8_000;

/** The whole app as one presence "room": online = present in it. */
const APP = 0;

/** Makes the presence the tracker keeps (one process: {@link PresenceService}; several: ClusterPresence). */
export type OnlinePresence = (onChange: (roomId: number, userId: number, status: string) => void, graceMs: number) => PresenceService;

/**
 * Who is connected to the app at all (any tab, any page), for the DM list's online dots. Room
 * presence only knows who looks at a room; this is the same machinery over one pseudo-room, so
 * with several nodes (scale-out) it is merged over all of them like room presence. In memory:
 * reconnecting clients rebuild it after a restart. `onChange` fires once per real change.
 */
export class OnlineTracker {
  private readonly presence: PresenceService;

  constructor(
    onChange: (userId: number, online: boolean) => void,
    graceMs = ONLINE_GRACE_MS,
    make: OnlinePresence = (cb, grace) => new PresenceService(cb, grace),
  ) {
    this.presence = make((_app, userId, status) => onChange(userId, status !== 'offline'), graceMs);
  }

  connected(userId: number, socketId: string): void {
    this.presence.enter(APP, userId, socketId);
  }

  disconnected(userId: number, socketId: string): void {
    this.presence.leave(APP, userId, socketId);
  }

  isOnline(userId: number): boolean {
    return this.presence.statusOf(APP, userId) !== 'offline';
  }

  dispose(): void {
    this.presence.dispose();
  }
}
