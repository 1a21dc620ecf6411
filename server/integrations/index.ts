/**
 * Bots and integrations (SPEC C6, issue 13 item 4): room-scoped API tokens with scopes, and the
 * Bearer-authenticated bot routes, and incoming webhooks (POST /api/hooks/:secret).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { historyPageSchemaOut, historyQuerySchema, messageSchemaOut } from '../../protocol/chat.js';
import { botTodoAddSchema, botPostSchema, createTokenSchema, createWebhookSchema, integrationSchemaOut, WEBHOOK_BODY_MAX_BYTES, webhookBodySchema } from '../../protocol/integrations.js';
import { requireSession } from '../plugins/auth.js';
import { authErrors, noContent } from '../plugins/http-schemas.js';
import { roomParams } from '../rooms/rooms.schemas.js';
import { todoSchemaOut } from '../../protocol/study.js';
import { IntegrationsService } from './integrations.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    integrations: IntegrationsService;
  }
}

const bearer = z.object({ authorization: z.string().optional().describe('Bearer <room API token>') });

export const integrationsPlugin = fp(
  async (fastify: FastifyInstance) => {
    const svc = new IntegrationsService(fastify.db, fastify.rooms, fastify.chat, fastify.audit, fastify.config.sessionSecret, fastify.config.botRatePerMin);
    fastify.decorate('integrations', svc);
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['integrations'];

    app.get('/api/rooms/:id/integrations', {
      schema: { tags, summary: "The room's live API tokens (owner)", params: roomParams, response: { 200: z.object({ integrations: z.array(integrationSchemaOut) }), ...authErrors } },
    }, async (req) => ({ integrations: await svc.list(req.params.id, requireSession(req).user.id) }));

    app.post('/api/rooms/:id/integrations/tokens', {
      schema: {
        tags,
        summary: 'Create a room API token (owner); the secret is in this answer only',
        params: roomParams,
        body: createTokenSchema,
        response: { 201: z.object({ integration: integrationSchemaOut, secret: z.string() }), ...authErrors },
      },
    }, async (req, reply) => {
      const { user } = requireSession(req);
      return reply.status(201).send(await svc.createToken(req.params.id, user, req.body.name, req.body.scopes));
    });

    app.post('/api/rooms/:id/integrations/webhooks', {
      schema: {
        tags,
        summary: 'Create an incoming webhook (owner); its URL holds the secret and is in this answer only',
        params: roomParams,
        body: createWebhookSchema,
        response: { 201: z.object({ integration: integrationSchemaOut, path: z.string() }), ...authErrors },
      },
    }, async (req, reply) => {
      const { user } = requireSession(req);
      const { integration, secret } = await svc.createToken(req.params.id, user, req.body.name, ['messages:write'], 'webhook');
      return reply.status(201).send({ integration, path: `/api/hooks/${secret}` });
    });

    app.post('/api/hooks/:secret', {
      bodyLimit: WEBHOOK_BODY_MAX_BYTES,
      schema: {
        tags,
        summary: 'Incoming webhook: post a message into its room (Slack-compatible body)',
        description: `Example: \`curl -X POST -H "content-type: application/json" -d '{"text":"Deploy finished"}' https://host/api/hooks/crh_...\`. Only \`text\` is used (other Slack fields are ignored); it is shown as plain text. Bodies over ${WEBHOOK_BODY_MAX_BYTES} bytes answer 413. Rate-limited per webhook (BOT_RATE_PER_MIN). Revoke or regenerate it in room settings.`,
        params: z.object({ secret: z.string().max(200) }),
        body: webhookBodySchema,
        response: { 201: z.object({ ok: z.literal(true), messageId: z.number() }), ...authErrors },
      },
    }, async (req, reply) => {
      const row = await svc.webhook(req.params.secret);
      const message = await svc.post(row, req.body.text);
      return reply.status(201).send({ ok: true, messageId: message.id });
    });

    app.delete('/api/rooms/:id/integrations/:integrationId', {
      schema: {
        tags,
        summary: 'Revoke a room API token (owner); it stops working at once',
        params: roomParams.extend({ integrationId: z.coerce.number().int().positive() }),
        response: { 204: noContent, ...authErrors },
      },
    }, async (req, reply) => {
      await svc.revoke(req.params.id, requireSession(req).user, req.params.integrationId);
      return reply.status(204).send(null);
    });

    app.post('/api/bot/messages', {
      schema: {
        tags,
        summary: "Post a message as the token's bot into its room (scope messages:write)",
        description: 'Example: `curl -X POST -H "Authorization: Bearer crt_..." -H "content-type: application/json" -d \'{"text":"Build passed"}\' https://host/api/bot/messages`. Rate-limited per token (BOT_RATE_PER_MIN). The text is shown as plain text with light markdown, never HTML.',
        headers: bearer,
        body: botPostSchema,
        response: { 201: z.object({ message: messageSchemaOut }), ...authErrors },
      },
    }, async (req, reply) => {
      const row = await svc.authenticate(req.headers.authorization, 'messages:write');
      return reply.status(201).send({ message: await svc.post(row, req.body.text) });
    });

    app.get('/api/bot/todos', {
      schema: { tags, summary: "The token's room to-do list (scope todos:manage)", headers: bearer, response: { 200: z.object({ todos: z.array(todoSchemaOut) }), ...authErrors } },
    }, async (req) => {
      const row = await svc.authenticate(req.headers.authorization, 'todos:manage');
      return { todos: await fastify.todos.listRoom(row.roomId) };
    });

    app.post('/api/bot/todos', {
      schema: {
        tags,
        summary: "Add a to-do to the token's room (scope todos:manage); everyone sees it live",
        description: 'Example: `curl -X POST -H "Authorization: Bearer crt_..." -H "content-type: application/json" -d \'{"text":"Review chapter 3"}\' https://host/api/bot/todos`.',
        headers: bearer,
        body: botTodoAddSchema,
        response: { 201: z.object({ todo: todoSchemaOut }), ...authErrors },
      },
    }, async (req, reply) => {
      const row = await svc.authenticate(req.headers.authorization, 'todos:manage');
      return reply.status(201).send({ todo: await fastify.todos.add(row.botUserId, { roomId: row.roomId, text: req.body.text }) });
    });

    app.post('/api/bot/todos/:todoId/complete', {
      schema: {
        tags,
        summary: "Mark a to-do of the token's room done (scope todos:manage)",
        headers: bearer,
        params: z.object({ todoId: z.coerce.number().int().positive() }),
        response: { 200: z.object({ todo: todoSchemaOut }), ...authErrors },
      },
    }, async (req) => {
      const row = await svc.authenticate(req.headers.authorization, 'todos:manage');
      return { todo: await fastify.todos.update(row.botUserId, async (roomId) => roomId === row.roomId, { todoId: req.params.todoId, done: true }) };
    });

    app.get('/api/bot/messages', {
      schema: {
        tags,
        summary: "Read the token's room history, oldest first (scope messages:read)",
        description: 'Example: `curl -H "Authorization: Bearer crt_..." "https://host/api/bot/messages?limit=20"`; page back with `before=<nextCursor>`.',
        headers: bearer,
        querystring: historyQuerySchema,
        response: { 200: historyPageSchemaOut, ...authErrors },
      },
    }, async (req) => {
      const row = await svc.authenticate(req.headers.authorization, 'messages:read');
      return await fastify.chat.history(row.roomId, req.query);
    });
  },
  { name: 'integrations' },
);
