/**
 * The rooms' calls: who is in each call (memory of the room's owner: a call does not outlive a
 * single process; after a restart clients join again by themselves), peer tokens, and the room facts
 * `call:*`. With several nodes the owner also keeps each roster in values shared by the nodes
 * (calls.cluster.ts), so the node that takes a room over after its owner died carries the call on
 * (docs/decisions/0038-sfu-on-several-nodes.md, "Failover").
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { callSettings } from '../../db/schema/index.js';
import { CALL_CAPACITY, CALL_TOKEN_TTL_SECONDS, PEER_KEY, PEER_PATH, peerIdPrefix, peerIdSchema, type CallJoinResult, type CallLeftReason, type CallModeInfo, type CallParticipant, type CallState } from '../../protocol/calls.js';
import { SFU_MAX_PARTICIPANTS, type CallMode, type CallPreference, type SfuStatus } from '../../protocol/sfu.js';
import type { AppConfig } from '../config.js';
import { FencedError } from '../cluster/epoch-fence.js';
import { AppError } from '../plugins/errors.js';
import type { RoomEvents } from '../rooms/room-events.js';
import type { RoomsService } from '../rooms/rooms.service.js';
import { outranks } from '../rooms/room-channels.js';
import { decideJoin, publicView, type RosterEntry } from './call-roster.js';
import { callTokenKey, iceServersFor, issuePeerToken, verifyPeerToken, type TokenVerdict } from './token.js';

/** What the service needs from the socket layer. */
export interface CallsOutlet {
  /** Tells one socket its participation ended without it asking. */
  ended(socketId: string, roomId: number, reason: Exclude<CallLeftReason, 'left'>): void;
  /** Tells one socket a moderator muted it. */
  muted?(socketId: string, roomId: number, by: number): void;
}

/** What calls need from the SFU (server/sfu), when one is configured. */
export interface CallsSfu {
  status(): SfuStatus;
  /** The participant left the call: their Janus handles and token go. */
  leave(roomId: number, userId: number): Promise<void>;
  muteAudio(roomId: number, userId: number, mute: boolean): Promise<void>;
  /**
   * This node took the room over: feeds left in Janus by the previous owner go (their users publish
   * again); `empty`: nobody is left in the call, the Janus room goes too.
   */
  adoptRoom(roomId: number, empty: boolean): Promise<void>;
  /** This node is no longer the room's owner: its Janus handles for the room go (the room stays). */
  forgetRoom(roomId: number): Promise<void>;
}

/** A room's call as its owner leaves it for the next one (shared between nodes). */
export interface CallSnapshot {
  entries: RosterEntry[];
  /** The call went to the SFU (it stays there until it empties). */
  sfu: boolean;
  /** The SFU epoch clients last saw: the next owner announces a higher one. */
  epoch: number;
}

/** Where an owner keeps its rosters for the next owner (several nodes; server/calls/calls.cluster.ts). */
export interface CallsShare {
  /** null: the call is over. Only while this node owns the room: false when refused (another node has it), nothing written. */
  save(roomId: number, snapshot: CallSnapshot | null): Promise<boolean>;
  load(roomId: number): Promise<CallSnapshot | null>;
  /** Which of these socket ids are connected now, on any node. */
  liveSockets(ids: string[]): Promise<Set<string>>;
  /** The call's state as the room's owner node has it; null when this node is the owner. */
  ownerState(roomId: number): Promise<CallState | null>;
}

export type PeerAuthVerdict = { ok: true; roomId: number; userId: number } | { ok: false; status: 400 | 401 | 403; reason: string };

