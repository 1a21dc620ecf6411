/**
 * Live streams (SPEC L1-L5): stream keys, the publish -> FFmpeg -> HLS lifecycle per room, health
 * and viewer counts, and recordings (VOD). The RTMP and FFmpeg mechanics live in media/; this
 * service decides who may publish, what the room is told, and what is kept.
 *
 * Lifecycle of one publish: authorize (key -> room, room not already live) -> published (read the
 * source's codecs from its RTMP metadata, or ffprobe) -> FFmpeg to DATA_DIR/hls/<room>/<stream>/ ->
 * first segment in every variant -> `stream:started` -> ... publisher socket closes (or kick, key
 * rotation, FFmpeg failure, shutdown) -> FFmpeg's input ended (EOF: it lists the last segment and
 * writes ENDLIST itself; one SIGTERM, then SIGKILL only if it does not), playlists checked ->
 * `stream:ended` -> the HLS directory is deleted after a grace period; a recording is remuxed to
 * MP4 with a poster and announced with `stream:recorded`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.js';
import { first, one } from '../../db/query.js';
import { roomMembers, roomStreams, rooms, streamRecordings } from '../../db/schema/index.js';
import type { StreamEndReason, StreamHealth, StreamSettings, StreamState, Vod } from '../../protocol/stream.js';
import { findFfmpeg, type FfmpegBinary } from '../../media/ffmpeg-binary.js';
import { FfmpegRunner } from '../../media/ffmpeg-runner.js';
import { HlsTranscoder, describeExit } from '../../media/hls-transcoder.js';
import { copyable, parseLadder, planRenditions, posterJob, SEGMENT_SECONDS, vodJob, type LadderSpec, type PlannedRendition, type SourceInfo } from '../../media/presets.js';
import { ffprobeSource, sourceFromMetadata } from '../../media/probe.js';
import { SDP_INPUT_ARGS } from '../../media/whip-sdp.js';
import { RTMP_APP, RtmpIngest, redactSecrets, type Publish } from '../../media/rtmp-ingest.js';
import type { AppConfig } from '../config.js';
import { AppError } from '../plugins/errors.js';
import type { RoomEvents } from '../rooms/room-events.js';
import { StreamKeyVault, STREAM_KEY_RE } from './stream-keys.js';

/** Facts and volatile pushes the service needs; the plugin implements them over Socket.IO. */
export interface StreamNotifier {
  health(moderatorIds: number[], health: StreamHealth): void;
  viewers(roomId: number, streamId: string, viewers: number): void;
  /** The ingest lag estimate rose while live: viewers' latency chips follow it. */
  lag?(roomId: number, streamId: string, ingestLagMs: number): void;
  lobby(roomId: number, live: boolean): void;
}

/**
 * A WHIP publish (server/sfu/whip-ingest.ts): Janus holds the publisher's WebRTC and forwards its
 * RTP to loopback ports that `sdpFile` describes; FFmpeg reads that instead of an RTMP URL.
 */
export interface WhipSource {
  sdpFile: string;
  source: SourceInfo;
  /** Ends the publisher at Janus (its forwards and the mountpoint go with it). Idempotent. */
  hangUp(): Promise<void>;
}

interface LiveStream {
  roomId: number;
  /** How the media comes in: RTMP (node-media-server) or WHIP (Janus). */
  ingest: 'rtmp' | 'whip';
  /** WHIP only: set once Janus answered the offer. */
  whip: WhipSource | null;
  streamId: string;
  sessionId: string;
  /** Kept in memory only, for the transcoder's loopback read. */
  key: string;
  status: 'starting' | 'live';
  /** Publish instant. */
  startedAt: number;
  dir: string;
  source: SourceInfo | null;
  renditions: PlannedRendition[];
  transcoder: HlsTranscoder | null;
  vodId: number | null;
  recordFile: string | null;
  lastInBytes: number;
  lastTickAt: number;
  inputKbps: number;
  viewers: Map<number, number>;
  lastViewerCount: number;
  ending: boolean;
  announced: boolean;
  /** See StreamState.ingestLagMs: measured once playable, refined by the health tick. */
  ingestLagMs: number;
}

/** A viewer counts while they fetched a playlist within this window (hls.js reloads every ~1 s). */
const VIEWER_WINDOW_MS = 10_000;
const HEALTH_EVERY_MS = 2_000;
/** Ended streams' HLS files stay this long (players reach the ENDLIST), then are deleted. */
export const HLS_GRACE_MS = 30_000;
const METADATA_WAIT_MS = 1_000;

const newStreamId = () => `${Date.now().toString(36)}${randomBytes(5).toString('hex')}`;

