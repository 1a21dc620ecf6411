/**
 * The SFU side of calls and live playback, over the supervised Janus: one Janus VideoRoom per room
 * call (its secret derived from the session secret and the room, and a token ACL), one publisher
 * handle per participant, one subscriber handle per (participant, feed), and one Streaming
 * mountpoint per live stream (RTP on loopback only). Our server is the only signalling path:
 * browsers send SDP through socket commands checked here; Janus's API stays on 127.0.0.1 behind an
 * API secret.
 *
 * Several nodes share one Janus (docs/decisions/0038-sfu-on-several-nodes.md): the call commands run
 * on the room's owner, but any node can manage any room (same derived secrets, an existing room is
 * adopted, not destroyed), feed ids are random 52-bit integers, a feed is looked up in Janus when
 * this node did not publish it, and a room is destroyed only when Janus lists nobody in it.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { JanodeHandle, JanodeSession } from 'janode';
import { SFU_MAX_PARTICIPANTS, SFU_TOKEN_TTL_SECONDS, type SfuJsep, type SfuRole, type SfuStatus, type SfuTokenResult } from '../../protocol/sfu.js';
import { AppError } from '../plugins/errors.js';
import type { JanusSupervisor } from './janus-supervisor.js';
import { loadJanode } from './janode-loader.js';
import { issueSfuToken, sfuTokenKey, verifySfuToken } from './sfu-token.js';

interface Pub {
  userId: number;
  feedId: number;
  handle: JanodeHandle;
  audioMid: string | null;
}
interface Sub {
  subId: string;
  userId: number;
  feedId: number;
  handle: JanodeHandle;
  /** The subscription's video m-line (Janus pauses it by mid). */
  videoMid: string | null;
  /** Video paused (the tile is off-page): Janus sends none. */
  paused: boolean;
}
interface JRoom {
  roomId: number;
  janusRoom: number;
  secret: string;
  /** Per-participant Janus ACL tokens (random; never leave the server). */
  tokens: Map<number, string>;
  pubs: Map<number, Pub>;
  subs: Map<string, Sub>;
}
export interface Mount {
  /** False: a mountpoint made by another node (the one running RTMP ingest); we only hold viewers. */
  local: boolean;
  roomId: number;
  id: number;
  secret: string;
  audioPort: number;
  videoPort: number;
  viewers: Map<string, { userId: number; socketId: string; handle: JanodeHandle }>;
}

/** janode reports plugin errors as `Error('<code> <text>')`. */
const janusCode = (err: unknown): number | undefined => {
  const m = /^(\d{3}) /.exec(String((err as Error)?.message ?? ''));
  return m ? Number(m[1]) : undefined;
};

/** The mid of the first m-line of a kind in an SDP (Janus's moderate and configure requests go by mid). */
export function midOf(sdp: string, kind: 'audio' | 'video'): string | null {
  const parts = sdp.split(/\r?\nm=/);
  for (const p of parts) if (p.startsWith(kind)) return /\r?\na=mid:(\S+)/.exec(p)?.[1] ?? null;
  return null;
}
export const audioMidOf = (sdp: string) => midOf(sdp, 'audio');

/** A random feed id below 2^52: unique across nodes sharing one Janus (and exact in JSON/JS). */
export function randomFeedId(): number {
  return Number(randomBytes(8).readBigUInt64BE() >> 12n) || 1;
}

export class SfuService extends EventEmitter {
  private readonly key: Buffer;
  /** Derives the Janus room and mountpoint secrets: the same on every node with this session secret. */
  private readonly secretKey: Buffer;
  private session: JanodeSession | null = null;
  private readonly rooms = new Map<number, JRoom>();
  private readonly creating = new Map<number, Promise<JRoom>>();
  private readonly mounts = new Map<number, Mount>();
  private readonly mountOps = new Map<number, Promise<unknown>>();
  private ready: Promise<void> = Promise.resolve();