export class CallsService {
  /** roomId -> userId -> entry */
  private readonly rosters = new Map<number, Map<number, RosterEntry>>();
  /** peerId -> where it is in the rosters */
  private readonly peers = new Map<string, { roomId: number; userId: number }>();
  private readonly key: Buffer;
  /** A participation ended: the peer server closes that peer's signalling connection. */
  onPeerEnded: (peerId: string) => void = () => {};
  private sfu: CallsSfu | null = null;
  private meshLimit = CALL_CAPACITY;
  /** Rooms whose owner set the call mode to 'large' (stored in call_settings; loaded at start). */
  private readonly large = new Set<number>();
  /** Rooms whose call runs through the SFU now. */
  private readonly sfuRooms = new Set<number>();
  /** Rooms whose call went to the SFU once: they go back to it after a Janus outage (until empty). */
  private readonly sticky = new Set<number>();
  private epoch = 1;
  /** Added to `epoch` for rooms taken over from another node, so their clients see a new epoch. */
  private readonly epochBoost = new Map<number, number>();
  private share: CallsShare | null = null;
  /** The roster writes in flight per room (in order; each writes the roster as it is then; false: not written). */
  private readonly saving = new Map<number, Promise<boolean>>();

  constructor(
    private readonly rooms: RoomsService,
    private readonly events: RoomEvents,
    private readonly config: Pick<AppConfig, 'sessionSecret' | 'ice'>,
    private readonly outlet: CallsOutlet,
    private readonly peerPort: number | null = null,
    private readonly now: () => number = Date.now,
    private readonly db: Db | null = null,
  ) {
    this.key = callTokenKey(config.sessionSecret);
  }

  private roster(roomId: number): Map<number, RosterEntry> {
    let r = this.rosters.get(roomId);
    if (!r) this.rosters.set(roomId, (r = new Map()));
    return r;
  }

  /** Wires the SFU in (server/sfu): capacity grows to the SFU's, calls past `meshLimit` move to it. */
  attachSfu(sfu: CallsSfu, meshLimit: number): void {
    this.sfu = sfu;
    this.meshLimit = meshLimit;
  }

  /** Several nodes: rosters are kept where the room's next owner finds them. */
  attachShare(share: CallsShare): void {
    this.share = share;
  }

  /** Janus came up (a new epoch: clients publish again) or went down: every call re-decides its mode. */
  sfuChanged(): void {
    if (this.sfu?.status() === 'up') this.epoch++;
    for (const roomId of new Set([...this.rosters.keys(), ...this.sfuRooms])) this.decideMode(roomId, true);
  }

  private capacity(): number {
    return this.sfu ? SFU_MAX_PARTICIPANTS : CALL_CAPACITY;
  }

  modeInfo(roomId: number): CallModeInfo {
    return {
      mode: this.sfuRooms.has(roomId) ? 'sfu' : 'mesh',
      sfu: this.sfu?.status() ?? 'unavailable',
      preference: this.large.has(roomId) ? 'large' : 'auto',
      meshLimit: this.meshLimit,
      epoch: this.epoch + (this.epochBoost.get(roomId) ?? 0),
    };
  }

  /**
   * SFU when Janus is up and the owner wants 'large' or the call is past the mesh limit; once in
   * SFU mode a call stays there until it empties (no flapping around the limit). Janus down: mesh.
   */
  private decideMode(roomId: number, announce = false): void {
    const count = this.rosters.get(roomId)?.size ?? 0;
    const up = this.sfu?.status() === 'up';
    const was: CallMode = this.sfuRooms.has(roomId) ? 'sfu' : 'mesh';
    if (count === 0) this.sticky.delete(roomId);
    const wants = count > 0 && (this.large.has(roomId) || count > this.meshLimit || this.sticky.has(roomId));
    const now: CallMode = up && wants ? 'sfu' : 'mesh';
    if (now === 'sfu') this.sticky.add(roomId);
    if (now === 'sfu') this.sfuRooms.add(roomId);
    else this.sfuRooms.delete(roomId);
    if (now === 'mesh') for (const e of this.rosters.get(roomId)?.values() ?? []) e.feedId = null;
    if ((now !== was || announce) && count > 0) {
      try {
        void this.events.broadcast(roomId, 'call:mode', this.modeInfo(roomId));
      } catch {
        /* room deleted */
      }
    }
    void this.persist(roomId);
  }

