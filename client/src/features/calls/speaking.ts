/** Pure: turn analyser samples into a level and a steady "speaking" flag. */

/** RMS of 8-bit time-domain samples (128 = silence), 0..1. */
export function rmsLevel(samples: Uint8Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const s of samples) {
    const v = (s - 128) / 128;
    sum += v * v;
  }
  return Math.sqrt(sum / samples.length);
}

/**
 * Hysteresis and hold so the ring does not flicker between words: on above `on`, off only after
 * the level stayed below `off` for `holdMs`.
 */
export class SpeakingDetector {
  private speaking = false;
  private quietSince: number | null = null;

  constructor(
    private readonly on = 0.04,
    private readonly off = 0.02,
    private readonly holdMs = 400,
  ) {}

  update(level: number, now: number): boolean {
    if (level >= this.on) {
      this.speaking = true;
      this.quietSince = null;
    } else if (this.speaking && level < this.off) {
      this.quietSince ??= now;
      if (now - this.quietSince >= this.holdMs) this.speaking = false;
    } else if (level >= this.off) {
      this.quietSince = null;
    }
    return this.speaking;
  }
}