  constructor(
    readonly supervisor: JanusSupervisor | null,
    sessionSecret: string,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.key = sfuTokenKey(sessionSecret);
    this.secretKey = createHmac('sha256', sessionSecret).update('commonroom janus secrets v1').digest();
    supervisor?.on('up', (conn) => {
      this.ready = (async () => {
        this.forget();
        this.session = await conn.create(20);
        this.session!.once('session_destroyed', () => {
          if (this.supervisor?.state === 'up') this.supervisor.emit('down', 'session destroyed');
        });
        this.emit('status', this.status());
      })().catch(() => {});
    });
    supervisor?.on('state', () => {
      if (supervisor.state !== 'up' && this.session) {
        this.forget();
        this.emit('status', this.status());
      }
    });
  }

  status(): SfuStatus {
    if (!this.supervisor) return 'unavailable';
    return this.supervisor.state === 'up' && this.session ? 'up' : 'down';
  }

  /** Everything Janus held is gone with it (rooms, handles); callers re-publish on 'status'. */
  private forget(): void {
    this.session = null;
    this.rooms.clear();
    this.creating.clear();
    this.mounts.clear();
  }

  /** The Janus secret of a room (`room:<id>`) or mountpoint (`mount:<id>`): every node derives the same. */
  janusSecret(kind: 'room' | 'mount' | 'whip', id: number): string {
    return createHmac('sha256', this.secretKey).update(`${kind}:${id}`).digest('base64url').slice(0, 32);
  }

  private requireSession(): JanodeSession {
    if (!this.session) throw new AppError('CONFLICT', 'Large calls are not available right now.');
    return this.session;
  }

  // ---- tokens ----
  issueToken(userId: number, roomId: number, role: SfuRole): SfuTokenResult {
    const expiresAt = this.now() + SFU_TOKEN_TTL_SECONDS * 1000;
    return { token: issueSfuToken(this.key, { userId, roomId, role, expiresAt }), expiresAt };
  }

  /** FORBIDDEN unless the token is this user's, for this room and role, and unexpired. */
  checkToken(token: string, userId: number, roomId: number, role: SfuRole): void {
    const v = verifySfuToken(this.key, token, { userId, roomId, role, now: this.now() });
    if (!v.ok) throw new AppError('FORBIDDEN', `Bad media token (${v.reason}).`);
  }

  // ---- VideoRoom ----
  private async attach(plugin: 'videoroom' | 'streaming'): Promise<JanodeHandle> {
    const session = this.requireSession();
    return session.attach((await loadJanode()).plugins[plugin]);
  }

  /** A handle on the current Janus session, once it is ready (WHIP ingest drives its own VideoRoom). */
  async attachHandle(plugin: 'videoroom' | 'streaming'): Promise<JanodeHandle> {
    await this.ready;
    return this.attach(plugin);
  }

  private room(roomId: number): Promise<JRoom> {
    const r = this.rooms.get(roomId);
    if (r) return Promise.resolve(r);
    let p = this.creating.get(roomId);
    if (!p) {
      p = (async () => {
        await this.ready;
        const admin = await this.attach('videoroom');
        try {
          const room: JRoom = { roomId, janusRoom: roomId, secret: this.janusSecret('room', roomId), tokens: new Map(), pubs: new Map(), subs: new Map() };
          await admin
            .create({
              room: room.janusRoom,
              admin_key: this.supervisor!.apiSecret,
              secret: room.secret,
              is_private: true,
              permanent: false,
              max_publishers: SFU_MAX_PARTICIPANTS,
              videocodec: 'vp8',
              audiocodec: 'opus',
              bitrate: 1_200_000,
              fir_freq: 5,
              notify_joining: false,
            })
            .catch((err: unknown) => {
              // 427: exists, made by another node (or by us before a lost reply). The secret is the
              // same, so we manage it as ours; other nodes' participants may be in it: keep it.
              if (janusCode(err) !== 427) throw err;
            });
          // Only holders of a token we add may join.
          await admin.allow({ room: room.janusRoom, action: 'enable', secret: room.secret });
          this.rooms.set(roomId, room);
          return room;
        } finally {
          this.creating.delete(roomId);
          await admin.detach().catch(() => {});
        }
      })();
      this.creating.set(roomId, p);
    }
    return p;
  }