  /**
   * Writes the room's roster for the next owner (several nodes only). Resolves false when it was
   * not written (this node no longer holds the room's lease, or Redis failed).
   */
  private persist(roomId: number): Promise<boolean> {
    const share = this.share;
    if (!share) return Promise.resolve(true);
    const next = (this.saving.get(roomId) ?? Promise.resolve(true)).then(
      () => share.save(roomId, this.snapshot(roomId)).catch(() => false),
    );
    this.saving.set(roomId, next);
    void next.then(() => {
      if (this.saving.get(roomId) === next) this.saving.delete(roomId);
    });
    return next;
  }

  /**
   * Acknowledged means in the shared roster (ADR 0038, "Failover"): a join or leave is answered
   * only once the roster that includes it is written where the next owner reads it, and only while
   * this node holds the room; else the caller gets CONFLICT and tries again (on the new owner).
   */
  private async persisted(roomId: number): Promise<void> {
    if (!this.share) return;
    // The write queued last for the room includes this change (each writes the roster as it is then).
    const last = this.saving.get(roomId) ?? this.persist(roomId);
    if (!(await last)) throw new FencedError(roomId);
  }

  private snapshot(roomId: number): CallSnapshot | null {
    const roster = this.rosters.get(roomId);
    if (!roster || roster.size === 0) return null;
    return { entries: [...roster.values()], sfu: this.sticky.has(roomId), epoch: this.modeInfo(roomId).epoch };
  }

  /**
   * This node became the room's owner (several nodes): the owner's call mode is read from the
   * database (another node may have changed it since this one started), and a call the previous
   * owner left behind goes on here. Participants whose socket is gone (it was on the dead node, or
   * closed while nobody owned the room) leave as disconnected; the others keep their place, their
   * old feeds are dropped in Janus, and a new SFU epoch tells their clients to publish again.
   */
  async adoptRoom(roomId: number): Promise<void> {
    await this.loadPreference(roomId);
    const snap = await this.share?.load(roomId).catch(() => null);
    if (!snap || snap.entries.length === 0) return;
    const roster = this.roster(roomId);
    for (const e of snap.entries) {
      // Someone who joined here while the room was being adopted keeps that place.
      if (roster.has(e.userId)) continue;
      roster.set(e.userId, { ...e, feedId: null });
      this.peers.set(e.peerId, { roomId, userId: e.userId });
    }
    if (snap.sfu) this.sticky.add(roomId);
    this.epochBoost.set(roomId, Math.max(this.epochBoost.get(roomId) ?? 0, snap.epoch + 1 - this.epoch));
    const live = await this.share!.liveSockets([...roster.values()].map((e) => e.socketId)).catch(() => null);
    if (live) for (const e of [...roster.values()]) if (!live.has(e.socketId)) this.end(roomId, e, 'disconnected');
    await this.sfu?.adoptRoom(roomId, !this.rosters.has(roomId)).catch(() => {});
    for (const e of this.rosters.get(roomId)?.values() ?? []) {
      if (snap.entries.some((x) => x.userId === e.userId && x.feedId !== null)) void this.events.broadcast(roomId, 'call:updated', { participant: publicView(e) });
    }
    this.decideMode(roomId, true);
  }

  /** Another node owns the room now: its call is forgotten here without a word (the owner carries it on). */
  evictRoom(roomId: number): void {
    for (const e of this.rosters.get(roomId)?.values() ?? []) {
      this.peers.delete(e.peerId);
      this.onPeerEnded(e.peerId);
    }
    this.rosters.delete(roomId);
    this.sfuRooms.delete(roomId);
    this.sticky.delete(roomId);
    this.epochBoost.delete(roomId);
    void this.sfu?.forgetRoom(roomId).catch(() => {});
  }