export class StreamService {
  readonly ladder: LadderSpec;
  private readonly vault: StreamKeyVault;
  private readonly hlsRoot: string;
  private readonly vodRoot: string;
  private readonly byRoom = new Map<number, LiveStream>();
  private readonly bySession = new Map<string, LiveStream>();
  private readonly cleanups = new Map<string, NodeJS.Timeout>();
  private readonly pending = new Set<Promise<unknown>>();
  private ingest: RtmpIngest | null = null;
  private binary: FfmpegBinary | null = null;
  private runner: FfmpegRunner | null = null;
  private binaryP: Promise<FfmpegBinary | null> | null = null;
  private problem: string | null = null;
  private tick: NodeJS.Timeout | null = null;
  private startP: Promise<void> | null = null;
  private stopping = false;
  /** Real-time live (server/sfu): told when a stream is playable and when it ends. */
  liveHooks: { started(roomId: number, streamId: string, readerUrl: string, hasAudio: boolean, fps: number): void; ended(roomId: number): void } | null = null;

  constructor(
    private readonly db: Db,
    private readonly events: RoomEvents,
    private readonly notify: StreamNotifier,
    private readonly config: AppConfig,
    private readonly log: FastifyBaseLogger,
  ) {
    try {
      this.ladder = parseLadder(config.streamLadder);
    } catch (err) {
      throw new Error(`Invalid configuration:\n  STREAM_LADDER: ${(err as Error).message}`);
    }
    this.vault = new StreamKeyVault(config.sessionSecret);
    this.hlsRoot = join(config.dataDir, 'hls');
    this.vodRoot = join(config.dataDir, 'vod');
  }

  // ---- start and stop ----

  /** Starts in the background (so it never delays the HTTP server); `ready()` resolves when done. */
  start(): Promise<void> {
    this.startP ??= this.boot().catch((err) => {
      this.problem = `live streaming failed to start: ${(err as Error).message}`;
      this.log.error({ err }, this.problem);
    });
    return this.startP;
  }

  ready(): Promise<void> {
    return this.startP ?? this.start();
  }

  private async boot(): Promise<void> {
    // Whatever a previous run left in hls/ is stale: nothing is live at boot.
    await rm(this.hlsRoot, { recursive: true, force: true });
    await mkdir(this.hlsRoot, { recursive: true });
    const unfinished = await first(this.db.select({ id: streamRecordings.id }).from(streamRecordings).where(eq(streamRecordings.status, 'processing')).limit(1));
    if (!this.config.streamingEnabled && !unfinished) {
      this.problem = 'live streaming is disabled on this server (STREAMING_ENABLED=false)';
      this.binaryP = Promise.resolve(null);
      return;
    }
    this.binaryP = findFfmpeg(this.config.ffmpegPath).then(({ binary, reason }) => {
      this.binary = binary;
      if (binary) {
        this.runner = new FfmpegRunner(binary.ffmpeg);
        void this.runner.warmUp();
        this.log.info({ ffmpeg: binary.ffmpeg, source: binary.source, version: binary.version, ffprobe: binary.ffprobe }, 'FFmpeg found');
        if (binary.source === 'bundled') this.log.warn('using the bundled FFmpeg (2018 build, no ffprobe): install a system ffmpeg for better quality');
      } else {
        this.problem = `FFmpeg is not available: ${reason}`;
        this.log.error(this.problem);
      }
      return binary;
    });
    void this.binaryP.then(() => this.resumeRecordings());
    if (!this.config.streamingEnabled) {
      this.problem = 'live streaming is disabled on this server (STREAMING_ENABLED=false)';
      return;
    }
    try {
      this.ingest = await RtmpIngest.start({
        host: this.config.rtmpHost,
        port: this.config.rtmpPort,
        storeDir: join(this.config.dataDir, 'nms'),
        log: this.log,
        hooks: {
          authorize: (key, sessionId) => this.authorize(key, sessionId),
          published: (p) => this.published(p),
          unpublished: (sessionId) => this.unpublished(sessionId),
        },
      });
      this.log.info({ port: this.ingest.port, host: this.config.rtmpHost }, 'RTMP ingest listening');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      this.problem = e.code === 'EADDRINUSE' ? `RTMP port ${this.config.rtmpPort} is already in use (set RTMP_PORT)` : `RTMP ingest failed to start: ${e.message}`;
      this.log.error({ err }, `${this.problem}; live streaming is off`);
      return;
    }
    this.tick = setInterval(() => void this.healthTick(), HEALTH_EVERY_MS);
    this.tick.unref();
  }

  /** Ends every stream, stops FFmpeg children and the ingest. Called from Fastify's preClose. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.startP;
    if (this.tick) clearInterval(this.tick);
    await Promise.all([...this.byRoom.values()].map((s) => this.end(s, 'shutdown')));
    await this.ingest?.stop();
    this.ingest = null;
    for (const t of this.cleanups.values()) clearTimeout(t);
    this.cleanups.clear();
    // Short jobs (poster, remux) are waited for a little; unfinished recordings resume at next boot.
    await Promise.race([Promise.allSettled([...this.pending]), new Promise((r) => setTimeout(r, 2000))]);
    await rm(this.hlsRoot, { recursive: true, force: true }).catch(() => {});
  }

  get rtmpPort(): number {
    return this.ingest?.port ?? 0;
  }

  /** The FFmpeg PIDs of live transcoders (tests, admin). */
  transcoderPids(): number[] {
    return [...this.byRoom.values()].map((s) => s.transcoder?.pid()).filter((p): p is number => typeof p === 'number');
  }

  // ---- keys and settings ----