  private async tokenFor(room: JRoom, userId: number): Promise<string> {
    let t = room.tokens.get(userId);
    if (t) return t;
    t = randomBytes(18).toString('base64url');
    room.tokens.set(userId, t);
    const admin = await this.attach('videoroom');
    try {
      await admin.allow({ room: room.janusRoom, action: 'add', list: [t], secret: room.secret });
    } finally {
      await admin.detach().catch(() => {});
    }
    return t;
  }

  /** Does Janus know this room (tests)? */
  async janusRoomExists(roomId: number): Promise<boolean> {
    const h = await this.attach('videoroom');
    try {
      const r = await h.exists({ room: roomId });
      return !!r.exists;
    } finally {
      await h.detach().catch(() => {});
    }
  }

  /** Publishes (or re-publishes) the user's media: returns Janus's answer and the feed id. */
  async publish(roomId: number, userId: number, jsep: SfuJsep): Promise<{ feedId: number; jsep: SfuJsep }> {
    const room = await this.room(roomId);
    const old = room.pubs.get(userId);
    if (old) {
      room.pubs.delete(userId);
      await old.handle.detach().catch(() => {});
    }
    const token = await this.tokenFor(room, userId);
    const handle = await this.attach('videoroom');
    const feedId = randomFeedId();
    try {
      const res = await handle.joinConfigurePublisher({ room: room.janusRoom, feed: feedId, token, display: String(userId), audio: true, video: true, jsep });
      if (!res.jsep) throw new Error('no answer');
      room.pubs.set(userId, { userId, feedId, handle, audioMid: audioMidOf(jsep.sdp) });
      return { feedId, jsep: res.jsep };
    } catch (err) {
      await handle.detach().catch(() => {});
      throw mapJanusError(err);
    }
  }

  /** The feed ids publishing in a room (tests, diagnostics). */
  publishersOf(roomId: number): number[] {
    return [...(this.rooms.get(roomId)?.pubs.values() ?? [])].map((p) => p.feedId);
  }

  /** The user's feed in this room, if publishing. */
  feedOf(roomId: number, userId: number): number | null {
    return this.rooms.get(roomId)?.pubs.get(userId)?.feedId ?? null;
  }

  /** Subscribes the user to a feed of the same room (NOT_FOUND for any other feed). */
  async subscribe(roomId: number, userId: number, feedId: number, substream: number): Promise<{ subId: string; jsep: SfuJsep }> {
    let room = this.rooms.get(roomId);
    let publisher = room ? [...room.pubs.values()].find((p) => p.feedId === feedId)?.userId : undefined;
    if (publisher === undefined) {
      // Published through another node (one Janus, several nodes): Janus's own list is the truth.
      const found = await this.participantsOf(roomId);
      publisher = found?.find((p) => p.feed === feedId && p.publisher)?.userId;
      if (publisher !== undefined) room = await this.room(roomId);
    }
    if (!room || publisher === undefined) throw new AppError('NOT_FOUND', 'No such feed in this call.');
    if (publisher === userId) throw new AppError('VALIDATION', 'That is your own feed.');
    const token = await this.tokenFor(room, userId);
    const handle = await this.attach('videoroom');
    try {
      const res = await handle.joinSubscriber({ room: room.janusRoom, feed: feedId, token, sc_substream_layer: substream });
      if (!res.jsep) throw new Error('no offer');
      const subId = randomBytes(8).toString('hex');
      room.subs.set(subId, { subId, userId, feedId, handle, videoMid: midOf(res.jsep.sdp, 'video'), paused: false });
      return { subId, jsep: res.jsep };
    } catch (err) {
      await handle.detach().catch(() => {});
      throw mapJanusError(err);
    }
  }