  /** The owner's stored choice for one room (read when this node becomes its owner). */
  private async loadPreference(roomId: number): Promise<void> {
    if (!this.db) return;
    const [row] = await this.db.select({ preference: callSettings.preference }).from(callSettings).where(eq(callSettings.roomId, roomId));
    if (row?.preference === 'large') this.large.add(roomId);
    else this.large.delete(roomId);
  }

  /** The owners' stored 'large' choices (call_settings), read at start; a room's again when this node adopts it. */
  async loadPreferences(): Promise<void> {
    if (!this.db) return;
    const rows = await this.db.select({ roomId: callSettings.roomId }).from(callSettings).where(eq(callSettings.preference, 'large'));
    for (const r of rows) this.large.add(r.roomId);
  }

  /** Owner: 'large' puts the call through the SFU now (when Janus is up); 'auto' decides by head count. Stored: survives a restart. */
  async setPreference(roomId: number, preference: CallPreference): Promise<CallModeInfo> {
    if (preference === 'large' && !this.sfu) throw new AppError('CONFLICT', 'Large calls are not available on this server.');
    if (this.db) {
      const updatedAt = this.now();
      await this.db.insert(callSettings).values({ roomId, preference, updatedAt }).onConflictDoUpdate({ target: callSettings.roomId, set: { preference, updatedAt } });
    }
    if (preference === 'large') this.large.add(roomId);
    else this.large.delete(roomId);
    this.decideMode(roomId, true);
    return this.modeInfo(roomId);
  }

  isParticipant(roomId: number, userId: number): boolean {
    return !!this.rosters.get(roomId)?.has(userId);
  }

  isSfu(roomId: number): boolean {
    return this.sfuRooms.has(roomId);
  }

  /** The participant publishes through Janus under this feed: everyone subscribes to it. */
  setFeed(roomId: number, userId: number, feedId: number | null): void {
    const entry = this.requireEntry(roomId, userId);
    entry.feedId = feedId;
    void this.events.broadcast(roomId, 'call:updated', { participant: publicView(entry) });
    void this.persist(roomId);
  }

  /** Moderator: mute (their microphone goes off; in an SFU call Janus stops relaying it) or remove. */
  async moderate(roomId: number, actorId: number, userId: number, action: 'mute' | 'remove'): Promise<void> {
    if (actorId === userId) throw new AppError('VALIDATION', 'Use your own controls.');
    const actor = await this.rooms.requireMember(roomId, actorId, 'moderator');
    const target = await this.rooms.membership(roomId, userId);
    if (!target) throw new AppError('NOT_MEMBER', 'That user is not a member of this room.');
    if (!outranks(actor.role, target.role)) throw new AppError('FORBIDDEN', 'You cannot moderate someone of equal or higher role.');
    const entry = this.requireEntryOf(roomId, userId);
    if (action === 'remove') return this.end(roomId, entry, 'removed');
    entry.muted = true;
    this.outlet.muted?.(entry.socketId, roomId, actorId);
    void this.events.broadcast(roomId, 'call:updated', { participant: publicView(entry) });
    void this.persist(roomId);
    await this.sfu?.muteAudio(roomId, userId, true);
  }

  private requireEntryOf(roomId: number, userId: number): RosterEntry {
    const entry = this.rosters.get(roomId)?.get(userId);
    if (!entry) throw new AppError('NOT_FOUND', 'That person is not in this call.');
    return entry;
  }

  participants(roomId: number): CallParticipant[] {
    return [...(this.rosters.get(roomId)?.values() ?? [])].sort((a, b) => a.joinedAt - b.joinedAt).map(publicView);
  }

  /** The snapshot, with the room sequence it reflects (facts at or below it are already in it). */
  async state(roomId: number): Promise<CallState> {
    const { seq } = await this.rooms.getRow(roomId);
    return { participants: this.participants(roomId), capacity: this.capacity(), ...this.modeInfo(roomId), seq };
  }

