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
  /** Frames decoded at the last stall check, and when that count last grew. */
  framesDecoded: number;
  progressAt: number;
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

/** Should this subscription be decoding video all the time: it had media, is not paused, and the publisher sends a camera (a still screen or a camera-off placeholder may send nothing for long)? */
export function expectsVideo(s: { gotMedia: boolean; paused: boolean }, publisher: { cameraOff: boolean; screen: boolean } | undefined): boolean {
  return s.gotMedia && !s.paused && !!publisher && !publisher.cameraOff && !publisher.screen;
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
    const sub: Sub = { feedId, subId: null, pc, layer, startedAt: Date.now(), gotMedia: false, started: false, paused: false, framesDecoded: 0, progressAt: Date.now() };
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
    void checkStalls(now);
    reconcile();
  }

  /** Re-subscribes to feeds whose video stopped decoding (see `STALLED_VIDEO_MS`). */
  async function checkStalls(now: number): Promise<void> {
    const people = new Map(opts.roster().map((p) => [p.peerId, p]));
    for (const [peerId, sub] of subs) {
      if (!sub.started) continue;
      const n = await videoFramesDecoded(sub.pc).catch(() => sub.framesDecoded);
      if (subs.get(peerId) !== sub) continue;
      if (n !== sub.framesDecoded || !expectsVideo(sub, people.get(peerId))) {
        sub.framesDecoded = n;
        sub.progressAt = now;
      } else if (now - sub.progressAt > STALLED_VIDEO_MS) {
        drop(peerId);
        reconcile();
      }
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

  return { connect, destroy, reconcile, replaceTrack, tuneAll, streams, signal, linkStates, linkIds, connectionOf, reconnect };
}
