/** Notification centre: DTOs and HTTP schemas (SPEC C5; ADR 0013). */
import { z } from 'zod';
import { MUTE_CHOICES, NOTIFICATIONS_PAGE, NOTIFICATION_KINDS, NOTIFY_LEVELS } from './notifications-constants.js';
import { userSchemaOut, usernameSchema } from './users.js';

export * from './notifications-constants.js';

/** Where a notification leads; the client turns it into a route. */
export const notificationLinkSchemaOut = z.object({
  roomId: z.number().nullable(),
  /** Room messages (mention, reply, dm, message): open the room at this message. */
  messageId: z.number().nullable(),
  /** Chess challenges: open this game. */
  gameId: z.number().nullable(),
  /** Stream started: the stream's id. */
  streamId: z.string().nullable(),
  /** Room invites: the room's join code (its invite link is `/r/<code>`). */
  inviteCode: z.string().nullable(),
});
export type NotificationLink = z.infer<typeof notificationLinkSchemaOut>;

export const notificationSchemaOut = z.object({
  id: z.number(),
  kind: z.enum(NOTIFICATION_KINDS),
  /** Who caused it; null for the system (alarms). */
  actor: userSchemaOut.nullable(),
  /** The room's name now (null when not about a room). */
  roomName: z.string().nullable(),
  link: notificationLinkSchemaOut,
  /** Plain text, one line; render as text, never as HTML. */
  text: z.string(),
  /** Unread notifications of the same room and kind are folded into one: how many it stands for. */
  count: z.number(),
  createdAt: z.number(),
  readAt: z.number().nullable(),
});
export type Notification = z.infer<typeof notificationSchemaOut>;

export const notificationListQuerySchema = z
  .object({
    /** Cursor: the smallest id seen (pages go newest first). */
    before: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(50).default(NOTIFICATIONS_PAGE),
    unread: z.enum(['true', 'false']).optional(),
  })
  .strict();

export const notificationPageSchemaOut = z.object({
  notifications: z.array(notificationSchemaOut),
  nextCursor: z.number().nullable(),
  /** My unread notifications, counted up to 100. */
  unread: z.number(),
});
export type NotificationPage = z.infer<typeof notificationPageSchemaOut>;

/** Mark read: given ids (other people's ids are ignored), or everything about one room. */
export const markReadSchema = z.union([
  z.object({ ids: z.array(z.number().int().positive()).min(1).max(100) }).strict(),
  z.object({ roomId: z.number().int().positive() }).strict(),
]);
export const markReadSchemaOut = z.object({ marked: z.number(), unread: z.number() });

export const roomNotifySettingsSchemaOut = z.object({
  roomId: z.number(),
  level: z.enum(NOTIFY_LEVELS),
  /** Nothing from this room until then; `MUTED_FOREVER` means until turned back on; null: not muted. */
  mutedUntil: z.number().nullable(),
});
export type RoomNotifySettings = z.infer<typeof roomNotifySettingsSchemaOut>;

export const roomNotifySettingsPatchSchema = z
  .object({ level: z.enum(NOTIFY_LEVELS).optional(), mute: z.enum(MUTE_CHOICES).optional() })
  .strict()
  .refine((p) => p.level !== undefined || p.mute !== undefined, { message: 'give a level or a mute choice' });

/** "Invite someone": by username (someone you share a room with). */
export const roomInviteSchema = z.object({ username: usernameSchema }).strict();

// ---- Web Push ----

export const pushKeySchemaOut = z.object({
  /** False when the server has Web Push turned off (PUSH_ENABLED=false). */
  enabled: z.boolean(),
  /** The VAPID public key (base64url), for `pushManager.subscribe({ applicationServerKey })`. */
  publicKey: z.string().nullable(),
});

const b64url = (min: number, max: number) => z.string().min(min).max(max).regex(/^[A-Za-z0-9_-]+=*$/, 'base64url');

/** A browser's PushSubscription as `toJSON()` gives it. */
export const pushSubscriptionSchema = z
  .object({
    endpoint: z.string().url().max(1000),
    expirationTime: z.number().nullable().optional(),
    keys: z.object({ p256dh: b64url(80, 100), auth: b64url(16, 32) }).strict(),
  })
  .strict();
export const pushUnsubscribeSchema = z.object({ endpoint: z.string().url().max(1000) }).strict();

/** What the service worker receives in a push (JSON). */
export interface PushPayload {
  id: number;
  kind: Notification['kind'];
  title: string;
  body: string;
  /** Client-relative URL to open on click. */
  url: string;
}
export * from './notifications-format.js';
