/** Pure rules of personal alarms on the client: de-duplicating fires and noticing missed ones. */
import type { Alarm } from '@protocol/study.js';

/** A fire this tab already announced. */
export interface FireRecord {
  id: number;
  at: number;
}

/** A local timeout and the server's `alarm:fired` announce the same fire a little apart. */
export const FIRE_DEDUPE_MS = 5_000;

/** True when a fire of alarm `id` at `at` was already announced (within the window). */
export function isDuplicateFire(recent: readonly FireRecord[], id: number, at: number, windowMs = FIRE_DEDUPE_MS): boolean {
  return recent.some((r) => r.id === id && Math.abs(r.at - at) <= windowMs);
}

/** Keeps only records recent enough to matter. */
export function pruneFires(recent: readonly FireRecord[], now: number, keepMs = 60_000): FireRecord[] {
  return recent.filter((r) => now - r.at <= keepMs);
}

/**
 * The server's lastFiredAt may trail the instant this tab fired locally by a few seconds (or more
 * when the socket was down); a fire counts as missed only when it is clearly newer than the last
 * one seen here. No repeating alarm fires twice within this tolerance.
 */
export const MISSED_TOLERANCE_MS = 60_000;

/**
 * Alarms that went off while nobody was looking: lastFiredAt newer than the last fire seen here
 * and than the last one any of the owner's devices rang or showed (`seenAt`, kept by the server).
 */
export function missedAlarms(alarms: readonly Alarm[], seen: Readonly<Record<string, number>>): Alarm[] {
  return alarms.filter((a) => a.lastFiredAt !== null && a.lastFiredAt > Math.max(seen[String(a.id)] ?? 0, a.seenAt ?? 0) + MISSED_TOLERANCE_MS);
}

/** One toast for however many alarms were missed (several used to stack over half a phone screen). */
export function missedSummary(titles: readonly string[]): { title: string; body: string } | null {
  if (titles.length === 0) return null;
  if (titles.length === 1) return { title: `Missed: ${titles[0]}`, body: 'It went off while this page was closed.' };
  const shown = titles.slice(0, 2).join(', ');
  const more = titles.length > 2 ? ` and ${titles.length - 2} more` : '';
  return { title: `${titles.length} alarms went off while you were away`, body: `${shown}${more}.` };
}

/** When the local timeout should fire: the server instant mapped onto the local clock. */
export function localDelay(nextFireAt: number, serverNow: number): number {
  return Math.max(0, nextFireAt - serverNow);
}

/** "HH:MM" from an <input type=time> into hour and minute, or null. */
export function parseClockTime(value: string): { hour: number; minute: number } | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  if (hour > 23 || minute > 59) return null;
  return { hour, minute };
}
