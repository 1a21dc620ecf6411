/** Speaking indicator: a WebAudio analyser per audio stream, sampled ten times a second. */
import { reactive } from 'vue';
import { rmsLevel, SpeakingDetector } from './speaking';

interface Probe {
  track: MediaStreamTrack;
  source: MediaStreamAudioSourceNode;
  analyser: AnalyserNode;
  detector: SpeakingDetector;
  buf: Uint8Array<ArrayBuffer>;
}

export function useSpeaking() {
  const speaking = reactive<Record<string, boolean>>({});
  const probes = new Map<string, Probe>();
  let ctx: AudioContext | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;

  /** Watches `track` under `key` (a peer id or 'me'); null stops watching. */
  function watch(key: string, track: MediaStreamTrack | null | undefined): void {
    const current = probes.get(key);
    if (current?.track === track) return;
    if (current) {
      current.source.disconnect();
      probes.delete(key);
      delete speaking[key];
    }
    if (!track || track.readyState === 'ended') return;
    ctx ??= new AudioContext();
    void ctx.resume().catch(() => {});
    const source = ctx.createMediaStreamSource(new MediaStream([track]));
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    probes.set(key, { track, source, analyser, detector: new SpeakingDetector(), buf: new Uint8Array(analyser.fftSize) });
    timer ??= setInterval(sample, 100);
  }

  function sample(): void {
    const now = performance.now();
    for (const [key, p] of probes) {
      p.analyser.getByteTimeDomainData(p.buf);
      // A muted track still delivers silence; enabled=false means the person muted.
      const level = p.track.enabled ? rmsLevel(p.buf) : 0;
      const on = p.detector.update(level, now);
      if (speaking[key] !== on) speaking[key] = on;
    }
  }

  function stop(): void {
    clearInterval(timer);
    timer = undefined;
    for (const p of probes.values()) p.source.disconnect();
    probes.clear();
    for (const k of Object.keys(speaking)) delete speaking[k];
    void ctx?.close().catch(() => {});
    ctx = null;
  }

  return { speaking, watch, stop };
}
