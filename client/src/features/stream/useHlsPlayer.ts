/**
 * The live player's engine: hls.js (loaded on first use, its own chunk) attached to a <video>,
 * tuned for ~2 s latency (STACK.md), with Safari's native HLS as a fallback. Exposes what the
 * controls need: levels, latency, "behind live", mute, and errors a person can act on.
 */
import { onBeforeUnmount, reactive, ref, watch, type Ref } from 'vue';
import type Hls from 'hls.js';
import type { ErrorData, Level } from 'hls.js';
import { serverNow, startClockSync } from '../../lib/serverClock';
import { edgeDistance, isBehindLive, liveLatency, LIVE_SYNC, viewerLatency } from './latency';

export type PlayerError =
  /** 403 on the playlist: the viewer is no longer a member (kicked, banned, left elsewhere). */
  | 'forbidden'
  /** 401: the session ended. */
  | 'unauthenticated'
  /** 404 after retries: the stream is gone (its end is on its way as a fact). */
  | 'gone'
  | 'network'
  | 'media'
  | 'unsupported';

export interface PlayerState {
  phase: 'loading' | 'playing' | 'buffering' | 'paused' | 'error';
  error: PlayerError | null;
  levels: Level[];
  /** -1 while hls.js chooses (Auto). */
  selectedLevel: number;
  /** The level being played, -1 before the first switch. */
  playingLevel: number;
  /** Seconds the picture on screen is behind the broadcaster (see viewerLatency). */
  latency: number | null;
  behind: boolean;
  muted: boolean;
  /** The browser refused to start playback by itself (even muted): show a play button. */
  needsGesture: boolean;
  /** Milliseconds from loading the playlist to the first frame on screen. */
  firstFrameMs: number | null;
}

const MAX_NETWORK_RETRIES = 6;

/**
 * `ingestLagMs`: how late the stream's program dates run behind the ingest (StreamState), added to
 * the latency computed from them.
 */