  private async settingsRow(roomId: number) {
    const find = () => first(this.db.select().from(roomStreams).where(eq(roomStreams.roomId, roomId)).limit(1));
    let row = await find();
    if (!row) {
      const key = StreamKeyVault.newKey();
      const now = Date.now();
      row =
        (await first(
          this.db
            .insert(roomStreams)
            .values({ roomId, keyHash: this.vault.hash(key), keyEnc: this.vault.seal(key, roomId), record: false, keyRotatedAt: now, createdAt: now })
            .onConflictDoNothing()
            .returning(),
        )) ?? (await find())!;
    }
    return row;
  }

  /** The RTMP URL for OBS's "Server" field. */
  rtmpUrl(requestHost: string): string {
    if (this.config.rtmpPublicUrl) return this.config.rtmpPublicUrl.replace(/\/+$/, '');
    const host = this.config.publicUrl ? new URL(this.config.publicUrl).hostname : requestHost.replace(/:\d+$/, '') || 'localhost';
    const port = this.ingest?.port ?? this.config.rtmpPort;
    return `rtmp://${host}${port === 1935 ? '' : `:${port}`}/${RTMP_APP}`;
  }

  /** Set by the SFU slice: WHIP ingest can take a publish now (Janus up). */
  whipAvailable: () => boolean = () => false;

  /** The WHIP endpoint of a room (OBS 30+: Service "WHIP", Server = this URL), or null when Janus is not up. */
  whipUrl(roomId: number, requestOrigin: string): string | null {
    if (!this.whipAvailable()) return null;
    const origin = this.config.publicUrl ? new URL(this.config.publicUrl).origin : requestOrigin;
    return `${origin}/api/rooms/${roomId}/stream/whip`;
  }

  /** Owner and moderators: URL and key for OBS. Creates the key on first use. */
  async settings(roomId: number, requestHost: string, requestOrigin = `http://${requestHost}`): Promise<StreamSettings> {
    let row = await this.settingsRow(roomId);
    let key = this.vault.open(row.keyEnc, roomId);
    if (!key) {
      // The session secret changed: the old key cannot be shown (nor verified). Issue a new one.
      this.log.warn({ roomId }, 'stream key could not be decrypted (session secret changed?); issuing a new one');
      key = await this.storeNewKey(roomId);
      row = await this.settingsRow(roomId);
    }
    const rtmpUrl = this.rtmpUrl(requestHost);
    const enabled = this.ingest !== null && this.problem === null;
    return {
      enabled,
      unavailableReason: enabled ? null : (this.problem ?? 'live streaming is starting'),
      rtmpUrl,
      streamKey: key,
      fullUrl: `${rtmpUrl}/${key}`,
      whipUrl: this.whipUrl(roomId, requestOrigin),
      record: row.record,
      keyRotatedAt: row.keyRotatedAt,
    };
  }

  private async storeNewKey(roomId: number): Promise<string> {
    await this.settingsRow(roomId);
    const key = StreamKeyVault.newKey();
    await this.db
      .update(roomStreams)
      .set({ keyHash: this.vault.hash(key), keyEnc: this.vault.seal(key, roomId), keyRotatedAt: Date.now() })
      .where(eq(roomStreams.roomId, roomId));
    return key;
  }

  /** New key; the old one is refused from now on and a publisher using it is disconnected. */
  async rotateKey(roomId: number, requestHost: string, requestOrigin?: string): Promise<StreamSettings> {
    await this.storeNewKey(roomId);
    const live = this.byRoom.get(roomId);
    if (live) await this.end(live, 'key_rotated');
    this.log.info({ roomId }, 'stream key rotated');
    return this.settings(roomId, requestHost, requestOrigin);
  }

  async updateSettings(roomId: number, patch: { record?: boolean }, requestHost: string, requestOrigin?: string): Promise<StreamSettings> {
    await this.settingsRow(roomId);
    if (patch.record !== undefined) await this.db.update(roomStreams).set({ record: patch.record }).where(eq(roomStreams.roomId, roomId));
    return this.settings(roomId, requestHost, requestOrigin);
  }

  // ---- publishing (ingest hooks) ----

  /** Whether a room may go live at all (the rooms feature refuses closed rooms). */
  mayPublish: (roomId: number) => boolean | Promise<boolean> = () => true;

  /**
   * From NMS's prePublish (the ingest holds the publish until this answers): the key must be a
   * room's current key, the room open and not live. The live check and the reservation below run
   * in one synchronous step after the last await, so two publishes cannot both take a room.
   */
  private async authorize(key: string, sessionId: string): Promise<boolean> {
    const roomId = await this.roomOfKey(key);
    if (roomId === null) return false;
    if (!(await this.mayPublish(roomId))) {
      this.log.warn({ roomId }, 'publish refused: the room is closed');
      return false;
    }
    if (this.stopping || this.byRoom.has(roomId)) {
      this.log.warn({ roomId }, 'publish refused: the room is already live');
      return false;
    }
    this.reserve(roomId, sessionId, key, 'rtmp');
    return true;
  }

