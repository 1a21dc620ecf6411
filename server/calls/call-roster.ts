/**
 * Pure rules of one room's call roster: who is in, capacity, resuming, replacing another tab.
 * The service keeps one roster per room and turns the outcomes into broadcasts.
 */
import { CALL_CAPACITY, peerIdPrefix, type CallParticipant } from '../../protocol/calls.js';

export interface RosterEntry extends CallParticipant {
  /** The Socket.IO connection that joined: its disconnect ends this participation. */
  socketId: string;
}

export type JoinOutcome =
  | { kind: 'full' }
  | { kind: 'bad-peer-id' }
  /** Same socket or same peer id again (token refresh, reconnect): nothing changes for others. */
  | { kind: 'refreshed'; entry: RosterEntry }
  /** A new participant; `replaced` is this user's previous entry (another tab or a dead socket). */
  | { kind: 'joined'; entry: RosterEntry; replaced: RosterEntry | null };

export interface JoinRequest {
  roomId: number;
  userId: number;
  socketId: string;
  /** Resume with this id (must be the user's own in this room), else use `freshPeerId`. */
  peerId?: string;
  freshPeerId: string;
  muted: boolean;
  cameraOff: boolean;
  now: number;
}

/** Decides a join against the current roster (userId -> entry). Does not mutate it. */
export function decideJoin(roster: ReadonlyMap<number, RosterEntry>, req: JoinRequest, capacity = CALL_CAPACITY): JoinOutcome {
  if (req.peerId !== undefined && !req.peerId.startsWith(peerIdPrefix(req.roomId, req.userId))) return { kind: 'bad-peer-id' };
  const current = roster.get(req.userId) ?? null;
  // The same peer id (a reconnect that beat the old socket's timeout), or the same socket asking
  // again: the participation goes on under the new socket; others see no change.
  if (current && (req.peerId === current.peerId || (req.peerId === undefined && current.socketId === req.socketId))) {
    return { kind: 'refreshed', entry: { ...current, socketId: req.socketId } };
  }
  // Replacing one's own entry does not change the head count.
  if (!current && roster.size >= capacity) return { kind: 'full' };
  const entry: RosterEntry = {
    userId: req.userId,
    peerId: req.peerId ?? req.freshPeerId,
    socketId: req.socketId,
    muted: req.muted,
    cameraOff: req.cameraOff,
    screen: false,
    recording: false,
    hand: false,
    feedId: null,
    joinedAt: req.now,
  };
  return { kind: 'joined', entry, replaced: current };
}

/** What others see of an entry (the socket id stays on the server). */
export function publicView({ socketId: _socketId, ...p }: RosterEntry): CallParticipant {
  return p;
}