export function useHlsPlayer(video: Ref<HTMLVideoElement | null>, src: Ref<string | null>, ingestLagMs: Ref<number> = ref(0)) {
  const s = reactive<PlayerState>({
    phase: 'loading',
    error: null,
    levels: [],
    selectedLevel: -1,
    playingLevel: -1,
    latency: null,
    behind: false,
    muted: true,
    needsGesture: false,
    firstFrameMs: null,
  });

  let hls: Hls | null = null;
  let tick: ReturnType<typeof setInterval> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let networkRetries = 0;
  let mediaRecoveries = 0;
  let startedAt = 0;
  let generation = 0;
  const cleanups: (() => void)[] = [];

  function fail(error: PlayerError): void {
    s.error = error;
    s.phase = 'error';
    teardown();
  }

  function teardown(): void {
    clearInterval(tick);
    clearTimeout(retryTimer);
    for (const c of cleanups.splice(0)) c();
    if (hls) {
      hls.destroy();
      hls = null;
    }
    const v = video.value;
    if (v) {
      v.removeAttribute('src');
      v.load();
    }
  }

  function tryPlay(v: HTMLVideoElement): void {
    v.play().then(
      () => (s.needsGesture = false),
      (err: unknown) => {
        // NotAllowedError: autoplay refused even muted (battery saver, site settings).
        if (err instanceof DOMException && err.name === 'NotAllowedError') s.needsGesture = true;
      },
    );
  }

  function measure(): void {
    const v = video.value;
    if (!v) return;
    // What the viewer sees: the date of the frame on screen against the server clock.
    const native = (v as HTMLVideoElement & { getStartDate?: () => Date }).getStartDate?.();
    const playingDate = hls ? (hls.playingDate?.getTime() ?? null) : native ? native.getTime() + v.currentTime * 1000 : null;
    // How far the playhead is from the live edge: what "Jump to live" can win back.
    const fromEdge = hls
      ? edgeDistance({ liveSyncPosition: hls.liveSyncPosition, targetLatency: hls.targetLatency, currentTime: v.currentTime })
      : v.seekable.length > 0
        ? Math.max(0, v.seekable.end(v.seekable.length - 1) - v.currentTime) // native HLS (Safari)
        : null;
    const seen = viewerLatency({ serverNow: serverNow(), playingDate, ingestLagMs: ingestLagMs.value });
    if (seen !== null) {
      s.latency = seen;
    } else if (hls) {
      // A stream without dates: the distance to the playlist's edge (a little lower than the truth).
      s.latency = liveLatency({ latency: hls.latency, liveSyncPosition: hls.liveSyncPosition, targetLatency: hls.targetLatency, currentTime: v.currentTime });
    } else if (fromEdge !== null) {
      s.latency = fromEdge;
    }
    s.behind = isBehindLive(fromEdge ?? s.latency, v.paused);
  }

  function watchVideo(v: HTMLVideoElement): void {
    const on = (ev: string, fn: () => void) => {
      v.addEventListener(ev, fn);
      cleanups.push(() => v.removeEventListener(ev, fn));
    };
    on('playing', () => {
      s.phase = 'playing';
      if (s.firstFrameMs === null) s.firstFrameMs = Math.round(performance.now() - startedAt);
    });
    on('waiting', () => {
      if (s.phase !== 'error') s.phase = 'buffering';
    });
    on('pause', () => {
      if (s.phase !== 'error') s.phase = 'paused';
    });
    on('volumechange', () => (s.muted = v.muted));
  }

  function onHlsError(h: Hls, HlsClass: typeof Hls, data: ErrorData): void {
    const code = data.response?.code;
    // Membership is checked on every playlist and segment: a 403 will not get better.
    if (code === 403) return fail('forbidden');
    if (code === 401) return fail('unauthenticated');
    if (!data.fatal) return;
    if (data.type === HlsClass.ErrorTypes.NETWORK_ERROR) {
      if (networkRetries >= MAX_NETWORK_RETRIES) return fail(code === 404 ? 'gone' : 'network');
      networkRetries++;
      clearTimeout(retryTimer);
      // A playlist that fails before anything loaded needs a fresh loadSource; later, startLoad.
      retryTimer = setTimeout(() => {
        if (hls !== h || !src.value) return;
        if (s.levels.length === 0) h.loadSource(src.value);
        else h.startLoad();
      }, Math.min(4000, 500 * 2 ** networkRetries));
      return;
    }
    if (data.type === HlsClass.ErrorTypes.MEDIA_ERROR && mediaRecoveries < 2) {
      if (mediaRecoveries++ === 1) h.swapAudioCodec();
      h.recoverMediaError();
      return;
    }
    fail(data.type === HlsClass.ErrorTypes.MEDIA_ERROR ? 'media' : 'network');
  }

  async function load(url: string): Promise<void> {
    const mine = ++generation;
    teardown();
    const v = video.value;
    if (!v) return;
    Object.assign(s, { phase: 'loading', error: null, levels: [], selectedLevel: -1, playingLevel: -1, latency: null, behind: false, needsGesture: false });
    networkRetries = 0;
    mediaRecoveries = 0;
    // Muted autoplay is the only kind browsers allow without a click; the viewer unmutes.
    v.muted = s.muted;
    startedAt = performance.now();
    startClockSync(); // the latency is measured against the server's clock
    watchVideo(v);
    tick = setInterval(measure, 500);

    let HlsClass: typeof Hls;
    try {
      HlsClass = (await import('hls.js/light')).default;
    } catch {
      if (mine === generation) fail('network'); // the chunk did not load (offline, new deploy)
      return;
    }
    if (mine !== generation || video.value !== v) return;

    if (HlsClass.isSupported()) {
      const h = new HlsClass({ ...LIVE_SYNC, backBufferLength: 30 });
      hls = h;
      h.on(HlsClass.Events.MANIFEST_PARSED, (_e, data) => {
        s.levels = data.levels;
        tryPlay(v);
      });
      h.on(HlsClass.Events.LEVEL_SWITCHED, (_e, data) => (s.playingLevel = data.level));
      h.on(HlsClass.Events.FRAG_LOADED, () => (networkRetries = 0));
      h.on(HlsClass.Events.ERROR, (_e, data) => onHlsError(h, HlsClass, data));
      h.attachMedia(v);
      h.loadSource(url);
    } else if (v.canPlayType('application/vnd.apple.mpegurl')) {
      v.src = url;
      const onErr = () => fail('network');
      v.addEventListener('error', onErr);
      cleanups.push(() => v.removeEventListener('error', onErr));
      tryPlay(v);
    } else {
      fail('unsupported');
    }
  }

  watch(
    [video, src],
    ([v, url]) => {
      if (v && url) void load(url);
      else {
        generation++;
        teardown();
      }
    },
    { immediate: true, flush: 'post' },
  );
  onBeforeUnmount(() => {
    generation++;
    teardown();
  });

  return {
    state: s,
    setLevel(level: number): void {
      if (!hls) return;
      // currentLevel switches now (flushing the buffer); -1 hands the choice back to hls.js.
      hls.currentLevel = level;
      s.selectedLevel = level;
    },
    jumpToLive(): void {
      const v = video.value;
      if (!v) return;
      const pos = hls?.liveSyncPosition ?? (v.seekable.length ? v.seekable.end(v.seekable.length - 1) - LIVE_SYNC.liveSyncDuration : null);
      if (pos !== null && Number.isFinite(pos)) v.currentTime = pos;
      tryPlay(v);
      measure();
    },
    togglePlay(): void {
      const v = video.value;
      if (!v) return;
      if (v.paused) {
        tryPlay(v);
      } else v.pause();
    },
    toggleMute(): void {
      const v = video.value;
      if (!v) return;
      v.muted = !v.muted;
      if (!v.muted && v.volume === 0) v.volume = 1;
      s.muted = v.muted;
      if (v.paused) tryPlay(v);
    },
    retry(): void {
      if (src.value) void load(src.value);
    },
  };
}
