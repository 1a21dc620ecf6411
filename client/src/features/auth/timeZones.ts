/** Pure helpers for the time-zone picker: UTC offsets and search by city or offset. */

export interface ZoneEntry {
  zone: string;
  /** Minutes east of UTC at the instant the list was made (daylight saving included). */
  offset: number;
  /** "(UTC+05:30) Asia/Kolkata" with spaces for underscores. */
  label: string;
}

/** The zone's UTC offset in minutes at `at`; 0 if the runtime cannot tell. */
export function utcOffsetMinutes(zone: string, at: number): number {
  try {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
    const m = /GMT([+-])(\d{1,2})(?::?(\d{2}))?/.exec(name);
    if (!m) return 0;
    return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
  } catch {
    return 0;
  }
}

/** "UTC+05:30", "UTC-03:00", "UTC+00:00". */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * Chromium lists some zones under their old ICU names (Asia/Calcutta, Europe/Kiev) and leaves out
 * UTC: people search for today's names.
 */
const CURRENT_NAMES: Record<string, string> = {
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Europe/Kiev': 'Europe/Kyiv',
  'America/Godthab': 'America/Nuuk',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Louisville': 'America/Kentucky/Louisville',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Pacific/Truk': 'Pacific/Chuuk',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Enderbury': 'Pacific/Kanton',
};

/** The runtime's zone list with current names, UTC included, sorted and without duplicates. */
export function currentZoneNames(zones: readonly string[]): string[] {
  return [...new Set([...zones.map((z) => CURRENT_NAMES[z] ?? z), 'UTC'])].sort();
}

export function zoneEntries(zones: readonly string[], at: number): ZoneEntry[] {
  return zones.map((zone) => {
    const offset = utcOffsetMinutes(zone, at);
    return { zone, offset, label: `(${formatOffset(offset)}) ${zone.replaceAll('_', ' ')}` };
  });
}

const OFFSET_QUERY = /^(?:utc|gmt)?\s*([+-−])\s*(\d{1,2})(?::?(\d{2}))?$/i;

/**
 * Entries matching `query`: an offset ("+5:30", "UTC-3", "gmt+1" — without minutes any offset in
 * that hour matches) or part of the name ("new york", "kolkata", "europe/").
 */
export function filterZones(entries: readonly ZoneEntry[], query: string): ZoneEntry[] {
  const q = query.trim();
  if (!q) return [...entries];
  const off = OFFSET_QUERY.exec(q);
  if (off) {
    const sign = off[1] === '+' ? 1 : -1;
    const hours = Number(off[2]);
    const minutes = off[3] === undefined ? null : Number(off[3]);
    return entries.filter((e) => {
      if (e.offset !== 0 && Math.sign(e.offset) !== sign) return false;
      const abs = Math.abs(e.offset);
      return Math.floor(abs / 60) === hours && (minutes === null || abs % 60 === minutes);
    });
  }
  const needle = q.toLowerCase().replaceAll('_', ' ');
  return entries.filter((e) => e.label.toLowerCase().includes(needle));
}
