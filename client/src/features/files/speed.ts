/** Upload speed from progress samples: bytes over the last few seconds (pure; time passed in). */
export class SpeedMeter {
  private samples: { t: number; bytes: number }[] = [];
  constructor(private readonly windowMs = 4000) {}

  /** Adds a sample (total bytes sent at time `t` ms); returns bytes per second, 0 until known. */
  push(bytes: number, t: number): number {
    this.samples.push({ t, bytes });
    while (this.samples.length > 2 && t - this.samples[0]!.t > this.windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const dt = t - first.t;
    if (dt < 250) return 0;
    return Math.max(0, ((bytes - first.bytes) * 1000) / dt);
  }

  reset(): void {
    this.samples = [];
  }
}

/** "3 s", "2 min 5 s", "1 h 4 min". */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
