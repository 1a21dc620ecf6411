/**
 * Direct messages (SPEC C3): a conversation is a room row of kind 'dm' (two people, unique per
 * pair) or 'group' (up to {@link GROUP_DM_MAX}); its messages are ordinary chat messages, so the
 * chat commands work on it with the conversation's room id. See docs/decisions/0011-direct-messages.md.
 */
import { z } from 'zod';
import { GROUP_DM_MAX } from './dms-constants.js';
import { userSchemaOut } from './users.js';

export * from './dms-constants.js';

const userId = z.number().int().positive();

/** Start (or reopen) the 1:1 conversation with `userId`. */
export const openDmSchema = z.object({ userId }).strict();

/** Start a group DM with these people (the caller is added): 2 to GROUP_DM_MAX - 1 others. */
export const createGroupDmSchema = z
  .object({ userIds: z.array(userId).min(2).max(GROUP_DM_MAX - 1) })
  .strict()
  .refine((b) => new Set(b.userIds).size === b.userIds.length, { message: 'each person once', path: ['userIds'] });

/** Add people to a group DM. */
export const addGroupMembersSchema = z
  .object({ userIds: z.array(userId).min(1).max(GROUP_DM_MAX - 1) })
  .strict()
  .refine((b) => new Set(b.userIds).size === b.userIds.length, { message: 'each person once', path: ['userIds'] });

export const dmParams = z.object({ id: z.coerce.number().int().positive() });
export const userParams = z.object({ userId: z.coerce.number().int().positive() });
export const contactsQuerySchema = z.object({ q: z.string().trim().max(40).optional() });

export const dmUserSchemaOut = userSchemaOut.extend({
  /** Connected to the app right now (any tab or device). */
  online: z.boolean(),
});
export type DmUser = z.infer<typeof dmUserSchemaOut>;

export const dmConversationSchemaOut = z.object({
  /** The conversation's room id: chat commands and room:enter take it. */
  id: z.number(),
  kind: z.enum(['dm', 'group']),
  /** The other people in it (never the caller), in the order they joined. */
  others: z.array(dmUserSchemaOut),
  unread: z.number(),
  lastActivityAt: z.number(),
  /** The newest message, for the list's preview line; null when nothing was written yet. */
  last: z
    .object({ authorId: z.number(), text: z.string(), createdAt: z.number(), deleted: z.boolean() })
    .nullable(),
});
export type DmConversation = z.infer<typeof dmConversationSchemaOut>;

export const blockedUserSchemaOut = userSchemaOut.extend({ blockedAt: z.number() });
export type BlockedUser = z.infer<typeof blockedUserSchemaOut>;
