/**
 * The SFU side of a large call (Janus VideoRoom through our server): one publishing
 * RTCPeerConnection (camera/mic once, simulcast in three layers) and one receiving connection per
 * other participant's feed. Every offer and answer goes through our socket commands with a
 * short-lived token; the browser never talks to Janus's API. Same surface as usePeerMesh, so the
 * store swaps one for the other without anyone leaving the call. Plain WebRTC, no janus.js.
 */
import { reactive, ref, shallowReactive } from 'vue';
import type { CallParticipant, IceServer } from '@protocol/calls.js';
import { command } from '../../lib/socket';
import type { SignalState } from './usePeerMesh';

/** Simulcast: three layers, high to low (Janus substream 2, 1, 0). */
export const SIMULCAST: RTCRtpEncodingParameters[] = [
  { rid: 'h', maxBitrate: 900_000 },
  { rid: 'm', maxBitrate: 300_000, scaleResolutionDownBy: 2 },
  { rid: 'l', maxBitrate: 100_000, scaleResolutionDownBy: 4 },
];

/** The layer a tile of this width needs: 0 (small), 1 (medium), 2 (large or pinned). */
export function layerForWidth(width: number): 0 | 1 | 2 {
  if (width >= 480) return 2;
  if (width >= 220) return 1;
  return 0;
}

interface Sub {
  feedId: number;
  subId: string | null;
  pc: RTCPeerConnection;
  layer: number;
  startedAt: number;
  gotMedia: boolean;
  /** Janus answered our sfu:start: pausing and layers may be asked for. */
  started: boolean;
  /** Video paused at Janus (what we last asked for). */
  paused: boolean;
  /** The stall watchdog's view of this subscription's video (see `stallCheck`). */
  watch: StallWatch;
}

/** Resolves when ICE gathering completes (or after `ms`: what was gathered goes). */
function gathered(pc: RTCPeerConnection, ms = 2500): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    }
    function check() {
      if (pc.iceGatheringState === 'complete') done();
    }
    pc.addEventListener('icegatheringstatechange', check);
  });
}

const NO_MEDIA_RETRY_MS = 12_000;
/**
 * A subscription whose video stopped decoding for this long while its publisher sends a camera
 * is subscribed afresh (a new subscription starts on a keyframe). Seen when a simulcast layer
 * vanishes under load, e.g. a screen share that ends while the viewer was on its middle layer.
 */
export const STALLED_VIDEO_MS = 8_000;

/** The longest wait between re-subscribes while a feed stays stalled (the back-off's ceiling). */
export const MAX_STALLED_VIDEO_MS = 60_000;

/** Should this subscription be decoding video all the time: it had media, is not paused, and the publisher sends a camera (a still screen or a camera-off placeholder may send nothing for long)? */
export function expectsVideo(s: { gotMedia: boolean; paused: boolean }, publisher: { cameraOff: boolean; screen: boolean } | undefined): boolean {
  return s.gotMedia && !s.paused && !!publisher && !publisher.cameraOff && !publisher.screen;
}

/**
 * How long a subscription may go without a decoded frame before it is subscribed afresh, after
 * `retries` re-subscribes in a row that brought no frame: 8 s, 16 s, 32 s, then every 60 s. A
 * publisher whose camera truly sends nothing is not re-subscribed every 8 s (each time the audio
 * drops for a moment and Janus makes a new handle); one decoded frame ends the back-off.
 */
export function stallLimitMs(retries: number): number {
  return Math.min(STALLED_VIDEO_MS * 2 ** Math.max(0, retries), MAX_STALLED_VIDEO_MS);
}

/** What the watchdog knows of one subscription's video between two checks. */
export interface StallWatch {
  /** Frames decoded at the last check. */
  frames: number;
  /** When that count last grew (or the subscription started). */
  lastFrameAt: number;
  /** Since when video was expected (`expectsVideo`) and none was decoded. */
  quietSince: number;
}

export const freshWatch = (now: number): StallWatch => ({ frames: 0, lastFrameAt: now, quietSince: now });

