import { z } from 'zod';
import { USER_FILTERS, USER_SORT_KEYS } from './admin-constants.js';
import { passwordSchema } from './users.js';

/** GET /api/admin/users: search (username or display name, partial), filter, sort, page. */
export const adminUserQuerySchema = z
  .object({
    q: z.string().trim().max(60).optional(),
    filter: z.enum(USER_FILTERS).default('all'),
    sort: z.enum(USER_SORT_KEYS).default('createdAt'),
    dir: z.enum(['asc', 'desc']).default('desc'),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(5).max(100).default(25),
  })
  .strict();

export const adminUserParams = z.object({ id: z.coerce.number().int().positive().max(2 ** 31) }).strict();

/** PATCH /api/admin/users/:id: enable/disable and grant/revoke admin; at least one field. */
export const adminUserPatchSchema = z
  .object({ disabled: z.boolean(), isAdmin: z.boolean() })
  .partial()
  .strict()
  .refine((p) => p.disabled !== undefined || p.isAdmin !== undefined, { message: 'nothing to change' });

/** DELETE /api/admin/users/:id?purgeMessages=true */
export const adminUserDeleteQuery = z.object({ purgeMessages: z.enum(['true', 'false']).default('false').transform((v) => v === 'true') }).strict();

/** A password-reset token from a link: 43 base64url characters (32 random bytes). */
export const resetTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a reset link');
export const resetPasswordSchema = z.object({ token: resetTokenSchema, newPassword: passwordSchema }).strict();

const adminUserRow = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  avatarColor: z.string(),
  isAdmin: z.boolean(),
  /** A room integration's author (API token or webhook), not a person. */
  isBot: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.number(),
  lastSeenAt: z.number().nullable(),
});
export type AdminUserRow = z.infer<typeof adminUserRow>;

export const adminUserListReply = z.object({ users: z.array(adminUserRow), total: z.number(), page: z.number(), pageSize: z.number() });
export type AdminUserList = z.infer<typeof adminUserListReply>;

const adminUserRoom = z.object({ id: z.number(), name: z.string(), role: z.enum(['owner', 'moderator', 'member']), joinedAt: z.number(), closed: z.boolean() });
const adminUserSession = z.object({
  /** A short, non-secret label of the session (a prefix of its stored id hash). */
  label: z.string(),
  current: z.boolean(),
  createdAt: z.number(),
  lastSeenAt: z.number(),
  expiresAt: z.number(),
  ip: z.string(),
  userAgent: z.string(),
});
const adminUserMessage = z.object({ id: z.number(), roomId: z.number(), roomName: z.string(), excerpt: z.string(), createdAt: z.number() });

export const adminUserDetailReply = z.object({
  user: adminUserRow.extend({ statusLine: z.string(), timeZone: z.string() }),
  rooms: z.array(adminUserRoom),
  sessions: z.array(adminUserSession),
  recentMessages: z.array(adminUserMessage),
  messageCount: z.number(),
});
export type AdminUserDetail = z.infer<typeof adminUserDetailReply>;

export const resetLinkReply = z.object({ url: z.string(), expiresAt: z.number() });
export type ResetLink = z.infer<typeof resetLinkReply>;
export const resetInfoReply = z.object({ username: z.string(), expiresAt: z.number() });