  /**
   * {@link state} for callers that are not socket commands (HTTP): with several nodes the roster
   * and the mode live on the room's owner, so it is asked there (socket commands are forwarded to
   * it by the socket hub). Falls back to this node's view when the owner does not answer.
   */
  async stateFromOwner(roomId: number): Promise<CallState> {
    const remote = this.share ? await this.share.ownerState(roomId).catch(() => null) : null;
    return remote ?? this.state(roomId);
  }

  /** Joins (or resumes, or refreshes the token of) the caller; CONFLICT when the call is full. */
  async join(roomId: number, userId: number, socketId: string, opts: { peerId?: string; muted: boolean; cameraOff: boolean }): Promise<CallJoinResult> {
    const roster = this.roster(roomId);
    const outcome = decideJoin(
      roster,
      {
      roomId,
      userId,
      socketId,
      peerId: opts.peerId,
      freshPeerId: `${peerIdPrefix(roomId, userId)}${randomBytes(8).toString('hex')}`,
      muted: opts.muted,
        cameraOff: opts.cameraOff,
        now: this.now(),
      },
      this.capacity(),
    );
    if (outcome.kind === 'full') throw new AppError('CONFLICT', `The call is full (${this.capacity()} people at most).`);
    if (outcome.kind === 'bad-peer-id') throw new AppError('FORBIDDEN', 'That peer id belongs to someone else.');
    const { entry } = outcome;
    if (outcome.kind === 'joined') {
      if (outcome.replaced) this.end(roomId, outcome.replaced, 'replaced');
      roster.set(userId, entry);
      this.peers.set(entry.peerId, { roomId, userId });
      void this.events.broadcast(roomId, 'call:joined', { participant: publicView(entry) });
      this.decideMode(roomId);
    } else {
      roster.set(userId, entry);
      void this.persist(roomId);
    }
    await this.persisted(roomId);
    const expiresAt = this.now() + CALL_TOKEN_TTL_SECONDS * 1000;
    return {
      peerId: entry.peerId,
      token: issuePeerToken(this.key, { peerId: entry.peerId, userId, roomId, expiresAt }),
      expiresAt,
      iceServers: iceServersFor(this.config.ice, userId, this.now()),
      peerServer: { path: PEER_PATH, key: PEER_KEY, port: this.peerPort },
      peers: [...roster.values()].filter((p) => p.userId !== userId).map((p) => p.peerId),
      state: await this.state(roomId),
    };
  }

  /** Leaves the call; false if the user was not in it. Resolves once the shared roster no longer has them (several nodes). */
  async leave(roomId: number, userId: number): Promise<boolean> {
    const entry = this.rosters.get(roomId)?.get(userId);
    if (!entry) return false;
    this.end(roomId, entry, 'left');
    await this.persisted(roomId);
    return true;
  }

  private end(roomId: number, entry: RosterEntry, reason: CallLeftReason): void {
    const roster = this.rosters.get(roomId);
    if (roster?.get(entry.userId) === entry) roster.delete(entry.userId);
    if (roster?.size === 0) this.rosters.delete(roomId);
    this.peers.delete(entry.peerId);
    this.onPeerEnded(entry.peerId);
    void this.sfu?.leave(roomId, entry.userId);
    if (reason !== 'left') this.outlet.ended(entry.socketId, roomId, reason);
    // The room may be gone (deleted): then there is nobody to tell.
    try {
      void this.events.broadcast(roomId, 'call:left', { userId: entry.userId, peerId: entry.peerId, reason });
    } catch {
      /* room deleted */
    }
    if (!this.rosters.has(roomId)) {
      this.sfuRooms.delete(roomId);
      this.sticky.delete(roomId);
    }
    void this.persist(roomId);
  }

