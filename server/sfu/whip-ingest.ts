/**
 * WHIP ingest (RFC 9725; docs/decisions/0042-whip-ingest.md): OBS 30+ (or any WHIP client) publishes
 * WebRTC straight into Janus. Our server is the only signalling path, as for calls: the HTTP
 * endpoint (whip.routes.ts) checks the room's stream key and hands the offer to a Janus VideoRoom
 * publisher in a room of its own (`WHIP_ROOM_BASE + roomId`, secret derived like the call rooms').
 * Janus then forwards the publisher's RTP (`rtp_forward`, loopback only) twice:
 * - to the room's Streaming mountpoint, so the Real-time player watches it unchanged;
 * - to FFmpeg (an SDP file describing the ports), which writes the Standard HLS like an RTMP
 *   publish (server/stream/stream.service.ts: the same facts, health, recording and end).
 * The VideoRoom asks the publisher for a keyframe every second (`fir_freq`): viewers joining and
 * HLS segments both need one.
 */
import { createSocket } from 'node:dgram';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JanodeHandle } from 'janode';
import { negotiatedMedia, rtpInputSdp, WHIP_AUDIO_PT, WHIP_VIDEO_PT, type Negotiated } from '../../media/whip-sdp.js';
import { AppError } from '../plugins/errors.js';
import type { StreamService } from '../stream/stream.service.js';
import type { SupervisorLog } from './janus-supervisor.js';
import { loadJanode } from './janode-loader.js';
import { randomFeedId, type Mount, type SfuService } from './sfu.service.js';

/** WHIP VideoRooms live in their own id range: call rooms use the room id itself. */
export const WHIP_ROOM_BASE = 2 ** 50;
/** A publisher whose WebRTC is not up this long after the answer is dropped (and the room freed). */
export const WHIP_CONNECT_TIMEOUT_MS = 30_000;

interface WhipSession {
  resourceId: string;
  sessionId: string;
  roomId: number;
  streamId: string;
  janusRoom: number;
  secret: string;
  handle: JanodeHandle | null;
  mount: Mount | null;
  sdpFile: string | null;
  connected: boolean;
  ended: boolean;
  timer: NodeJS.Timeout | null;
}

