/**
 * Notification centre constants shared by client and server. Zod-free, so the client's bell can
 * import them without pulling in the schema library.
 */

/**
 * What a notification is about. `message` is "a new message in a room set to all messages";
 * `file` (a file shared with you) is reserved for the files feature; `session` is a message in
 * the chat of an interview session I take part in.
 */
export const NOTIFICATION_KINDS = ['mention', 'reply', 'dm', 'message', 'invite', 'chess', 'stream', 'alarm', 'file', 'alert', 'session'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * Per-room level. `all`: every message (in a DM: the default); `mentions`: only what is addressed to
 * you (mentions, replies, challenges) and stream starts (the default in rooms); `nothing`: silence.
 */
export const NOTIFY_LEVELS = ['all', 'mentions', 'nothing'] as const;
export type NotifyLevel = (typeof NOTIFY_LEVELS)[number];

/** Mute choices: for a period, until turned back on, or off (unmute). */
export const MUTE_CHOICES = ['1h', '8h', '24h', 'forever', 'off'] as const;
export type MuteChoice = (typeof MUTE_CHOICES)[number];
export const MUTE_MS: Record<Exclude<MuteChoice, 'forever' | 'off'>, number> = { '1h': 3_600_000, '8h': 8 * 3_600_000, '24h': 24 * 3_600_000 };
/** `mutedUntil` of a mute "until I turn it back on" (the largest instant a Date can hold). */
export const MUTED_FOREVER = 8_640_000_000_000_000;

/** Page size of the bell's list. */
export const NOTIFICATIONS_PAGE = 20;
/** Longest notification text (plain text, a one-line excerpt). */
export const NOTIFICATION_TEXT_MAX = 200;
