import { z } from 'zod';
import { clientIdSchema } from './client-id.js';
import { userText } from './text.js';
import { userSchemaOut } from './users.js';

import { HISTORY_PAGE_MAX, MESSAGE_MAX_LENGTH } from './chat-constants.js';

/** At most this many files on one chat message. */
export const MESSAGE_MAX_ATTACHMENTS = 10;

export * from './chat-constants.js';

/** Not trimmed (leading spaces may be meant), but text of only invisible characters is empty. */
export const messageTextSchema = userText(MESSAGE_MAX_LENGTH, { trim: false });

export const messageIdSchema = z.number().int().positive();

/** Files of the room attached to a message (ids of room files the sender may read; issue 11). */
export const attachmentIdsSchema = z.array(z.number().int().positive()).min(1).max(MESSAGE_MAX_ATTACHMENTS);

export const postMessageSchema = z
  .object({ text: messageTextSchema, replyToId: messageIdSchema.optional(), clientId: clientIdSchema.optional(), attachments: attachmentIdsSchema.optional() })
  .strict();

export const historyQuerySchema = z.object({
  before: z.coerce.number().int().positive().optional(),
  after: z.coerce.number().int().min(0).optional(),
  /** A page centred on this message (jump to a search result); `hasNewer` says if more follow. */
  around: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(HISTORY_PAGE_MAX).default(50),
});

export const reactionSchemaOut = z.object({
  emoji: z.string(),
  count: z.number(),
  userIds: z.array(z.number()),
});

export const messageSchemaOut = z.object({
  id: z.number(),
  roomId: z.number(),
  author: userSchemaOut,
  text: z.string(),
  replyTo: z
    .object({ id: z.number(), authorName: z.string(), excerpt: z.string(), deleted: z.boolean() })
    .nullable(),
  reactions: z.array(reactionSchemaOut),
  mentions: z.array(z.number()),
  createdAt: z.number(),
  editedAt: z.number().nullable(),
  deleted: z.boolean(),
  /** Room file ids attached to the message (absent when none); the card fetches each file, so a trashed one shows as unavailable. */
  attachments: z.array(z.number()).optional(),
});
export type Message = z.infer<typeof messageSchemaOut>;
export type Reaction = z.infer<typeof reactionSchemaOut>;

export const historyPageSchemaOut = z.object({
  messages: z.array(messageSchemaOut),
  /** Pass as `before` to get the next older page; null when the start of history is reached. */
  nextCursor: z.number().nullable(),
  /** Only for `around` pages: newer messages exist after this page (page forward with `after`). */
  hasNewer: z.boolean().optional(),
});
export type HistoryPage = z.infer<typeof historyPageSchemaOut>;

const MENTION_RE = /(^|[^\w@])@([a-zA-Z0-9_][a-zA-Z0-9_.-]{1,22}[a-zA-Z0-9_])/g;

/** Lower-cased usernames mentioned as `@name` in a message, each once. */
export function extractMentionNames(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(MENTION_RE)) names.add(m[2]!.toLowerCase());
  return [...names];
}
