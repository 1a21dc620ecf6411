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
