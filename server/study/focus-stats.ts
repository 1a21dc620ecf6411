import { addDays, localDay, monthOf, splitByLocalDay, weekStart } from './local-time.js';

export interface FocusSpan {
  startedAt: number;
  endedAt: number;
}

export interface FocusSummary {
  todayMin: number;
  weekMin: number;
  monthMin: number;
  totalMin: number;
  /** Consecutive local days with at least one focused minute, ending today (or yesterday). */
  streakDays: number;
  /** Focused minutes per local day for the last `days` days, oldest first. */
  daily: { day: string; minutes: number }[];
}

/** Pure: milliseconds focused per local day in the user's zone. */
export function msByDay(spans: readonly FocusSpan[], tz: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of spans) {
    for (const { day, ms } of splitByLocalDay(s.startedAt, s.endedAt, tz)) out.set(day, (out.get(day) ?? 0) + ms);
  }
  return out;
}

const minutes = (ms: number) => Math.floor(ms / 60_000);

/** Pure: the current streak. Today without focus yet does not break a streak that ran to yesterday. */
export function streak(byDay: Map<string, number>, today: string): number {
  const focused = (d: string) => minutes(byDay.get(d) ?? 0) >= 1;
  let day = focused(today) ? today : addDays(today, -1);
  let n = 0;
  while (focused(day)) {
    n++;
    day = addDays(day, -1);
  }
  return n;
}

/** Pure: a user's focus summary at `now` in their zone. */
export function summarize(spans: readonly FocusSpan[], tz: string, now: number, days = 14): FocusSummary {
  const byDay = msByDay(spans, tz);
  const today = localDay(now, tz);
  const week = weekStart(today);
  const month = monthOf(today);
  let weekMs = 0;
  let monthMs = 0;
  let totalMs = 0;
  for (const [day, ms] of byDay) {
    totalMs += ms;
    if (day >= week && day <= today) weekMs += ms;
    if (monthOf(day) === month) monthMs += ms;
  }
  const daily = Array.from({ length: days }, (_, i) => {
    const day = addDays(today, i - days + 1);
    return { day, minutes: minutes(byDay.get(day) ?? 0) };
  });
  return {
    todayMin: minutes(byDay.get(today) ?? 0),
    weekMin: minutes(weekMs),
    monthMin: minutes(monthMs),
    totalMin: minutes(totalMs),
    streakDays: streak(byDay, today),
    daily,
  };
}
