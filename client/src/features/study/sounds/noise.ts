/**
 * Focus sounds generated in the browser (no audio files): white, pink and brown noise from
 * seeded random samples, and rain (filtered noise with random droplets). {@link makeNoise} is
 * pure so the colours can be tested; {@link FocusSoundPlayer} wires them into Web Audio.
 */
export const SOUND_KINDS = ['white', 'pink', 'brown', 'rain'] as const;
export type SoundKind = (typeof SOUND_KINDS)[number];

/**
 * `length` samples of noise of the given colour, in [-1, 1]. The last `fade` extra samples are
 * cross-faded into the start so the buffer loops without a click.
 */
export function makeNoise(kind: SoundKind, length: number, random: () => number = Math.random, fade = Math.min(2048, Math.floor(length / 8))): Float32Array {
  const total = length + fade;
  const raw = new Float32Array(total);
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
  let last = 0;
  for (let i = 0; i < total; i++) {
    const w = random() * 2 - 1;
    if (kind === 'white') raw[i] = w * 0.5;
    else if (kind === 'brown') {
      last = (last + 0.02 * w) / 1.02;
      raw[i] = last * 3.5;
    } else {
      // Paul Kellet's pink filter (rain starts from pink and is filtered further in Web Audio).
      b0 = 0.99886 * b0 + w * 0.0555179;
      b1 = 0.99332 * b1 + w * 0.0750759;
      b2 = 0.969 * b2 + w * 0.153852;
      b3 = 0.8665 * b3 + w * 0.3104856;
      b4 = 0.55 * b4 + w * 0.5329522;
      b5 = -0.7616 * b5 - w * 0.016898;
      raw[i] = (b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362) * 0.11;
      b6 = w * 0.115926;
    }
  }
  const out = raw.slice(0, length);
  for (let i = 0; i < fade; i++) {
    const k = i / fade;
    out[i] = out[i]! * k + raw[length + i]! * (1 - k);
  }
  for (let i = 0; i < length; i++) out[i] = Math.max(-1, Math.min(1, out[i]!));
  return out;
}

/** Mean absolute step between neighbouring samples: high for white, low for brown. */
export function roughness(samples: Float32Array): number {
  let sum = 0;
  for (let i = 1; i < samples.length; i++) sum += Math.abs(samples[i]! - samples[i - 1]!);
  return sum / Math.max(1, samples.length - 1);
}

/** Plays one focus sound at a time, looping, with a volume. */
export class FocusSoundPlayer {
  private ctx: AudioContext | null = null;
  private master: GainNode | null = null;
  private nodes: AudioNode[] = [];
  private sources: AudioBufferSourceNode[] = [];
  private droplets: ReturnType<typeof setInterval> | undefined;
  private dropletBuffer: AudioBuffer | null = null;
  kind: SoundKind | null = null;

  private context(): AudioContext {
    if (!this.ctx) {
      this.ctx = new AudioContext();
      this.master = this.ctx.createGain();
      this.master.connect(this.ctx.destination);
    }
    if (this.ctx.state === 'suspended') void this.ctx.resume();
    return this.ctx;
  }

  private buffer(kind: SoundKind, seconds = 6): AudioBuffer {
    const ctx = this.context();
    const len = Math.floor(ctx.sampleRate * seconds);
    const buf = ctx.createBuffer(2, len, ctx.sampleRate);
    // Different noise per ear sounds wider and less "inside the head".
    buf.copyToChannel(makeNoise(kind === 'rain' ? 'pink' : kind, len) as Float32Array<ArrayBuffer>, 0);
    buf.copyToChannel(makeNoise(kind === 'rain' ? 'pink' : kind, len) as Float32Array<ArrayBuffer>, 1);
    return buf;
  }

  play(kind: SoundKind, volume: number): void {
    this.stop();
    const ctx = this.context();
    this.kind = kind;
    this.setVolume(volume);
    const src = ctx.createBufferSource();
    src.buffer = this.buffer(kind);
    src.loop = true;
    this.sources.push(src);
    if (kind === 'rain') {
      // Steady rain: pink noise without the rumble and the harshest hiss.
      const hp = ctx.createBiquadFilter();
      hp.type = 'highpass';
      hp.frequency.value = 450;
      const lp = ctx.createBiquadFilter();
      lp.type = 'lowpass';
      lp.frequency.value = 5200;
      const g = ctx.createGain();
      g.gain.value = 0.9;
      src.connect(hp).connect(lp).connect(g).connect(this.master!);
      this.nodes.push(hp, lp, g);
      this.startDroplets();
    } else {
      src.connect(this.master!);
    }
    src.start();
  }

  /** Droplets: short bursts of band-passed noise at random pitch, scheduled a little ahead. */
  private startDroplets(): void {
    const ctx = this.context();
    this.dropletBuffer ??= (() => {
      const len = Math.floor(ctx.sampleRate * 0.03);
      const b = ctx.createBuffer(1, len, ctx.sampleRate);
      const data = makeNoise('white', len, Math.random, 0);
      for (let i = 0; i < len; i++) data[i] = data[i]! * Math.exp(-i / (len / 6));
      b.copyToChannel(data as Float32Array<ArrayBuffer>, 0);
      return b;
    })();
    let ahead = ctx.currentTime;
    const schedule = () => {
      const until = ctx.currentTime + 0.3;
      ahead = Math.max(ahead, ctx.currentTime);
      while (ahead < until) {
        ahead += 0.015 + Math.random() * 0.09;
        const src = ctx.createBufferSource();
        src.buffer = this.dropletBuffer;
        src.playbackRate.value = 0.6 + Math.random() * 0.9;
        const bp = ctx.createBiquadFilter();
        bp.type = 'bandpass';
        bp.frequency.value = 1800 + Math.random() * 4200;
        bp.Q.value = 2 + Math.random() * 6;
        const g = ctx.createGain();
        g.gain.value = 0.05 + Math.random() ** 3 * 0.5;
        const pan = ctx.createStereoPanner();
        pan.pan.value = Math.random() * 1.6 - 0.8;
        src.connect(bp).connect(g).connect(pan).connect(this.master!);
        src.start(ahead);
      }
    };
    schedule();
    this.droplets = setInterval(schedule, 100);
  }

  setVolume(volume: number): void {
    if (!this.master || !this.ctx) return;
    const v = Math.max(0, Math.min(1, volume));
    // Perceived loudness is roughly logarithmic: square the slider.
    this.master.gain.setTargetAtTime(v * v, this.ctx.currentTime, 0.05);
  }

  stop(): void {
    clearInterval(this.droplets);
    this.droplets = undefined;
    for (const s of this.sources) {
      try {
        s.stop();
      } catch {
        // already stopped
      }
      s.disconnect();
    }
    for (const n of this.nodes) n.disconnect();
    this.sources = [];
    this.nodes = [];
    this.kind = null;
  }

  close(): void {
    this.stop();
    void this.ctx?.close();
    this.ctx = null;
    this.master = null;
    this.dropletBuffer = null;
  }
}