  private sub(roomId: number, userId: number, subId: string): Sub {
    const s = this.rooms.get(roomId)?.subs.get(subId);
    if (!s || s.userId !== userId) throw new AppError('NOT_FOUND', 'No such subscription.');
    return s;
  }

  async start(roomId: number, userId: number, subId: string, jsep: SfuJsep): Promise<void> {
    const s = this.sub(roomId, userId, subId);
    await s.handle.start({ jsep }).catch((err: unknown) => {
      throw mapJanusError(err);
    });
  }

  async setLayer(roomId: number, userId: number, subId: string, substream: number): Promise<void> {
    const s = this.sub(roomId, userId, subId);
    await s.handle.configure({ sc_substream_layer: substream }).catch((err: unknown) => {
      throw mapJanusError(err);
    });
  }

  /** Janus stops (or resumes) sending the subscription's video; audio goes on (the speaker is still heard and detected). */
  async setPaused(roomId: number, userId: number, subId: string, paused: boolean): Promise<void> {
    const s = this.sub(roomId, userId, subId);
    if (s.paused === paused) return;
    if (!s.videoMid) throw new AppError('VALIDATION', 'That subscription has no video.');
    await s.handle.configure({ streams: [{ mid: s.videoMid, send: !paused }] }).catch((err: unknown) => {
      throw mapJanusError(err);
    });
    s.paused = paused;
  }

  /** A user's subscriptions in a room, with their pause state (tests, diagnostics). */
  subscriptionsOf(roomId: number, userId: number): { subId: string; feedId: number; paused: boolean }[] {
    return [...(this.rooms.get(roomId)?.subs.values() ?? [])].filter((s) => s.userId === userId).map(({ subId, feedId, paused }) => ({ subId, feedId, paused }));
  }

  async unsubscribe(roomId: number, userId: number, subId: string): Promise<void> {
    const s = this.sub(roomId, userId, subId);
    this.rooms.get(roomId)?.subs.delete(subId);
    await s.handle.detach().catch(() => {});
  }

  /**
   * Who Janus lists in the room (publishers and joined participants; display = our user id), or
   * null when Janus has no such room. Any node may ask: the room secret is derived.
   */
  async participantsOf(roomId: number): Promise<{ feed: number; userId: number; publisher: boolean }[] | null> {
    const h = await this.attach('videoroom');
    try {
      const r = await h.listParticipants({ room: roomId, secret: this.janusSecret('room', roomId) });
      return ((r.participants ?? []) as { feed: number; display?: string; publisher?: boolean }[]).map((p) => ({ feed: Number(p.feed), userId: Number(p.display), publisher: !!p.publisher }));
    } catch (err) {
      if (janusCode(err) === 426) return null;
      throw mapJanusError(err);
    } finally {
      await h.detach().catch(() => {});
    }
  }

  /**
   * Moderator mute: Janus stops relaying the participant's audio (until they publish again). A
   * refusal by Janus is thrown (the moderator's ack says so); not publishing: nothing to do.
   */
  async muteAudio(roomId: number, userId: number, mute: boolean): Promise<void> {
    const room = this.rooms.get(roomId);
    const pub = room?.pubs.get(userId);
    if (!room || !pub?.audioMid) return;
    await pub.handle.message({ request: 'moderate', room: room.janusRoom, secret: room.secret, id: pub.feedId, mid: pub.audioMid, mute }).catch((err: unknown) => {
      throw mapJanusError(err);
    });
  }

