/**
 * Board sounds made on the spot with Web Audio (no files to load): a short filtered noise burst
 * for a move, a lower and longer one for a capture, two notes for check and for the end.
 * Browsers start audio only after a gesture, so the context is created or resumed on the first
 * pointer or key press on the board ({@link unlockSound}).
 */
const KEY = 'commonroom.chess.sound';

let ctx: AudioContext | null = null;
let noise: AudioBuffer | null = null;

export function soundEnabled(): boolean {
  try {
    return localStorage.getItem(KEY) !== 'off';
  } catch {
    return true;
  }
}

export function setSoundEnabled(on: boolean): void {
  try {
    localStorage.setItem(KEY, on ? 'on' : 'off');
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

function context(): AudioContext | null {
  if (ctx) return ctx;
  const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctor) return null;
  try {
    ctx = new Ctor();
  } catch {
    return null;
  }
  noise = ctx.createBuffer(1, Math.floor(ctx.sampleRate * 0.25), ctx.sampleRate);
  const data = noise.getChannelData(0);
  for (let i = 0; i < data.length; i++) data[i] = Math.random() * 2 - 1;
  return ctx;
}

export function unlockSound(): void {
  const c = context();
  if (c?.state === 'suspended') void c.resume().catch(() => {});
}

function burst(c: AudioContext, at: number, freq: number, decay: number, gain: number): void {
  const src = c.createBufferSource();
  src.buffer = noise;
  const filter = c.createBiquadFilter();
  filter.type = 'bandpass';
  filter.frequency.value = freq;
  filter.Q.value = 1.2;
  const g = c.createGain();
  g.gain.setValueAtTime(gain, at);
  g.gain.exponentialRampToValueAtTime(0.0001, at + decay);
  src.connect(filter).connect(g).connect(c.destination);
  src.start(at);
  src.stop(at + decay + 0.02);
}

function tone(c: AudioContext, at: number, freq: number, dur: number, gain: number): void {
  const osc = c.createOscillator();
  osc.type = 'sine';
  osc.frequency.value = freq;
  const g = c.createGain();
  g.gain.setValueAtTime(0.0001, at);
  g.gain.exponentialRampToValueAtTime(gain, at + 0.01);
  g.gain.exponentialRampToValueAtTime(0.0001, at + dur);
  osc.connect(g).connect(c.destination);
  osc.start(at);
  osc.stop(at + dur + 0.02);
}

export type SoundKind = 'move' | 'capture' | 'check' | 'end' | 'notify';

export function playSound(kind: SoundKind): void {
  if (!soundEnabled()) return;
  const c = context();
  if (!c || c.state !== 'running') return;
  const t = c.currentTime + 0.005;
  switch (kind) {
    case 'move':
      burst(c, t, 1900, 0.07, 0.9);
      break;
    case 'capture':
      burst(c, t, 900, 0.14, 1.2);
      burst(c, t + 0.012, 2600, 0.05, 0.4);
      break;
    case 'check':
      burst(c, t, 1900, 0.07, 0.9);
      tone(c, t + 0.02, 880, 0.16, 0.12);
      break;
    case 'end':
      tone(c, t, 660, 0.22, 0.14);
      tone(c, t + 0.18, 440, 0.35, 0.14);
      break;
    case 'notify':
      tone(c, t, 740, 0.12, 0.1);
      tone(c, t + 0.1, 988, 0.18, 0.1);
      break;
  }
}
