import { describe, expect, it } from 'vitest';
import { currentZoneNames, filterZones, formatOffset, utcOffsetMinutes, zoneEntries } from './timeZones';

const JAN = Date.UTC(2026, 0, 15);
const JUL = Date.UTC(2026, 6, 15);
const zones = ['Asia/Kolkata', 'America/New_York', 'Europe/Berlin', 'UTC', 'Asia/Kathmandu', 'America/St_Johns'];

describe('time zones with offsets (issue 17 item 20)', () => {
  it('knows offsets, with daylight saving', () => {
    expect(utcOffsetMinutes('Asia/Kolkata', JAN)).toBe(330);
    expect(utcOffsetMinutes('America/New_York', JAN)).toBe(-300);
    expect(utcOffsetMinutes('America/New_York', JUL)).toBe(-240);
    expect(utcOffsetMinutes('UTC', JUL)).toBe(0);
    expect(utcOffsetMinutes('Not/AZone', JUL)).toBe(0);
  });

  it('labels entries with the offset first', () => {
    expect(formatOffset(-210)).toBe('UTC-03:30');
    expect(formatOffset(0)).toBe('UTC+00:00');
    expect(zoneEntries(['America/New_York'], JAN)[0]!.label).toBe('(UTC-05:00) America/New York');
  });

  it('uses today\'s names for zones Chromium lists under old ones, and includes UTC', () => {
    expect(currentZoneNames(['Europe/Kiev', 'Asia/Calcutta', 'Asia/Kolkata'])).toEqual(['Asia/Kolkata', 'Europe/Kyiv', 'UTC']);
  });

  it('finds zones by city, region or offset', () => {
    const all = zoneEntries(zones, JAN);
    const names = (q: string) => filterZones(all, q).map((e) => e.zone);
    expect(names('new york')).toEqual(['America/New_York']);
    expect(names('NEW_YORK')).toEqual(['America/New_York']);
    expect(names('asia/')).toEqual(['Asia/Kolkata', 'Asia/Kathmandu']);
    expect(names('+5:30')).toEqual(['Asia/Kolkata']);
    expect(names('UTC+5')).toEqual(['Asia/Kolkata', 'Asia/Kathmandu']);
    expect(names('gmt-5')).toEqual(['America/New_York']);
    expect(names('-3:30')).toEqual(['America/St_Johns']);
    expect(names('+0')).toEqual(['UTC']);
    expect(names('')).toHaveLength(zones.length);
    expect(names('atlantis')).toEqual([]);
  });
});