/** `count` UDP ports on 127.0.0.1 that are free, each with a free port+1 (FFmpeg binds RTCP there). */
async function freeUdpPorts(count: number): Promise<number[]> {
  const bind = (port: number) =>
    new Promise<ReturnType<typeof createSocket> | null>((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => resolve(null));
      s.bind(port, '127.0.0.1', () => resolve(s));
    });
  const held: ReturnType<typeof createSocket>[] = [];
  const out: number[] = [];
  try {
    for (let tries = 0; out.length < count && tries < 50; tries++) {
      const a = await bind(0);
      if (!a) continue;
      held.push(a);
      const port = a.address().port;
      if (port >= 65535) continue;
      const b = await bind(port + 1);
      if (!b) continue;
      held.push(b);
      out.push(port);
    }
  } finally {
    // Released together: Janus and FFmpeg bind them right after (the same brief race as live-relay.ts).
    await Promise.all(held.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
  if (out.length < count) throw new Error('no free UDP ports on 127.0.0.1');
  return out;
}

export class WhipIngest {
  private readonly sessions = new Map<string, WhipSession>();
  /** Tells the room whether real-time playback is available (the `sfu:live` fact). */
  onChange: (roomId: number, streamId: string, available: boolean) => void = () => {};

  constructor(
    private readonly sfu: SfuService,
    private readonly stream: StreamService,
    private readonly dataDir: string,
    private readonly log: SupervisorLog,
  ) {
    // Janus went away: its publishers are gone, so are the streams (OBS reconnects by itself).
    sfu.on('status', () => {
      if (sfu.status() === 'up') return;
      for (const w of [...this.sessions.values()]) void this.stream.whipEnded(w.sessionId, 'error', 'the media server restarted');
    });
  }

  /** The room's WHIP stream feeds its mountpoint (publisher connected at Janus). */
  available(roomId: number): boolean {
    for (const w of this.sessions.values()) if (w.roomId === roomId && w.connected && !w.ended) return true;
    return false;
  }

  /** The session behind a resource URL, if it is this room's live WHIP stream. */
  private session(roomId: number, resourceId: string): WhipSession | null {
    const w = this.sessions.get(resourceId);
    return w && w.roomId === roomId && !w.ended ? w : null;
  }

  /**
   * POST: the key takes the room (401/404/409 from the stream service), Janus answers the offer,
   * the forwards are set up. Returns the answer and the resource id of the session URL.
   */
  async publish(roomId: number, key: string, offer: string): Promise<{ resourceId: string; answer: string }> {
    if (this.sfu.status() !== 'up') throw new AppError('UNAVAILABLE', 'The media server is not available: publish over RTMP instead.');
    const { sessionId, streamId } = await this.stream.reserveWhip(roomId, key);
    const resourceId = sessionId.slice('whip-'.length);
    const w: WhipSession = {
      resourceId,
      sessionId,
      roomId,
      streamId,
      janusRoom: WHIP_ROOM_BASE + roomId,
      secret: this.sfu.janusSecret('whip', roomId),
      handle: null,
      mount: null,
      sdpFile: null,
      connected: false,
      ended: false,
      timer: null,
    };
    this.sessions.set(resourceId, w);
    try {
      const answer = await this.setUp(w, offer);
      this.log.info({ roomId, streamId }, 'WHIP publish answered');
      return { resourceId, answer };
    } catch (err) {
      await this.tearDown(w);
      this.stream.whipReleased(sessionId);
      throw mapError(err);
    }
  }

  private async setUp(w: WhipSession, offer: string): Promise<string> {
    const { Janode } = await loadJanode();
    const adminKey = this.sfu.supervisor!.apiSecret;
    const admin = await this.sfu.attachHandle('videoroom');
    try {
      // A room left by an earlier run (a crash before its DELETE) goes first: we hold the reservation.
      await admin.destroy({ room: w.janusRoom, secret: w.secret }).catch(() => {});
      await admin.create({
        room: w.janusRoom,
        admin_key: adminKey,
        secret: w.secret,
        is_private: true,
        permanent: false,
        max_publishers: 1,
        // OBS sends H.264 (and Opus); browsers offer both. H.264 first: the HLS copies it as is.
        videocodec: 'h264,vp8',
        audiocodec: 'opus',
        // A keyframe every second: HLS segments are 1 s and real-time viewers join mid-stream.
        fir_freq: 1,
        notify_joining: false,
      });
    } finally {
      await admin.detach().catch(() => {});
    }
    const handle = await this.sfu.attachHandle('videoroom');
    w.handle = handle;
    const feed = randomFeedId();
    const res = await handle.joinConfigurePublisher({ room: w.janusRoom, feed, display: 'whip', audio: true, video: true, jsep: { type: 'offer', sdp: offer } });
    const answer: string | undefined = res?.jsep?.sdp;
    if (!answer) throw new AppError('VALIDATION', 'The media server did not answer the offer.');
    const media = negotiatedMedia(answer);
    if (!media.video) throw new AppError('VALIDATION', 'The offer has no video codec the server takes (H.264 or VP8).');
    await this.forward(w, handle, feed, media);
    // The publisher's WebRTC comes up (or not) after the client applied our answer.
    const onUp = () => {
      if (w.ended || w.connected) return;
      w.connected = true;
      if (w.timer) clearTimeout(w.timer);
      this.log.info({ roomId: w.roomId, streamId: w.streamId }, 'WHIP publisher connected');
      this.onChange(w.roomId, w.streamId, true);
      this.stream.whipConnected(w.sessionId);
    };
    const onGone = () => {
      if (!w.ended) void this.stream.whipEnded(w.sessionId, 'stopped');
    };
    handle.once(Janode.EVENT.HANDLE_WEBRTCUP!, onUp);
    handle.once(Janode.EVENT.HANDLE_HANGUP!, onGone);
    handle.once(Janode.EVENT.HANDLE_DETACHED!, onGone);
    w.timer = setTimeout(() => {
      if (!w.connected && !w.ended) void this.stream.whipEnded(w.sessionId, 'error', 'the publisher did not connect (WebRTC)');
    }, WHIP_CONNECT_TIMEOUT_MS);
    w.timer.unref();
    return answer;
  }

  /** Mountpoint + the two RTP forwards (real-time, HLS); the stream service learns how to read and end it. */
  private async forward(w: WhipSession, handle: JanodeHandle, feed: number, media: Negotiated): Promise<void> {
    const video = media.video!;
    const [mountVideo, mountAudio, hlsVideo, hlsAudio] = await freeUdpPorts(4);
    w.mount = await this.sfu.createMount(w.roomId, { videoPort: mountVideo!, audioPort: mountAudio! }, video.codec === 'h264' ? { codec: 'h264', fmtp: 'profile-level-id=42e01f;packetization-mode=1' } : { codec: 'vp8' });
    const streams = (v: number, a: number) => [{ mid: video.mid, port: v, pt: WHIP_VIDEO_PT }, ...(media.audio ? [{ mid: media.audio.mid, port: a, pt: WHIP_AUDIO_PT }] : [])];
    const admin_key = this.sfu.supervisor!.apiSecret;
    await handle.startForward({ room: w.janusRoom, feed, host: '127.0.0.1', streams: streams(mountVideo!, mountAudio!), secret: w.secret, admin_key });
    await handle.startForward({ room: w.janusRoom, feed, host: '127.0.0.1', streams: streams(hlsVideo!, hlsAudio!), secret: w.secret, admin_key });
    const dir = join(this.dataDir, 'whip');
    await mkdir(dir, { recursive: true });
    w.sdpFile = join(dir, `${w.streamId}.sdp`);
    await writeFile(w.sdpFile, rtpInputSdp({ videoPort: hlsVideo!, audioPort: media.audio ? hlsAudio! : null, video: video.codec, fmtp: video.fmtp }));
    const attached = this.stream.whipAttached(w.sessionId, {
      sdpFile: w.sdpFile,
      source: { videoCodec: video.codec, audioCodec: media.audio ? 'opus' : null, width: 0, height: 0, fps: 30 },
      hangUp: () => this.tearDown(w),
    });
    // Ended while Janus was answering (key rotated, shutdown): nothing would hang this up later.
    if (!attached) throw new AppError('CONFLICT', 'The stream was stopped while it started.');
  }

  /**
   * DELETE of the session URL: the key must still be the room's (the same Bearer token as the
   * POST), the resource id this room's live WHIP session. Ends the stream like an RTMP unpublish.
   */
  async remove(roomId: number, resourceId: string, key: string): Promise<void> {
    if (!(await this.stream.isCurrentKey(roomId, key))) throw new AppError('UNAUTHENTICATED', "Send this room's stream key as the Bearer token.");
    const w = this.session(roomId, resourceId);
    if (!w) throw new AppError('NOT_FOUND', 'No such WHIP session (it has ended).');
    await this.stream.whipEnded(w.sessionId, 'stopped');
  }

  /** Janus drops the publisher (and with it the forwards), the room and the mountpoint. Idempotent. */
  private async tearDown(w: WhipSession): Promise<void> {
    if (w.ended) return;
    w.ended = true;
    if (w.timer) clearTimeout(w.timer);
    this.sessions.delete(w.resourceId);
    if (w.connected) this.onChange(w.roomId, w.streamId, false);
    const handle = w.handle;
    w.handle = null;
    const mount = w.mount ?? undefined;
    if (this.sfu.status() === 'up') {
      await handle?.detach().catch(() => {});
      if (mount) await this.sfu.destroyMount(w.roomId, mount).catch(() => {});
      const admin = await this.sfu.attachHandle('videoroom').catch(() => null);
      await admin?.destroy({ room: w.janusRoom, secret: w.secret }).catch(() => {});
      await admin?.detach().catch(() => {});
    } else if (mount) {
      await this.sfu.destroyMount(w.roomId, mount).catch(() => {});
    }
    if (w.sdpFile) await rm(w.sdpFile, { force: true });
  }

  /** Janus's publishers of the room's WHIP VideoRoom (tests: is the publisher there?). */
  async publishersAtJanus(roomId: number): Promise<number> {
    const h = await this.sfu.attachHandle('videoroom');
    try {
      const r = await h.listParticipants({ room: WHIP_ROOM_BASE + roomId, secret: this.sfu.janusSecret('whip', roomId) });
      return ((r.participants ?? []) as { publisher?: boolean }[]).filter((p) => p.publisher).length;
    } catch {
      return 0;
    } finally {
      await h.detach().catch(() => {});
    }
  }
}

/** Janus's refusals of an offer are the client's fault (400); anything else is ours (503: try again). */
function mapError(err: unknown): Error {
  if (err instanceof AppError) return err;
  const code = /^(\d{3}) /.exec(String((err as Error)?.message ?? ''))?.[1];
  if (code && Number(code) >= 429 && Number(code) <= 437) return new AppError('VALIDATION', `The media server rejected the offer (${code}).`);
  return new AppError('UNAVAILABLE', 'The media server could not take the stream; try again.');
}

/** A resource id as issued (32 hex characters): anything else is a 404 before any lookup. */
export const WHIP_RESOURCE_RE = /^[0-9a-f]{32}$/;
