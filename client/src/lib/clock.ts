/** Pure time formatting. Every function takes an explicit time zone so output is testable. */

const cache = new Map<string, Intl.DateTimeFormat>();

function fmt(locale: string | undefined, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${JSON.stringify(opts)}`;
  let f = cache.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(locale, opts);
    } catch {
      // Unknown time zone: fall back to the browser's own.
      const { timeZone: _ignored, ...rest } = opts;
      f = new Intl.DateTimeFormat(locale, rest);
    }
    cache.set(key, f);
  }
  return f;
}

/** The browser's time zone, e.g. "Europe/Paris". */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const twentyFourHour = new Map<string, boolean>();

/** Whether the locale writes times as 14:05 (true) or 2:05 PM (false). */
function uses24h(locale: string | undefined): boolean {
  const key = locale ?? '';
  let v = twentyFourHour.get(key);
  if (v === undefined) {
    const cycle = new Intl.DateTimeFormat(locale, { hour: 'numeric' }).resolvedOptions().hourCycle;
    v = cycle === 'h23' || cycle === 'h24';
    twentyFourHour.set(key, v);
  }
  return v;
}

/** "14:05" or "2:05 PM", as is the habit where the reader lives. */
export function formatTime(ts: number, timeZone?: string, locale?: string): string {
  return fmt(locale, { hour: uses24h(locale) ? '2-digit' : 'numeric', minute: '2-digit', timeZone }).format(ts);
}

/** "3 Mar 2026, 14:05": for tooltips. */
export function formatDateTime(ts: number, timeZone?: string, locale?: string): string {
  return fmt(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(ts);
}

/** A calendar-day key "2026-03-03" in the given zone; equal keys mean the same day there. */
export function dayKey(ts: number, timeZone?: string): string {
  const parts = fmt('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).formatToParts(ts);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** "Today", "Yesterday" or "Tuesday, 3 March 2026". */
export function formatDay(ts: number, now: number, timeZone?: string, locale?: string): string {
  const day = dayKey(ts, timeZone);
  if (day === dayKey(now, timeZone)) return 'Today';
  if (day === dayKey(now - 86_400_000, timeZone)) return 'Yesterday';
  return fmt(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone }).format(ts);
}

/** A short human duration: "45 s", "3 min", "1 h 5 min", "2 days". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  const min = Math.ceil(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(s / 3600);
  if (h < 48) {
    const rest = Math.round((s - h * 3600) / 60);
    return rest ? `${h} h ${rest} min` : `${h} h`;
  }
  return `${Math.round(h / 24)} days`;
}

/** "in 12 min" until a future instant, "now" once it has passed. */
export function formatUntil(until: number, now: number): string {
  const s = (until - now) / 1000;
  return s <= 0 ? 'now' : `in ${formatDuration(s)}`;
}

// ---- server clock and countdowns ----

/** One `clock:sync` round trip: local send/receive instants and the server's reading. */
export interface ClockSample {
  t0: number;
  t1: number;
  serverNow: number;
}

/**
 * NTP-style offset (server minus local) from several round trips: the sample with the smallest
 * round trip is the least distorted by queueing, and the server read its clock about half-way.
 */
export function bestOffset(samples: readonly ClockSample[]): { offset: number; rtt: number } | null {
  let best: { offset: number; rtt: number } | null = null;
  for (const s of samples) {
    const rtt = s.t1 - s.t0;
    if (!Number.isFinite(rtt) || rtt < 0) continue;
    if (!best || rtt < best.rtt) best = { rtt, offset: s.serverNow - (s.t0 + rtt / 2) };
  }
  return best;
}

/** Milliseconds left until `endsAt` (a server instant) when the server clock reads `serverNow`. */
export function remainingUntil(endsAt: number, serverNow: number): number {
  return Math.max(0, endsAt - serverNow);
}

/**
 * A countdown as "25:00", "04:05" or "1:02:03". Seconds are rounded up, so a fresh 25-minute
 * phase reads 25:00 and 00:00 shows only once it is over.
 */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(Math.round(ms) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * How long until the displayed second of a countdown changes: waking then (plus a hair) makes
 * every client flip its seconds at the same server instant instead of on its own 1 s grid.
 */
export function msUntilNextTick(remainingMs: number): number {
  if (remainingMs <= 0) return 1000;
  const r = Math.round(remainingMs) % 1000;
  return r === 0 ? 1000 : r;
}
