import { z } from 'zod';
import { clientIdSchema } from './client-id.js';
import { userText } from './text.js';
import { userSchemaOut } from './users.js';
import { ROOM_KINDS } from './dms-constants.js';

export const ROLES = ['owner', 'moderator', 'member'] as const;
export type Role = (typeof ROLES)[number];

export const roomIdSchema = z.coerce.number().int().positive();
export const joinCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{6}$/, 'a join code has 6 letters and digits');

export const passcodeSchema = z.string().min(4).max(128);

export const createRoomSchema = z
  .object({
    name: userText(60),
    description: userText(500, { required: false }).default(''),
    passcode: passcodeSchema.optional(),
    listed: z.boolean().default(true),
    capacity: z.number().int().min(2).max(500).default(50),
    /** Idempotency key: a retry with the same id returns the first result (see protocol/client-id.ts). */
    clientId: clientIdSchema.optional(),
  })
  .strict();

export const updateRoomSchema = z
  .object({
    name: userText(60),
    description: userText(500, { required: false }),
    listed: z.boolean(),
    capacity: z.number().int().min(2).max(500),
    slowModeSeconds: z.number().int().min(0).max(3600),
    /** `null` removes the passcode; existing members stay members either way. */
    passcode: passcodeSchema.nullable(),
  })
  .partial()
  .strict();

/**
 * `code`: the room's current join code, required to join an unlisted room (the invite link
 * carries it); listed rooms ignore it. `passcode`: required when the room has one.
 */
export const joinRoomSchema = z.object({ passcode: z.string().max(128).optional(), code: joinCodeSchema.optional() }).strict();

export const transferSchema = z.object({ userId: z.number().int().positive() }).strict();
export const setRoleSchema = z.object({ role: z.enum(['moderator', 'member']) }).strict();
export const banSchema = z
  .object({
    /** Omitted: permanent. */
    minutes: z.number().int().min(1).max(525600).optional(),
    deleteMessages: z.boolean().default(false),
    reason: userText(200, { required: false }).default(''),
  })
  .strict();
export const muteSchema = z.object({ minutes: z.number().int().min(1).max(10080) }).strict();
export const roomSearchSchema = z.object({ q: z.string().trim().max(60).optional() });

export const presenceStatusSchema = z.enum(['online', 'idle']);
export type PresenceStatus = z.infer<typeof presenceStatusSchema> | 'offline';

export const roomSchemaOut = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  description: z.string(),
  listed: z.boolean(),
  capacity: z.number(),
  hasPasscode: z.boolean(),
  slowModeSeconds: z.number(),
  ownerId: z.number(),
  memberCount: z.number(),
  onlineCount: z.number(),
  lastActivityAt: z.number(),
  createdAt: z.number(),
  /** 'room', or a direct conversation ('dm', 'group'; their `code` is always ''). Absent means 'room'. */
  kind: z.enum(ROOM_KINDS).optional(),
  /** Set when an admin closed (archived) the room: readable, read-only for everyone. */
  closedAt: z.number().nullable(),
});
export type Room = z.infer<typeof roomSchemaOut>;

/** A room as listed in the lobby; `myRole` and `unread` are set for the caller's own rooms. */
export const lobbyRoomSchemaOut = roomSchemaOut.extend({
  myRole: z.enum(ROLES).nullable(),
  unread: z.number(),
  /** What the room's pomodoro is doing, null when idle. */
  timer: z
    .object({ phase: z.enum(['focus', 'short', 'long']), status: z.enum(['idle', 'running', 'paused']), endsAt: z.number().nullable() })
    .nullable(),
  /** A live stream is on in the room (updates: `lobby:stream`). Always sent; optional for older clients' literals. */
  live: z.boolean().optional(),
});
export type LobbyRoom = z.infer<typeof lobbyRoomSchemaOut>;

/** What someone holding an invite sees before joining. */
export const roomPreviewSchemaOut = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  description: z.string(),
  hasPasscode: z.boolean(),
  memberCount: z.number(),
  capacity: z.number(),
  isMember: z.boolean(),
});
export type RoomPreview = z.infer<typeof roomPreviewSchemaOut>;

export const memberSchemaOut = z.object({
  user: userSchemaOut,
  role: z.enum(ROLES),
  mutedUntil: z.number().nullable(),
  joinedAt: z.number(),
  presence: z.enum(['online', 'idle', 'offline']),
});
export type Member = z.infer<typeof memberSchemaOut>;