/**
 * One watchdog check of a subscription: `frames` decoded so far, whether video is `expected` now,
 * and the peer's re-subscribes in a row without a frame. Returns the next state, whether frames
 * came (which ends the back-off) and whether to re-subscribe.
 */
export function stallCheck(w: StallWatch, frames: number, now: number, expected: boolean, retries: number): { next: StallWatch; progressed: boolean; resubscribe: boolean } {
  const progressed = frames !== w.frames;
  const next: StallWatch = { frames, lastFrameAt: progressed ? now : w.lastFrameAt, quietSince: progressed || !expected ? now : w.quietSince };
  return { next, progressed, resubscribe: !progressed && expected && now - w.quietSince > stallLimitMs(retries) };
}

/** Frames decoded so far on a receiving connection's video (0 when none yet). */
async function videoFramesDecoded(pc: RTCPeerConnection): Promise<number> {
  let n = 0;
  for (const r of (await pc.getStats()).values()) if (r.type === 'inbound-rtp' && r.kind === 'video') n += Number(r.framesDecoded ?? 0);
  return n;
}

export function useSfuLink(opts: {
  roomId: () => number | null;
  outgoing: () => MediaStream;
  /** Everyone in the call (me included) with their feeds. */
  roster: () => CallParticipant[];
  myUserId: () => number | undefined;
  /** The layer I want for a participant's tile (by its size; pinned = 2). */
  layerFor: (peerId: string) => number;
  /** Is the participant's tile on screen (current page, main tile, active speaker)? Off-page video is paused. */
  visible: (peerId: string) => boolean;
}) {
  const streams = shallowReactive(new Map<string, MediaStream>());
  const signal = ref<SignalState>('idle');
  const linkStates = reactive<Record<string, RTCIceConnectionState | 'new'>>({});
  const linkIds = reactive<Record<string, string>>({});
  /** Re-subscribes the stall watchdog made, per participant (tiles show it as `data-resubscribes`). */
  const resubscribes = reactive<Record<string, number>>({});
  /** Milliseconds since the last decoded frame of each subscription, as of the watchdog's last check. */
  const videoIdleMs = reactive<Record<string, number>>({});
  /** Re-subscribes in a row that brought no frame, per participant and feed (the back-off). */
  const stallRetries = new Map<string, { feedId: number; retries: number }>();
  let pub: RTCPeerConnection | null = null;
  const subs = new Map<string, Sub>();
  let iceServers: IceServer[] = [];
  let token: { token: string; expiresAt: number } | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  let destroyed = true;
  let publishing: Promise<void> | null = null;
  let reconciling = false;

  async function freshToken(): Promise<string> {
    const roomId = opts.roomId();
    if (roomId === null) throw new Error('no room');
    if (!token || token.expiresAt - Date.now() < 20_000) token = await command('sfu:token', { roomId, role: 'call' });
    return token.token;
  }

  async function connect(servers: IceServer[]): Promise<void> {
    destroyed = false;
    iceServers = servers;
    signal.value = 'connecting';
    clearInterval(timer);
    timer = setInterval(tick, 2000);
    await publish();
    reconcile();
  }

  function publish(): Promise<void> {
    if (publishing) return publishing;
    publishing = (async () => {
      try {
        pub?.close();
        const pc = new RTCPeerConnection({ iceServers });
        pub = pc;
        const out = opts.outgoing();
        const audio = out.getAudioTracks()[0];
        const video = out.getVideoTracks()[0];
        if (audio) pc.addTransceiver(audio, { direction: 'sendonly', streams: [out] });
        if (video) pc.addTransceiver(video, { direction: 'sendonly', streams: [out], sendEncodings: SIMULCAST.map((e) => ({ ...e })) });
        pc.addEventListener('iceconnectionstatechange', () => {
          if (pub !== pc) return;
          if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') signal.value = 'open';
          if (pc.iceConnectionState === 'failed') {
            signal.value = 'reconnecting';
            void republishSoon();
          }
        });
        await pc.setLocalDescription(await pc.createOffer());
        await gathered(pc);
        const roomId = opts.roomId();
        if (roomId === null || destroyed || pub !== pc) return;
        const res = await command('sfu:publish', { roomId, token: await freshToken(), jsep: { type: 'offer', sdp: pc.localDescription!.sdp } });
        if (destroyed || pub !== pc) return;
        await pc.setRemoteDescription(res.jsep);
      } finally {
        publishing = null;
      }
    })();
    return publishing;
  }

  let republishTimer: ReturnType<typeof setTimeout> | undefined;
  function republishSoon(): void {
    clearTimeout(republishTimer);
    republishTimer = setTimeout(() => {
      if (!destroyed) publish().catch(() => republishSoon());
    }, 1000);
  }

  async function subscribe(peerId: string, feedId: number): Promise<void> {
    const roomId = opts.roomId();
    if (roomId === null) return;
    const pc = new RTCPeerConnection({ iceServers });
    const layer = opts.layerFor(peerId);
    const sub: Sub = { feedId, subId: null, pc, layer, startedAt: Date.now(), gotMedia: false, started: false, paused: false, watch: freshWatch(Date.now()) };
    subs.set(peerId, sub);
    linkStates[peerId] = 'new';
    pc.addEventListener('track', () => {
      if (subs.get(peerId) !== sub) return;
      sub.gotMedia = true;
      streams.set(peerId, new MediaStream(pc.getReceivers().map((r) => r.track)));
    });
    pc.addEventListener('iceconnectionstatechange', () => {
      if (subs.get(peerId) !== sub) return;
      linkStates[peerId] = pc.iceConnectionState;
      if (pc.iceConnectionState === 'failed') drop(peerId);
    });
    try {
      const res = await command('sfu:subscribe', { roomId, token: await freshToken(), feedId, substream: layer });
      if (subs.get(peerId) !== sub) {
        void command('sfu:unsubscribe', { roomId, token: await freshToken(), subId: res.subId }).catch(() => {});
        return;
      }
      sub.subId = res.subId;
      linkIds[peerId] = res.subId;
      await pc.setRemoteDescription(res.jsep);
      await pc.setLocalDescription(await pc.createAnswer());
      await gathered(pc);
      if (subs.get(peerId) !== sub) return;
      await command('sfu:start', { roomId, token: await freshToken(), subId: res.subId, jsep: { type: 'answer', sdp: pc.localDescription!.sdp } });
      sub.started = true;
      sub.watch = freshWatch(Date.now());
      tuneAll();
    } catch {
      // The feed went (left, republished) or Janus restarted: the next pass tries again.
      if (subs.get(peerId) === sub) drop(peerId);
    }
  }

  function drop(peerId: string): void {
    const sub = subs.get(peerId);
    if (!sub) return;
    subs.delete(peerId);
    streams.delete(peerId);
    delete linkStates[peerId];
    delete linkIds[peerId];
    delete videoIdleMs[peerId];
    sub.pc.close();
    const roomId = opts.roomId();
    if (sub.subId && roomId !== null && !destroyed) {
      const subId = sub.subId;
      void freshToken()
        .then((t) => command('sfu:unsubscribe', { roomId, token: t, subId }))
        .catch(() => {});
    }
  }

  /** Subscribes to every other participant's current feed, drops the rest, adjusts layers. */
  function reconcile(): void {
    if (destroyed || reconciling) return;
    reconciling = true;
    try {
      const me = opts.myUserId();
      const want = new Map<string, number>();
      for (const p of opts.roster()) if (p.userId !== me && p.feedId) want.set(p.peerId, p.feedId);
      for (const [peerId, sub] of subs) if (want.get(peerId) !== sub.feedId) drop(peerId);
      for (const peerId of Object.keys(resubscribes)) if (!want.has(peerId)) delete resubscribes[peerId];
      for (const [peerId, s] of stallRetries) if (want.get(peerId) !== s.feedId) stallRetries.delete(peerId);
      for (const [peerId, feedId] of want) if (!subs.has(peerId)) void subscribe(peerId, feedId);
      tuneAll();
    } finally {
      reconciling = false;
    }
  }

  function tick(): void {
    const now = Date.now();
    // A paused subscription still gets audio (and had its video before): not a dead one.
    for (const [peerId, sub] of subs) if (!sub.gotMedia && !sub.paused && now - sub.startedAt > NO_MEDIA_RETRY_MS) drop(peerId);
    void checkStalls();
    reconcile();
  }

  let checking = false;
  /** Re-subscribes to feeds whose video stopped decoding (see `STALLED_VIDEO_MS`, `stallLimitMs`). */
  async function checkStalls(): Promise<void> {
    // getStats can take longer than the 2 s tick on a busy machine: one check at a time.
    if (checking) return;
    checking = true;
    try {
      for (const [peerId, sub] of [...subs]) {
        if (!sub.started) continue;
        const n = await videoFramesDecoded(sub.pc).catch(() => sub.watch.frames);
        if (destroyed || subs.get(peerId) !== sub) continue;
        const now = Date.now();
        const back = stallRetries.get(peerId);
        const retries = back?.feedId === sub.feedId ? back.retries : 0;
        const publisher = opts.roster().find((p) => p.peerId === peerId);
        const r = stallCheck(sub.watch, n, now, expectsVideo(sub, publisher), retries);
        sub.watch = r.next;
        videoIdleMs[peerId] = now - r.next.lastFrameAt;
        if (r.progressed) stallRetries.delete(peerId);
        if (r.resubscribe) {
          stallRetries.set(peerId, { feedId: sub.feedId, retries: retries + 1 });
          resubscribes[peerId] = (resubscribes[peerId] ?? 0) + 1;
          drop(peerId);
          reconcile();
        }
      }
    } finally {
      checking = false;
    }
  }

  /**
   * Layers follow tile sizes: ask Janus for another substream when a tile grows or shrinks; the
   * video of tiles off-page is paused at Janus (nothing sent to us) and resumed when shown.
   */
  function tuneAll(): void {
    const roomId = opts.roomId();
    if (roomId === null) return;
    for (const [peerId, sub] of subs) {
      const pause = !opts.visible(peerId);
      if (sub.subId && sub.started && pause !== sub.paused) {
        sub.paused = pause;
        const subId = sub.subId;
        void freshToken()
          .then((t) => command('sfu:pause', { roomId, token: t, subId, paused: pause }))
          .catch(() => {
            // Refused (the subscription went): the next pass asks again.
            if (subs.get(peerId) === sub) sub.paused = !pause;
          });
      }
      const want = opts.layerFor(peerId);
      if (!sub.subId || want === sub.layer) continue;
      sub.layer = want;
      const subId = sub.subId;
      void freshToken()
        .then((t) => command('sfu:layer', { roomId, token: t, subId, substream: want }))
        .catch(() => {});
    }
  }

  async function replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void> {
    const sender = pub?.getTransceivers().find((t) => t.receiver.track.kind === kind)?.sender;
    await sender?.replaceTrack(track).catch(() => {});
  }

  function destroy(): void {
    destroyed = true;
    clearInterval(timer);
    clearTimeout(republishTimer);
    for (const peerId of [...subs.keys()]) drop(peerId);
    stallRetries.clear();
    for (const peerId of Object.keys(resubscribes)) delete resubscribes[peerId];
    pub?.close();
    pub = null;
    token = null;
    signal.value = 'closed';
  }

  /** Janus restarted (a new epoch) or the socket came back: publish and subscribe afresh. */
  async function reconnect(): Promise<void> {
    if (destroyed) return;
    for (const peerId of [...subs.keys()]) drop(peerId);
    signal.value = 'reconnecting';
    await publish().catch(() => republishSoon());
    reconcile();
  }

  function connectionOf(peerId: string): RTCPeerConnection | undefined {
    return subs.get(peerId)?.pc;
  }

  return { connect, destroy, reconcile, replaceTrack, tuneAll, streams, signal, linkStates, linkIds, resubscribes, videoIdleMs, connectionOf, reconnect };
}
