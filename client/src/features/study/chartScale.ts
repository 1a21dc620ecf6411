/** Pure scaling for the focus bar chart. */

/**
 * A round axis maximum at or above `max` minutes whose quarters read well (5 min, 10 min, 15 min,
 * 30 min, 1 h, 1.5 h, 2 h…). An empty chart gets an hour.
 */
export function niceMax(max: number): number {
  if (max <= 0) return 60;
  const steps = [20, 40, 60, 120, 240, 360, 480, 720, 960, 1440];
  for (const s of steps) if (max <= s) return s;
  return Math.ceil(max / 240) * 240;
}

/** Axis label: "15m", "1h", "1.5h". */
export function tickLabel(min: number): string {
  if (min < 60) return `${Math.round(min)}m`;
  return `${Math.round((min / 60) * 10) / 10}h`;
}

/** Axis ticks (in minutes) from 0 to the nice maximum, four intervals. */
export function ticks(top: number): number[] {
  return [0, 1, 2, 3, 4].map((i) => (top * i) / 4);
}

export interface Bar {
  day: string;
  minutes: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Bars of `height` px for the days; a day with any focus gets at least 2 px so it shows. */
export function layoutBars(days: readonly { day: string; minutes: number }[], width: number, height: number, gap = 6): { bars: Bar[]; top: number } {
  const top = niceMax(Math.max(0, ...days.map((d) => d.minutes)));
  const n = Math.max(1, days.length);
  const barW = Math.max(1, (width - gap * (n - 1)) / n);
  const bars = days.map((d, i) => {
    const h = d.minutes > 0 ? Math.max(2, (d.minutes / top) * height) : 0;
    return { day: d.day, minutes: d.minutes, x: i * (barW + gap), y: height - h, width: barW, height: h };
  });
  return { bars, top };
}

/** "1 h 25 min", "45 min", "0 min" for focus totals. */
export function formatMinutes(min: number): string {
  const m = Math.max(0, Math.round(min));
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return rest ? `${h} h ${rest} min` : `${h} h`;
}