  /** The user's publisher and subscriptions go, their Janus token is revoked; an empty room is destroyed. */
  async leave(roomId: number, userId: number): Promise<void> {
    const room = this.rooms.get(roomId);
    if (!room) return;
    const pub = room.pubs.get(userId);
    room.pubs.delete(userId);
    const subs = [...room.subs.values()].filter((s) => s.userId === userId || (pub && s.feedId === pub.feedId));
    for (const s of subs) room.subs.delete(s.subId);
    const token = room.tokens.get(userId);
    room.tokens.delete(userId);
    const handles = [...(pub ? [pub.handle] : []), ...subs.map((s) => s.handle)];
    await Promise.all(handles.map((h) => h.detach().catch(() => {})));
    if (!this.session) return;
    // Only the token this node made for this user goes: other users' (and other nodes') stay.
    if (token) {
      const admin = await this.attach('videoroom').catch(() => null);
      await admin?.allow({ room: room.janusRoom, action: 'remove', list: [token], secret: room.secret }).catch(() => {});
      await admin?.detach().catch(() => {});
    }
    if (room.tokens.size > 0) return;
    // Nobody of ours is left; the room goes only when Janus lists nobody at all (another node's
    // participants may still be in it).
    const left = await this.participantsOf(roomId).catch(() => []);
    if (left && left.length > 0) {
      if (this.rooms.get(roomId) === room && room.tokens.size === 0) this.rooms.delete(roomId);
      return;
    }
    if (room.tokens.size === 0) return this.destroyRoom(roomId);
  }

  /**
   * This node took the room over (its owner died or lost the lease): what the previous owner's
   * session still has in Janus (publishers; its subscriptions end with them) is kicked, since
   * everyone publishes again through this node. Janus destroys a session at once when its
   * WebSocket closes (a killed node), but a stalled node's session lingers until Janus's session
   * timeout. `empty`: nobody is left in the call, so the Janus room goes as well.
   */
  async adoptRoom(roomId: number, empty: boolean): Promise<void> {
    if (this.status() !== 'up') return;
    const listed = await this.participantsOf(roomId);
    if (!listed) return;
    const secret = this.janusSecret('room', roomId);
    const admin = await this.attach('videoroom');
    try {
      if (empty && !this.rooms.get(roomId)?.tokens.size) {
        this.rooms.delete(roomId);
        await admin.destroy({ room: roomId, secret }).catch(() => {});
        return;
      }
      for (const p of listed) {
        // A feed published through this node meanwhile (someone joined while the room was adopted) stays.
        if (this.feedIsOurs(roomId, p.feed)) continue;
        await admin.message({ request: 'kick', room: roomId, secret, id: p.feed }).catch(() => {});
      }
    } finally {
      await admin.detach().catch(() => {});
    }
  }

  private feedIsOurs(roomId: number, feedId: number): boolean {
    return [...(this.rooms.get(roomId)?.pubs.values() ?? [])].some((p) => p.feedId === feedId);
  }

  /** Another node owns the room now: this node's handles in it go; the Janus room stays (the owner uses it). */
  async forgetRoom(roomId: number): Promise<void> {
    const room = this.rooms.get(roomId);
    if (!room) return;
    this.rooms.delete(roomId);
    const handles = [...[...room.pubs.values()].map((p) => p.handle), ...[...room.subs.values()].map((s) => s.handle)];
    await Promise.all(handles.map((h) => h.detach().catch(() => {})));
  }

  async destroyRoom(roomId: number): Promise<void> {
    const room = this.rooms.get(roomId);
    if (!room) return;
    this.rooms.delete(roomId);
    const admin = await this.attach('videoroom').catch(() => null);
    await admin?.destroy({ room: room.janusRoom, secret: room.secret }).catch(() => {});
    await admin?.detach().catch(() => {});
  }

  /** Raw access for refusal tests: a handle that tries to join a room with a given Janus token. */
  async tryJoinRaw(roomId: number, token: string | undefined): Promise<number | 'ok'> {
    const h = await this.attach('videoroom');
    try {
      await h.joinPublisher({ room: roomId, token, display: 'raw' });
      return 'ok';
    } catch (err) {
      return janusCode(err) ?? -1;
    } finally {
      await h.detach().catch(() => {});
    }
  }

