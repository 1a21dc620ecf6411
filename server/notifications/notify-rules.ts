/** Pure rules of the notification centre (no I/O): who gets what, mute arithmetic, text, links. */
import { MUTE_MS, MUTED_FOREVER, NOTIFICATION_TEXT_MAX, type MuteChoice, type NotificationKind, type NotifyLevel } from '../../protocol/notifications-constants.js';

/** Room kinds: DMs are rooms too (`rooms.kind`, added by the DM feature); a room without the column is 'room'. */
export type RoomKind = 'room' | 'dm' | 'group' | 'interview';

/** Kinds that come from inside a room and so obey that room's level and mute. Invites (to a room you are not in yet) and alarms do not. */
export const ROOM_SCOPED: ReadonlySet<NotificationKind> = new Set(['mention', 'reply', 'dm', 'message', 'chess', 'stream', 'file', 'session']);
/** Kinds that only `all` lets through: a message that is not addressed to you. */
const EVERY_MESSAGE: ReadonlySet<NotificationKind> = new Set(['message', 'dm', 'session']);
/** Unread rows of these kinds in one room fold into one (text of the latest, count rises). */
export const FOLDED: ReadonlySet<NotificationKind> = new Set(['message', 'dm', 'session']);

export const defaultLevel = (kind: RoomKind): NotifyLevel => (kind === 'room' ? 'mentions' : 'all');

/** Does a room with this level and mute let a notification of `kind` through at `now`? */
export function roomAllows(kind: NotificationKind, level: NotifyLevel, mutedUntil: number | null, now: number): boolean {
  if (!ROOM_SCOPED.has(kind)) return true;
  if (mutedUntil !== null && mutedUntil > now) return false;
  if (level === 'nothing') return false;
  return level === 'all' || !EVERY_MESSAGE.has(kind);
}

/** The instant a mute choice ends: null for 'off'. */
export function muteUntil(choice: MuteChoice, now: number): number | null {
  if (choice === 'off') return null;
  if (choice === 'forever') return MUTED_FOREVER;
  return now + MUTE_MS[choice];
}

/** One plain line, at most NOTIFICATION_TEXT_MAX characters (markdown marks stripped, not rendered). */
export function plainLine(text: string, max = NOTIFICATION_TEXT_MAX): string {
  const line = text
    .replace(/\[([^\]\n]+)\]\((?:https?|mailto):[^)\s]+\)/g, '$1')
    // Emphasis and code marks go; a single `_` stays (it is part of usernames and words).
    .replace(/\*+|`+|~~|__|^>\s*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export { notificationTitle, notificationUrl } from '../../protocol/notifications-format.js';