  /** The room whose current key this is, or null (unknown, rotated, malformed, shutting down). */
  private async roomOfKey(key: string): Promise<number | null> {
    if (this.stopping || !STREAM_KEY_RE.test(key)) return null;
    const row = await first(this.db.select({ roomId: roomStreams.roomId }).from(roomStreams).where(eq(roomStreams.keyHash, this.vault.hash(key))).limit(1));
    return row?.roomId ?? null;
  }

  /** Takes the room for a publish (synchronous: callers checked `byRoom` right before, after their last await). */
  private reserve(roomId: number, sessionId: string, key: string, ingest: LiveStream['ingest']): LiveStream {
    const streamId = newStreamId();
    const s: LiveStream = {
      roomId,
      ingest,
      whip: null,
      streamId,
      sessionId,
      key,
      status: 'starting',
      startedAt: Date.now(),
      dir: join(this.hlsRoot, String(roomId), streamId),
      source: null,
      renditions: [],
      transcoder: null,
      vodId: null,
      recordFile: null,
      lastInBytes: 0,
      lastTickAt: Date.now(),
      inputKbps: 0,
      viewers: new Map(),
      lastViewerCount: 0,
      ending: false,
      announced: false,
      ingestLagMs: 0,
    };
    this.byRoom.set(roomId, s);
    this.bySession.set(sessionId, s);
    this.log.info({ roomId, streamId, ingest }, 'publish accepted');
    return s;
  }

  // ---- WHIP (server/sfu/whip-ingest.ts drives Janus; the room's facts are the same as RTMP's) ----

