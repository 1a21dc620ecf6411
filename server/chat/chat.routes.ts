import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { historyPageSchemaOut, historyQuerySchema, messageSchemaOut, postMessageSchema } from '../../protocol/chat.js';
import { z } from 'zod';
import { requireSession } from '../plugins/auth.js';
import { authErrors } from '../plugins/http-schemas.js';
import { roomParams } from '../rooms/rooms.schemas.js';

export async function chatRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['chat'];

  app.get('/api/rooms/:id/messages', {
    schema: {
      tags,
      summary: 'Message history, oldest first; page back with `before=<nextCursor>`',
      params: roomParams,
      querystring: historyQuerySchema,
      response: { 200: historyPageSchemaOut, ...authErrors },
    },
  }, async (req) => {
    const { user } = requireSession(req);
    await app.rooms.requireMember(req.params.id, user.id);
    return await app.chat.history(req.params.id, req.query);
  });

  app.post('/api/rooms/:id/messages', {
    schema: {
      tags,
      summary: 'Post a message (bots and integrations use this); it reaches everyone in the room live',
      params: roomParams,
      body: postMessageSchema,
      response: { 201: z.object({ message: messageSchemaOut }), ...authErrors },
    },
  }, async (req, reply) => {
    const { user } = requireSession(req);
    const member = await app.rooms.requireMember(req.params.id, user.id, 'member', { speaks: true });
    const attachments = req.body.attachments ? await app.files.attachable(req.params.id, user.id, req.body.attachments) : undefined;
    const message = await app.chat.send(member, req.body.text, req.body.replyToId, req.body.clientId, attachments);
    return reply.status(201).send({ message });
  });
}
