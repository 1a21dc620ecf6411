import { z } from 'zod';
import { messageTextSchema } from './chat.js';
import { todoTextSchema } from './study.js';
import { userText } from './text.js';

/** What a room API token may do. */
export const TOKEN_SCOPES = ['messages:write', 'messages:read', 'todos:manage'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const createTokenSchema = z
  .object({ name: userText(40), scopes: z.array(z.enum(TOKEN_SCOPES)).min(1).max(TOKEN_SCOPES.length) })
  .strict();

export const integrationSchemaOut = z.object({
  id: z.number(),
  kind: z.enum(['token', 'webhook']),
  name: z.string(),
  scopes: z.array(z.enum(TOKEN_SCOPES)),
  /** The first characters of the secret, to tell tokens apart. */
  hint: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
});
export type Integration = z.infer<typeof integrationSchemaOut>;

export const botPostSchema = z.object({ text: messageTextSchema }).strict();

export const createWebhookSchema = z.object({ name: userText(40) }).strict();

/** Slack-compatible incoming webhook body: only `text` is used; other Slack fields are ignored. */
export const webhookBodySchema = z.object({ text: messageTextSchema });

/** Webhook request bodies above this many bytes are refused (413). */
export const WEBHOOK_BODY_MAX_BYTES = 16 * 1024;

export const botTodoAddSchema = z.object({ text: todoTextSchema }).strict();
