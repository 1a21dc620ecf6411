/**
 * Pure parser for FFmpeg's `-progress` output (key=value lines, a block ends with
 * `progress=continue|end`). Used for stream health: fps, speed, dropped frames, output time.
 */
export interface ProgressSample {
  frame: number;
  fps: number;
  /** 1.0 = real time. 0 when unknown. */
  speed: number;
  /** Output time position in ms. */
  outTimeMs: number;
  dropFrames: number;
  dupFrames: number;
  /** Total output size in bytes when FFmpeg knows it (HLS: usually unknown, 0). */
  totalSize: number;
  end: boolean;
}

const num = (v: string | undefined): number => {
  if (v === undefined) return 0;
  const n = Number.parseFloat(v);
  return Number.isFinite(n) ? n : 0;
};

/** Feeds lines, returns a sample when a block completes. Lines that are not key=value are ignored. */
export class ProgressParser {
  private block = new Map<string, string>();

  push(line: string): ProgressSample | null {
    const m = /^\s*([a-z_0-9]+)=\s*(.*?)\s*$/.exec(line);
    if (!m) return null;
    const [, key, value] = m as unknown as [string, string, string];
    if (key !== 'progress') {
      this.block.set(key, value);
      return null;
    }
    const b = this.block;
    this.block = new Map();
    // out_time_us is right in all versions; out_time_ms is also microseconds (an old FFmpeg quirk).
    const outUs = b.has('out_time_us') ? num(b.get('out_time_us')) : num(b.get('out_time_ms'));
    return {
      frame: num(b.get('frame')),
      fps: num(b.get('fps')),
      speed: num(b.get('speed')?.replace(/x$/, '')),
      outTimeMs: Math.max(0, Math.round(outUs / 1000)),
      dropFrames: num(b.get('drop_frames')),
      dupFrames: num(b.get('dup_frames')),
      totalSize: num(b.get('total_size')),
      end: value === 'end',
    };
  }
}