  /**
   * A WHIP publish asks for the room: the Bearer key must be this room's current key (401 otherwise,
   * the same answer for a wrong, rotated or another room's key), the room open (409 ROOM_CLOSED) and
   * not live over RTMP or WHIP (409 CONFLICT). Nothing is announced until the media flows.
   */
  async reserveWhip(roomId: number, key: string): Promise<{ sessionId: string; streamId: string }> {
    // WHIP needs FFmpeg (HLS) and streaming switched on, not the RTMP listener.
    await this.ready();
    const binary = await this.binaryP;
    if (this.stopping || !this.config.streamingEnabled || !binary) throw new AppError('UNAVAILABLE', `Live streaming is not available: ${this.problem ?? 'shutting down'}.`);
    if (!(await first(this.db.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, roomId)).limit(1)))) throw new AppError('NOT_FOUND', 'No such room.');
    const keyRoom = await this.roomOfKey(key);
    if (keyRoom !== roomId) throw new AppError('UNAUTHENTICATED', "Send this room's stream key as the Bearer token.");
    if (!(await this.mayPublish(roomId))) throw new AppError('ROOM_CLOSED', 'This room is closed.');
    if (this.stopping || this.byRoom.has(roomId)) throw new AppError('CONFLICT', 'This room is already live.');
    const sessionId = `whip-${randomBytes(16).toString('hex')}`;
    const s = this.reserve(roomId, sessionId, key, 'whip');
    return { sessionId, streamId: s.streamId };
  }

  /** Janus answered the offer: how to read the media and how to hang up. False: the stream ended meanwhile (key rotated, shutdown). */
  whipAttached(sessionId: string, source: WhipSource): boolean {
    const s = this.bySession.get(sessionId);
    if (!s || s.ending) return false;
    s.whip = source;
    return true;
  }

  /** Janus refused the offer (no 201 went out): the reservation goes, nothing was announced. */
  whipReleased(sessionId: string): void {
    const s = this.bySession.get(sessionId);
    if (!s || s.status !== 'starting' || s.transcoder) return;
    s.ending = true;
    this.byRoom.delete(s.roomId);
    this.bySession.delete(sessionId);
  }

  /** The publisher's WebRTC is up: FFmpeg starts reading the forwarded RTP (the same path as an RTMP publish from here). */
  whipConnected(sessionId: string): void {
    const s = this.bySession.get(sessionId);
    if (!s || s.ending) return;
    this.track(
      this.run(s, null).catch(async (err) => {
        this.log.error({ err: redactSecrets((err as Error).message), roomId: s.roomId, streamId: s.streamId }, 'stream failed');
        await this.end(s, 'error', (err as Error).message);
      }),
    );
  }

  /** DELETE of the session URL, or Janus hung up (ICE failed, the publisher left): ends like an RTMP unpublish. */
  async whipEnded(sessionId: string, reason: StreamEndReason = 'stopped', error: string | null = null): Promise<void> {
    const s = this.bySession.get(sessionId);
    if (s) await this.end(s, reason, error);
  }

  /** Is `key` the room's current key (WHIP DELETE)? */
  async isCurrentKey(roomId: number, key: string): Promise<boolean> {
    return (await this.roomOfKey(key)) === roomId;
  }

  private published(p: Publish): void {
    const s = this.bySession.get(p.sessionId);
    if (!s) return;
    this.track(
      this.run(s, p).catch(async (err) => {
        this.log.error({ err: redactSecrets((err as Error).message), roomId: s.roomId, streamId: s.streamId }, 'stream failed');
        await this.end(s, 'error', (err as Error).message);
      }),
    );
  }

  private unpublished(sessionId: string): void {
    const s = this.bySession.get(sessionId);
    if (s) this.track(this.end(s, 'stopped'));
  }

  private track<T>(p: Promise<T>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** What the source carries: RTMP metadata (arrives right after publish), else ffprobe, else a guess. */
  private async detectSource(s: LiveStream, p: Publish): Promise<SourceInfo | null> {
    const deadline = Date.now() + METADATA_WAIT_MS;
    while (Date.now() < deadline && !s.ending) {
      const meta = sourceFromMetadata(p.session);
      if (meta) return meta;
      await new Promise((r) => setTimeout(r, 25));
    }
    if (this.binary?.ffprobe && this.ingest) return ffprobeSource(this.binary.ffprobe, this.ingest.readerUrl(s.key));
    return null;
  }

  /** From publish to live: FFmpeg to HLS, first segment in every variant, `stream:started`. `p` is null for WHIP. */
  private async run(s: LiveStream, p: Publish | null): Promise<void> {
    const binary = await this.binaryP;
    if (!binary || !this.runner) throw new Error(this.problem ?? 'FFmpeg is not available on the server');
    const whip = s.whip;
    if (!p && !whip) throw new Error('no input for this stream');
    const source = p ? await this.detectSource(s, p) : whip!.source;
    if (s.ending) return;
    s.source = source;
    // Unknown source: try a copy (the common OBS case); a failure falls back to a re-encode below.
    const assumed: SourceInfo = source ?? { videoCodec: 'h264', audioCodec: 'aac', width: 0, height: 0, fps: 30 };
    // WHIP audio is Opus: always encoded to AAC, which must not turn a copyable H.264 video into a re-encode.
    const planned: SourceInfo = whip ? { ...assumed, audioCodec: null } : assumed;
    const settings = await this.settingsRow(s.roomId);
    if (settings.record) {
      await mkdir(join(this.vodRoot, String(s.roomId)), { recursive: true });
      const now = Date.now();
      const vod = await one(
        this.db
          .insert(streamRecordings)
          .values({ roomId: s.roomId, streamId: s.streamId, status: 'processing', startedAt: s.startedAt, endedAt: s.startedAt, createdAt: now })
          .returning({ id: streamRecordings.id }),
      );
      s.vodId = vod.id;
      s.recordFile = this.vodPath(s.roomId, vod.id, 'ts');
    }
    let plan = planRenditions(this.ladder, planned);
    let hasAudio = assumed.audioCodec !== null;
    for (let attempt = 0; ; attempt++) {
      s.renditions = plan;
      const t = new HlsTranscoder(this.runner, {
        input: whip ? whip.sdpFile : this.ingest!.readerUrl(s.key),
        ...(whip ? { inputFormatArgs: SDP_INPUT_ARGS } : {}),
        outDir: s.dir,
        renditions: plan,
        hasAudio,
        sourceAudioAac: assumed.audioCodec === 'aac',
        fps: assumed.fps || 30,
        ...(s.recordFile ? { recordFile: s.recordFile } : {}),
        // Ending FFmpeg's RTMP read (EOF) lets it finish the HLS and the recording itself. RTP over
        // UDP has no end: a WHIP stream's FFmpeg gets the one SIGTERM, after which it finishes too.
        ...(whip ? {} : { closeInput: () => (this.ingest?.closeReaders(s.key) ?? 0) > 0 }),
        onLog: (line) => this.log.debug({ roomId: s.roomId, streamId: s.streamId }, `ffmpeg: ${redactSecrets(line)}`),
      });
      s.transcoder = t;
      await t.start();
      if (s.ending) return void (await t.stop());
      try {
        await t.waitPlayable();
        break;
      } catch (err) {
        if (s.ending) return void (await t.stop());
        const msg = redactSecrets((err as Error).message);
        await t.stop();
        // Decide by trying: a copy that FFmpeg refused (odd codecs) is retried as one 720p re-encode;
        // a source that turned out to have no audio is retried without it.
        const retry = attempt === 0 && (plan.some((r) => r.copy) || /matches no streams/.test(msg));
        if (!retry) throw new Error(msg);
        this.log.warn({ roomId: s.roomId, err: msg }, 'transcoder failed before the first segment; retrying with a re-encode');
        if (/matches no streams/.test(msg)) hasAudio = false;
        plan = planRenditions({ auto: false, copy: false, rungs: ['720p'] }, { ...planned, videoCodec: 'unknown' });
        await rm(s.dir, { recursive: true, force: true });
      }
    }
    if (s.ending) return void (await s.transcoder?.stop());
    await this.measureIngestLag(s);
    s.status = 'live';
    s.announced = true;
    const t = s.transcoder!;
    this.log.info({ roomId: s.roomId, streamId: s.streamId, ms: (t.playableAt ?? Date.now()) - s.startedAt, renditions: plan.map((r) => r.name) }, 'stream live');
    await this.events.broadcast(s.roomId, 'stream:started', { state: this.state(s.roomId) });
    this.notify.lobby(s.roomId, true);
    // Real-time for RTMP: the relay pushes the RTMP stream into a mountpoint. A WHIP stream's
    // mountpoint is fed by Janus itself (whip-ingest.ts) from the moment the publisher connected.
    if (s.ingest === 'rtmp') this.liveHooks?.started(s.roomId, s.streamId, this.ingest!.readerUrl(s.key), hasAudio, assumed.fps || 30);
    // FFmpeg ending on its own (crash, input timeout) ends the stream.
    void t.exited.then((exit) => {
      if (s.ending || s.transcoder !== t) return;
      this.log.error({ roomId: s.roomId, streamId: s.streamId, exit: { code: exit.code, signal: exit.signal, tail: exit.stderrTail.slice(-3).map(redactSecrets) } }, 'transcoder exited');
      this.track(this.end(s, 'error', describeExit(exit)));
    });
  }

  /** Refines the stream's ingest lag from its newest segments (never lowers it: see programDateLagMs). */
  private async measureIngestLag(s: LiveStream): Promise<void> {
    const lag = await s.transcoder?.programDateLagMs().catch(() => null);
    if (typeof lag !== 'number' || lag <= s.ingestLagMs) return;
    const rose = lag - s.ingestLagMs;
    s.ingestLagMs = lag;
    // Viewers got the first estimate with the stream's state: push later refinements (a second
    // reader of the same RTMP input, such as the real-time RTP push, can add lag after it).
    if (s.status === 'live' && rose >= 20) this.notify.lag?.(s.roomId, s.streamId, lag);
  }

  /** Ends a stream once (idempotent): stop FFmpeg, tell the room, schedule cleanup, finish the VOD. */
  private async end(s: LiveStream, reason: StreamEndReason, error: string | null = null): Promise<void> {
    if (s.ending) return;
    s.ending = true;
    if (s.ingest === 'rtmp') {
      this.liveHooks?.ended(s.roomId);
      if (reason !== 'stopped') this.ingest?.kick(s.sessionId);
    }
    await s.transcoder?.stop().catch((err) => this.log.warn({ err }, 'transcoder stop failed'));
    // WHIP: FFmpeg first, while RTP still arrives (its SIGTERM is noticed between packets; a read
    // on silent UDP would wait out -rw_timeout and the grace period). Then Janus drops the
    // publisher, its RTP forwards and the mountpoint (also after a DELETE).
    if (s.ingest === 'whip') await s.whip?.hangUp().catch((err: unknown) => this.log.warn({ err, roomId: s.roomId }, 'WHIP hang-up failed'));
    this.byRoom.delete(s.roomId);
    this.bySession.delete(s.sessionId);
    const endedAt = Date.now();
    if (s.vodId !== null) {
      await this.db.update(streamRecordings).set({ endedAt, durationMs: endedAt - s.startedAt }).where(eq(streamRecordings.id, s.vodId));
    }
    const cleanError = error ? redactSecrets(error).slice(0, 300) : null;
    this.log.info({ roomId: s.roomId, streamId: s.streamId, reason, error: cleanError }, 'stream ended');
    await this.events.broadcast(s.roomId, 'stream:ended', { streamId: s.streamId, reason, error: cleanError, endedAt, vodId: s.vodId });
    if (s.announced) this.notify.lobby(s.roomId, false);
    this.scheduleCleanup(s.dir, s.streamId);
    // At shutdown the recording is finished at the next boot (resumeRecordings).
    if (s.vodId !== null && !this.stopping) this.track(this.finishRecording(s.vodId, s.roomId));
  }

  private scheduleCleanup(dir: string, streamId: string): void {
    const t = setTimeout(() => {
      this.cleanups.delete(streamId);
      void rm(dir, { recursive: true, force: true });
    }, HLS_GRACE_MS);
    t.unref();
    this.cleanups.set(streamId, t);
  }

  /** Moderators: disconnect the publisher now (OBS may reconnect with the same key; rotate it to stop that). */
  async kick(roomId: number): Promise<void> {
    const s = this.byRoom.get(roomId);
    if (!s) throw new AppError('NOT_FOUND', 'The room is not live.');
    await this.end(s, 'kicked');
  }

  // ---- reading ----

  isLive(roomId: number): boolean {
    return this.byRoom.get(roomId)?.status === 'live';
  }

  state(roomId: number): StreamState {
    const s = this.byRoom.get(roomId);
    if (!s) return { roomId, status: 'offline', streamId: null, playlistUrl: null, startedAt: null, viewers: 0, renditions: [], segmentSeconds: SEGMENT_SECONDS, ingestLagMs: 0 };
    return {
      roomId,
      status: s.status,
      streamId: s.streamId,
      playlistUrl: s.status === 'live' ? `/api/rooms/${roomId}/stream/hls/${s.streamId}/master.m3u8` : null,
      startedAt: s.startedAt,
      viewers: this.countViewers(s),
      renditions: s.renditions.map((r) => ({ index: r.index, name: r.name, width: r.width, height: r.height, videoKbps: r.videoKbps, copy: r.copy })),
      segmentSeconds: SEGMENT_SECONDS,
      ingestLagMs: s.ingestLagMs,
    };
  }

  /** A member fetched a playlist of the live stream: they count as a viewer for a while. */
  touchViewer(roomId: number, streamId: string, userId: number): void {
    const s = this.byRoom.get(roomId);
    if (s && s.streamId === streamId) s.viewers.set(userId, Date.now());
  }

  private countViewers(s: LiveStream): number {
    const since = Date.now() - VIEWER_WINDOW_MS;
    for (const [u, at] of s.viewers) if (at < since) s.viewers.delete(u);
    return s.viewers.size;
  }

  /** Absolute path of an HLS file of this room, or null. `rel` must already match HLS_PATH_RE. */
  hlsFile(roomId: number, streamId: string, rest: string): string {
    return join(this.hlsRoot, String(roomId), streamId, rest);
  }

  // ---- health ----

  private async healthTick(): Promise<void> {
    for (const s of [...this.byRoom.values()]) {
      if (s.ending) continue;
      try {
        if (!(await first(this.db.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, s.roomId)).limit(1)))) {
          this.track(this.end(s, 'room_deleted'));
          continue;
        }
        const now = Date.now();
        // WHIP: Janus does not report the publisher's bytes over its API; FFmpeg's frame rate stands in.
        const bytes = s.ingest === 'rtmp' ? (this.ingest?.inBytes(s.sessionId) ?? 0) : 0;
        s.inputKbps = Math.round(((bytes - s.lastInBytes) * 8) / Math.max(1, now - s.lastTickAt));
        s.lastInBytes = bytes;
        s.lastTickAt = now;
        const viewers = this.countViewers(s);
        if (viewers !== s.lastViewerCount && s.status === 'live') {
          s.lastViewerCount = viewers;
          this.notify.viewers(s.roomId, s.streamId, viewers);
        }
        if (s.status === 'live') await this.measureIngestLag(s);
        const health = await this.health(s, viewers);
        const mods = (
          await this.db
            .select({ userId: roomMembers.userId })
            .from(roomMembers)
            .where(and(eq(roomMembers.roomId, s.roomId), inArray(roomMembers.role, ['owner', 'moderator'])))
        ).map((r) => r.userId);
        this.notify.health(mods, health);
      } catch (err) {
        this.log.warn({ err, roomId: s.roomId }, 'stream health check failed');
      }
    }
  }

  private async health(s: LiveStream, viewers: number): Promise<StreamHealth> {
    const p = s.transcoder?.progress ?? null;
    const uptimeMs = Date.now() - s.startedAt;
    const lastSeg = (await s.transcoder?.lastSegmentSeconds()) ?? 0;
    const warnings: string[] = [];
    if (lastSeg > SEGMENT_SECONDS * 1.6) warnings.push(`Segments are ${lastSeg.toFixed(1)} s long: set the keyframe interval to 1 s in OBS (Output > Streaming).`);
    if (p && uptimeMs > 6000 && p.speed > 0 && p.speed < 0.95) warnings.push(`The server transcodes at ${p.speed.toFixed(2)}x real time: viewers will stall. Send H.264/AAC for a source copy or use a lighter STREAM_LADDER.`);
    if (uptimeMs > 4000 && (s.ingest === 'rtmp' ? s.inputKbps === 0 : s.status === 'live' && (p?.fps ?? 0) === 0)) warnings.push('No data is arriving from the encoder.');
    if (s.ingest === 'whip' && s.source && s.source.videoCodec !== 'h264') warnings.push(`The source video is ${s.source.videoCodec}: it is re-encoded for Standard (HLS). H.264 allows a cheaper copy.`);
    else if (s.ingest === 'rtmp' && s.source && !copyable(s.source)) warnings.push(`The source is ${s.source.videoCodec}/${s.source.audioCodec ?? 'no audio'}: it is re-encoded. H.264 + AAC allows a cheaper source copy.`);
    return {
      roomId: s.roomId,
      streamId: s.streamId,
      status: s.status,
      uptimeMs,
      inputKbps: s.inputKbps,
      fps: p?.fps ?? 0,
      width: s.source?.width ?? 0,
      height: s.source?.height ?? 0,
      videoCodec: s.source?.videoCodec ?? 'unknown',
      audioCodec: s.source?.audioCodec ?? 'none',
      speed: p?.speed ?? 0,
      droppedFrames: p?.dropFrames ?? 0,
      duplicatedFrames: p?.dupFrames ?? 0,
      lastSegmentSeconds: lastSeg,
      viewers,
      recording: s.vodId !== null,
      warnings,
    };
  }

  /** Current health of a room's stream (moderators), or null when offline. */
  async healthOf(roomId: number): Promise<StreamHealth | null> {
    const s = this.byRoom.get(roomId);
    return s ? this.health(s, this.countViewers(s)) : null;
  }

  // ---- recordings ----

  vodPath(roomId: number, vodId: number, ext: 'ts' | 'mp4' | 'jpg'): string {
    return join(this.vodRoot, String(roomId), `${vodId}.${ext}`);
  }

  private toVod(r: typeof streamRecordings.$inferSelect): Vod {
    const base = `/api/rooms/${r.roomId}/vods/${r.id}`;
    return {
      id: r.id,
      roomId: r.roomId,
      streamId: r.streamId,
      startedAt: r.startedAt,
      endedAt: r.endedAt,
      durationMs: r.durationMs,
      sizeBytes: r.sizeBytes,
      status: r.status,
      videoUrl: r.status === 'ready' ? `${base}/video.mp4` : null,
      posterUrl: r.status === 'ready' && r.hasPoster ? `${base}/poster.jpg` : null,
    };
  }

  async vods(roomId: number): Promise<Vod[]> {
    return (await this.db.select().from(streamRecordings).where(eq(streamRecordings.roomId, roomId)).orderBy(desc(streamRecordings.startedAt)).limit(200)).map((r) => this.toVod(r));
  }

  async vod(roomId: number, vodId: number): Promise<Vod> {
    const r = await first(this.db.select().from(streamRecordings).where(and(eq(streamRecordings.id, vodId), eq(streamRecordings.roomId, roomId))).limit(1));
    if (!r) throw new AppError('NOT_FOUND', 'No such recording.');
    return this.toVod(r);
  }

  async deleteVod(roomId: number, vodId: number): Promise<void> {
    const v = await this.vod(roomId, vodId);
    if (v.status === 'processing' && [...this.byRoom.values()].some((s) => s.vodId === vodId)) throw new AppError('CONFLICT', 'This recording is still being made.');
    await this.db.delete(streamRecordings).where(eq(streamRecordings.id, vodId));
    for (const ext of ['ts', 'mp4', 'jpg'] as const) await rm(this.vodPath(roomId, vodId, ext), { force: true });
  }

  /** Remux the recorded MPEG-TS to MP4 (+faststart), make a poster, announce it. */
  private async finishRecording(vodId: number, roomId: number): Promise<void> {
    const src = this.vodPath(roomId, vodId, 'ts');
    const mp4 = this.vodPath(roomId, vodId, 'mp4');
    const jpg = this.vodPath(roomId, vodId, 'jpg');
    const fail = async (why: string) => {
      this.log.error({ roomId, vodId, why }, 'recording failed');
      await this.db.update(streamRecordings).set({ status: 'failed' }).where(eq(streamRecordings.id, vodId));
    };
    try {
      const runner = this.runner;
      if (!runner) return await fail('FFmpeg is not available');
      if (!existsSync(src) || (await stat(src)).size === 0) return await fail('nothing was recorded');
      const tmp = `${mp4}.part`;
      let exit = await runner.runToEnd(vodJob(src, tmp, false), `vod ${vodId}`, 10 * 60_000);
      if (exit.error) exit = await runner.runToEnd(vodJob(src, tmp, true), `vod ${vodId} (transcode)`, 60 * 60_000);
      if (exit.error) return await fail(describeExit(exit));
      await rename(tmp, mp4);
      const row = await first(this.db.select().from(streamRecordings).where(eq(streamRecordings.id, vodId)).limit(1));
      if (!row) return; // deleted meanwhile
      const seconds = row.durationMs / 1000;
      const poster = await runner.runToEnd(posterJob(mp4, jpg, seconds > 2 ? 1 : 0), `poster ${vodId}`, 30_000);
      const size = (await stat(mp4)).size;
      await rm(src, { force: true });
      await this.db
        .update(streamRecordings)
        .set({ status: 'ready', sizeBytes: size, hasPoster: !poster.error && existsSync(jpg) })
        .where(eq(streamRecordings.id, vodId));
      await this.events.broadcast(roomId, 'stream:recorded', { vod: await this.vod(roomId, vodId) });
    } catch (err) {
      await fail((err as Error).message);
    } finally {
      if (!this.stopping) {
        const row = await first(this.db.select({ status: streamRecordings.status }).from(streamRecordings).where(eq(streamRecordings.id, vodId)).limit(1));
        if (row?.status === 'failed') await this.events.broadcast(roomId, 'stream:recorded', { vod: await this.vod(roomId, vodId) });
      }
    }
  }

  /** Recordings left 'processing' by a shutdown or crash are finished now. */
  private async resumeRecordings(): Promise<void> {
    if (this.stopping) return;
    const open = await this.db.select().from(streamRecordings).where(eq(streamRecordings.status, 'processing'));
    for (const r of open) {
      if (this.stopping) return;
      if (r.endedAt === r.startedAt) {
        // Never ended cleanly: its length is what the file holds; use the file's age as a bound.
        const st = await stat(this.vodPath(r.roomId, r.id, 'ts')).catch(() => null);
        const endedAt = st ? Math.max(r.startedAt, Math.round(st.mtimeMs)) : r.startedAt;
        await this.db.update(streamRecordings).set({ endedAt, durationMs: endedAt - r.startedAt }).where(eq(streamRecordings.id, r.id));
      }
      this.track(this.finishRecording(r.id, r.roomId));
    }
    // Drop recording files whose row is gone (a deleted room).
    const dirs = await readdir(this.vodRoot).catch(() => [] as string[]);
    for (const d of dirs) {
      if (!/^\d+$/.test(d)) continue;
      if (!(await first(this.db.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, Number(d))).limit(1)))) await rm(join(this.vodRoot, d), { recursive: true, force: true });
    }
  }
}
