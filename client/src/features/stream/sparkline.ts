/** Pure: scale a series into an SVG polyline path for the health sparklines (plain SVG, no chart lib). */

export interface SparklineOptions {
  /** Fix the bottom of the scale (e.g. 0 for bitrates); default: the data's minimum. */
  min?: number;
  /** Fix the top of the scale; default: the data's maximum. */
  max?: number;
  /** Pixels kept free at the top and bottom so the stroke is not clipped. */
  pad?: number;
  /** How many samples the full width holds; fewer samples are drawn right-aligned. Default: the series length. */
  capacity?: number;
}

export interface Sparkline {
  /** `d` of the line: "M x y L x y …", empty without data. */
  line: string;
  /** `d` of the filled area under the line, empty without data. */
  area: string;
  /** The scale used. */
  lo: number;
  hi: number;
}

const r = (n: number) => Math.round(n * 10) / 10;

/**
 * Points of `values` in a `width`×`height` box: x from left to right (newest at the right edge),
 * y with the maximum at the top. A flat series lies in the middle; non-finite values count as the
 * scale's minimum.
 */
export function sparkline(values: readonly number[], width: number, height: number, opts: SparklineOptions = {}): Sparkline {
  const pad = opts.pad ?? 2;
  const clean = values.map((v) => (Number.isFinite(v) ? v : Number.NaN));
  const finite = clean.filter((v) => !Number.isNaN(v));
  if (finite.length === 0 || width <= 0 || height <= 0) return { line: '', area: '', lo: 0, hi: 0 };
  let lo = opts.min ?? Math.min(...finite);
  let hi = opts.max ?? Math.max(...finite);
  if (opts.max === undefined) hi = Math.max(hi, lo);
  const flat = hi - lo <= 1e-9;
  const capacity = Math.max(opts.capacity ?? clean.length, clean.length, 2);
  const step = width / (capacity - 1);
  const x0 = width - step * (clean.length - 1);
  const inner = height - pad * 2;
  const y = (v: number): number => {
    if (flat) return height / 2;
    const t = (Math.min(hi, Math.max(lo, Number.isNaN(v) ? lo : v)) - lo) / (hi - lo);
    return pad + inner * (1 - t);
  };
  const pts = clean.map((v, i) => `${r(x0 + i * step)} ${r(y(v))}`);
  if (pts.length === 1) pts.unshift(`${r(Math.max(0, x0 - step))} ${r(y(clean[0]!))}`);
  const line = `M ${pts.join(' L ')}`;
  const first = pts[0]!.split(' ')[0];
  const area = `${line} L ${r(width)} ${r(height)} L ${first} ${r(height)} Z`;
  if (flat) {
    lo = finite[0]!;
    hi = finite[0]!;
  }
  return { line, area, lo, hi };
}