  private requireEntry(roomId: number, userId: number): RosterEntry {
    const entry = this.rosters.get(roomId)?.get(userId);
    if (!entry) throw new AppError('CONFLICT', 'You are not in this call.');
    return entry;
  }

  update(roomId: number, userId: number, patch: { muted?: boolean; cameraOff?: boolean; screen?: boolean; hand?: boolean }): CallParticipant {
    const entry = this.requireEntry(roomId, userId);
    if (patch.hand !== undefined) entry.hand = patch.hand;
    if (patch.muted === false && entry.muted) void this.sfu?.muteAudio(roomId, userId, false);
    if (patch.muted !== undefined) entry.muted = patch.muted;
    if (patch.cameraOff !== undefined) entry.cameraOff = patch.cameraOff;
    if (patch.screen !== undefined) entry.screen = patch.screen;
    const participant = publicView(entry);
    void this.events.broadcast(roomId, 'call:updated', { participant });
    void this.persist(roomId);
    return participant;
  }

  record(roomId: number, userId: number, recording: boolean): CallParticipant {
    const entry = this.requireEntry(roomId, userId);
    entry.recording = recording;
    const participant = publicView(entry);
    void this.events.broadcast(roomId, 'call:recording', { userId, recording, participant });
    void this.persist(roomId);
    return participant;
  }

  /** A member was muted: if they could still be heard or seen, they leave the call ('removed'). */
  silence(roomId: number, userId: number): void {
    const entry = this.rosters.get(roomId)?.get(userId);
    if (entry && (!entry.muted || !entry.cameraOff || entry.screen)) this.end(roomId, entry, 'removed');
  }

  /** A socket went away: its participations end (others see the person leave; the client rejoins). */
  dropSocket(socketId: string, reason: 'disconnected' | 'removed', onlyRoomId?: number): void {
    for (const [roomId, roster] of [...this.rosters]) {
      if (onlyRoomId !== undefined && roomId !== onlyRoomId) continue;
      for (const entry of [...roster.values()]) if (entry.socketId === socketId) this.end(roomId, entry, reason);
    }
  }

  /** Everyone in a room's call, e.g. when the room is deleted. */
  dropRoom(roomId: number): void {
    for (const entry of [...(this.rosters.get(roomId)?.values() ?? [])]) this.end(roomId, entry, 'removed');
  }

  // ---- the peer server's questions ----

  /**
   * May this signed-in user open the signalling connection for `peerId` with `token`? Only with
   * a valid, unexpired token issued to them for that id, while a member and in that room's call.
   */
  async authorizePeer(peerId: string | null, token: string | null, sessionUserId: number | null): Promise<PeerAuthVerdict> {
    if (sessionUserId === null) return { ok: false, status: 401, reason: 'not signed in' };
    if (!peerId || !token || !peerIdSchema.safeParse(peerId).success) return { ok: false, status: 400, reason: 'missing or malformed id or token' };
    const verdict: TokenVerdict = verifyPeerToken(this.key, token, peerId, sessionUserId, this.now());
    if (!verdict.ok) return { ok: false, status: 401, reason: `token ${verdict.reason}` };
    const { roomId } = verdict.claims;
    if (!await this.rooms.membership(roomId, sessionUserId)) return { ok: false, status: 403, reason: 'not a member' };
    if (this.rosters.get(roomId)?.get(sessionUserId)?.peerId !== peerId) return { ok: false, status: 403, reason: 'not in the call' };
    return { ok: true, roomId, userId: sessionUserId };
  }

  /** Signalling is relayed only between current participants of the same room's call. */
  canSignal(srcPeerId: string, dstPeerId: unknown): boolean {
    if (typeof dstPeerId !== 'string') return false;
    const src = this.peers.get(srcPeerId);
    const dst = this.peers.get(dstPeerId);
    return !!src && !!dst && src.roomId === dst.roomId && srcPeerId !== dstPeerId;
  }

  isPeer(peerId: string): boolean {
    return this.peers.has(peerId);
  }
}
