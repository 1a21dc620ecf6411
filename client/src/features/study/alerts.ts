/**
 * How study events get a person's attention: a generated chime (Web Audio, no files), a browser
 * notification when allowed, and a toast. Browsers only let audio start and permission prompts
 * open after a user gesture, so {@link primeAttention} is called from clicks (Start, Add alarm).
 */
import { toast } from '../../ui/toasts';

let ctx: AudioContext | null = null;

function audio(): AudioContext | null {
  if (typeof AudioContext === 'undefined') return null;
  ctx ??= new AudioContext();
  if (ctx.state === 'suspended') void ctx.resume().catch(() => {});
  return ctx;
}

// The first click anywhere unlocks audio for later chimes.
if (typeof window !== 'undefined') {
  window.addEventListener('pointerdown', () => void audio(), { once: true, capture: true });
}

/** A soft two- or three-note bell. `kind` picks the melody: phase ends rise, alarms repeat. */
export function chime(kind: 'focus-end' | 'break-end' | 'alarm' = 'focus-end'): void {
  const ac = audio();
  if (!ac) return;
  const notes = kind === 'focus-end' ? [659.25, 880] : kind === 'break-end' ? [880, 659.25, 783.99] : [880, 880, 880, 1046.5];
  const start = ac.currentTime + 0.02;
  notes.forEach((freq, i) => {
    const at = start + i * (kind === 'alarm' ? 0.28 : 0.22);
    for (const [mult, level] of [
      [1, 0.22],
      [2.76, 0.05],
    ] as const) {
      const osc = ac.createOscillator();
      const gain = ac.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq * mult;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(level, at + 0.015);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 1.2);
      osc.connect(gain).connect(ac.destination);
      osc.start(at);
      osc.stop(at + 1.25);
    }
  });
}

/** Asks for notification permission (only from a user gesture) and unlocks audio. */
export function primeAttention(): void {
  audio();
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
    void Notification.requestPermission().catch(() => {});
  }
}

/** A browser notification when allowed and the page is not in front of the person. */
export function notify(title: string, body: string, tag: string, onClick?: () => void): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  if (!document.hidden && document.hasFocus()) return;
  try {
    const n = new Notification(title, { body, tag });
    n.onclick = () => {
      window.focus();
      onClick?.();
      n.close();
    };
  } catch {
    // Some mobile browsers only allow notifications from a service worker.
  }
}

/** Chime + notification + toast. */
export function attention(opts: {
  title: string;
  body: string;
  tag: string;
  sound: Parameters<typeof chime>[0];
  onClick?: () => void;
  toastKind?: 'info' | 'success';
  /** Toast key (see toasts.ts), so the toast closes when what it announces goes away. */
  key?: string;
}): void {
  chime(opts.sound);
  notify(opts.title, opts.body, opts.tag, opts.onClick);
  toast({ kind: opts.toastKind ?? 'info', title: opts.title, body: opts.body, key: opts.key, timeoutMs: 9000 });
}