  // ---- Streaming (real-time live) ----
  /** Creates the room's RTP mountpoint (H.264 + Opus on loopback ports) for FFmpeg to push into. */
  createMount(
    roomId: number,
    ports: { audioPort: number; videoPort: number },
    video: { codec: 'h264' | 'vp8'; fmtp?: string } = { codec: 'h264', fmtp: 'profile-level-id=42e01f;packetization-mode=1' },
    /** Checked when its turn comes: a stream that ended while waiting must not replace the next one's mountpoint. */
    cancelled: () => boolean = () => false,
  ): Promise<Mount> {
    return this.serialMount(roomId, () => {
      if (cancelled()) throw new Error('the stream ended before its mountpoint was made');
      return this.createMountNow(roomId, ports, video);
    });
  }

  /**
   * A room's mountpoint changes at Janus run one after another: every stream of a room uses the
   * mountpoint id `roomId`, so the end of one stream (RTMP relay) and the start of the next (WHIP)
   * must not interleave their destroy and create requests.
   */
  private serialMount<T>(roomId: number, fn: () => Promise<T>): Promise<T> {
    const next = (this.mountOps.get(roomId) ?? Promise.resolve()).catch(() => {}).then(fn);
    this.mountOps.set(roomId, next);
    void next
      .catch(() => {})
      .finally(() => {
        if (this.mountOps.get(roomId) === next) this.mountOps.delete(roomId);
      });
    return next;
  }

  private async createMountNow(roomId: number, ports: { audioPort: number; videoPort: number }, video: { codec: 'h264' | 'vp8'; fmtp?: string }): Promise<Mount> {
    await this.ready;
    const old = this.mounts.get(roomId);
    if (old) {
      this.mounts.delete(roomId);
      for (const v of old.viewers.values()) await v.handle.detach().catch(() => {});
    }
    const secret = this.janusSecret('mount', roomId);
    const admin = await this.attach('streaming');
    const id = roomId;
    try {
      // One left over (this ingest node's earlier run, or another node that ran ingest before): ours now.
      await admin.destroyMountpoint({ id, secret }).catch(() => {});
      await admin.createRtpMountpoint({
        id,
        name: `room-${roomId}`,
        secret,
        admin_key: this.supervisor!.apiSecret,
        is_private: true,
        permanent: false,
        media: [
          { type: 'audio', mid: 'a', port: ports.audioPort, pt: 111, codec: 'opus', iface: '127.0.0.1' },
          { type: 'video', mid: 'v', port: ports.videoPort, pt: 96, codec: video.codec, ...(video.fmtp ? { fmtp: video.fmtp } : {}), iface: '127.0.0.1' },
        ],
      });
    } finally {
      await admin.detach().catch(() => {});
    }
    const mount: Mount = { local: true, roomId, id, secret, ...ports, viewers: new Map() };
    this.mounts.set(roomId, mount);
    return mount;
  }

  hasMount(roomId: number): boolean {
    return !!this.mounts.get(roomId)?.local;
  }

  /** Janus has the room's mountpoint (made by whichever node runs RTMP ingest). */
  async mountExists(roomId: number): Promise<boolean> {
    if (this.hasMount(roomId)) return true;
    if (this.status() !== 'up') return false;
    const h = await this.attach('streaming');
    try {
      await h.info({ id: roomId, secret: this.janusSecret('mount', roomId) });
      return true;
    } catch {
      return false;
    } finally {
      await h.detach().catch(() => {});
    }
  }

  /** The room's mountpoint goes (only `mount`, when given: not a newer one that replaced it). */
  async destroyMount(roomId: number, mount?: Mount): Promise<void> {
    const m = this.mounts.get(roomId);
    if (!m || (mount && m !== mount)) return;
    this.mounts.delete(roomId);
    for (const v of m.viewers.values()) await v.handle.detach().catch(() => {});
    if (!m.local) return;
    await this.serialMount(roomId, async () => {
      // A newer mountpoint of this room was created meanwhile: it replaced this one at Janus (same id).
      if (!this.session || this.mounts.has(roomId)) return;
      const admin = await this.attach('streaming').catch(() => null);
      await admin?.destroyMountpoint({ id: m.id, secret: m.secret }).catch(() => {});
      await admin?.detach().catch(() => {});
    });
  }

  async liveWatch(roomId: number, userId: number, socketId: string): Promise<{ subId: string; jsep: SfuJsep }> {
    let m = this.mounts.get(roomId);
    // Another node runs ingest: the mountpoint is in the shared Janus under the room's id, if live.
    if (!m && this.supervisor?.state === 'up' && (await this.mountExists(roomId))) {
      m = this.mounts.get(roomId) ?? { local: false, roomId, id: roomId, secret: this.janusSecret('mount', roomId), audioPort: 0, videoPort: 0, viewers: new Map() };
      this.mounts.set(roomId, m);
    }
    if (!m) throw new AppError('NOT_FOUND', 'No real-time stream in this room right now.');
    const handle = await this.attach('streaming');
    try {
      const res = await handle.watch({ id: m.id });
      if (!res.jsep) throw new Error('no offer');
      const subId = randomBytes(8).toString('hex');
      m.viewers.set(subId, { userId, socketId, handle });
      return { subId, jsep: res.jsep };
    } catch (err) {
      await handle.detach().catch(() => {});
      if (!m.local && m.viewers.size === 0 && this.mounts.get(roomId) === m) this.mounts.delete(roomId);
      throw mapJanusError(err);
    }
  }

  private viewer(roomId: number, userId: number, subId: string) {
    const v = this.mounts.get(roomId)?.viewers.get(subId);
    if (!v || v.userId !== userId) throw new AppError('NOT_FOUND', 'No such subscription.');
    return v;
  }

  async liveStart(roomId: number, userId: number, subId: string, jsep: SfuJsep): Promise<void> {
    await this.viewer(roomId, userId, subId)
      .handle.start({ jsep })
      .catch((err: unknown) => {
        throw mapJanusError(err);
      });
  }

  async liveStop(roomId: number, userId: number, subId: string): Promise<void> {
    const v = this.viewer(roomId, userId, subId);
    this.mounts.get(roomId)?.viewers.delete(subId);
    this.forgetRemoteMount(roomId);
    await v.handle.detach().catch(() => {});
  }

  /** Another node's mountpoint is remembered only while someone here watches it. */
  private forgetRemoteMount(roomId: number): void {
    const m = this.mounts.get(roomId);
    if (m && !m.local && m.viewers.size === 0) this.mounts.delete(roomId);
  }

  /** A socket's live viewers end (disconnected; kicked from the room when `roomId` is given). */
  async dropViewerSocket(socketId: string, roomId?: number): Promise<void> {
    for (const m of this.mounts.values()) {
      if (roomId !== undefined && m.roomId !== roomId) continue;
      for (const [id, v] of [...m.viewers]) {
        if (v.socketId !== socketId) continue;
        m.viewers.delete(id);
        this.forgetRemoteMount(m.roomId);
        await v.handle.detach().catch(() => {});
      }
    }
  }

  /** A user's live viewers in a room end. */
  async dropViewer(roomId: number, userId: number): Promise<void> {
    const m = this.mounts.get(roomId);
    if (!m) return;
    for (const [id, v] of [...m.viewers]) {
      if (v.userId !== userId) continue;
      m.viewers.delete(id);
      this.forgetRemoteMount(roomId);
      await v.handle.detach().catch(() => {});
    }
  }
}

function mapJanusError(err: unknown): Error {
  if (err instanceof AppError) return err;
  const code = janusCode(err);
  if (process.env.SFU_DEBUG) console.error('janus error', err);
  if (code === 433) return new AppError('FORBIDDEN', 'The media server refused the request.');
  if (code === 426 || code === 428 || code === 455) return new AppError('NOT_FOUND', 'No such room or feed on the media server.');
  if (code && code >= 429 && code <= 437) return new AppError('VALIDATION', `The media server rejected the session description (${code}).`);
  return new AppError('CONFLICT', `The media server failed: ${(err as Error).message ?? String(err)}`);
}
