import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  addGroupMembersSchema,
  blockedUserSchemaOut,
  contactsQuerySchema,
  createGroupDmSchema,
  dmConversationSchemaOut,
  dmParams,
  dmUserSchemaOut,
  openDmSchema,
  userParams,
} from '../../protocol/dms.js';
import { requireSession } from '../plugins/auth.js';
import { authErrors, noContent } from '../plugins/http-schemas.js';

const conversationReply = z.object({ conversation: dmConversationSchemaOut });
const conflict = { 409: authErrors[400] };

export async function dmsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['direct messages'];

  app.get('/api/dms', {
    schema: { tags, summary: 'My conversations, most recent first, with unread counts (a 1:1 with someone I blocked is hidden)', response: { 200: z.object({ conversations: z.array(dmConversationSchemaOut) }), ...authErrors } },
  }, async (req) => {
    const { user } = requireSession(req);
    return { conversations: await app.dms.list(user.id) };
  });

  app.get('/api/dms/contacts', {
    schema: { tags, summary: 'People I share a room with (whom I may message), optionally searched by name', querystring: contactsQuerySchema, response: { 200: z.object({ users: z.array(dmUserSchemaOut) }), ...authErrors } },
  }, async (req) => {
    const { user } = requireSession(req);
    return { users: await app.dms.contacts(user.id, req.query.q) };
  });

  app.post('/api/dms', {
    schema: {
      tags,
      summary: 'Open the 1:1 conversation with someone: the existing one (200) or a new one (201) if we share a room. BLOCKED, NO_SHARED_ROOM, NOT_FOUND otherwise',
      body: openDmSchema,
      response: { 200: conversationReply, 201: conversationReply, ...authErrors },
    },
  }, async (req, reply) => {
    const { user } = requireSession(req);
    const { conversation, created } = await app.dms.open(user.id, req.body.userId);
    return reply.status(created ? 201 : 200).send({ conversation });
  });

  app.post('/api/dms/groups', {
    schema: { tags, summary: 'Start a group conversation (up to 10 people with me); each must share a room with me and neither may have blocked the other', body: createGroupDmSchema, response: { 201: conversationReply, ...authErrors, ...conflict } },
  }, async (req, reply) => {
    const { user } = requireSession(req);
    return reply.status(201).send({ conversation: await app.dms.createGroup(user.id, req.body.userIds) });
  });

  app.get('/api/dms/:id', {
    schema: { tags, summary: 'One of my conversations', params: dmParams, response: { 200: conversationReply, ...authErrors } },
  }, async (req) => {
    const { user } = requireSession(req);
    return { conversation: await app.dms.conversation(req.params.id, user.id) };
  });

  app.post('/api/dms/:id/members', {
    schema: { tags, summary: 'Add people to a group conversation I am in (all or nothing; GROUP_FULL past 10)', params: dmParams, body: addGroupMembersSchema, response: { 200: conversationReply, ...authErrors, ...conflict } },
  }, async (req) => {
    const { user } = requireSession(req);
    return { conversation: await app.dms.addToGroup(user.id, req.params.id, req.body.userIds) };
  });

  app.post('/api/dms/:id/leave', {
    schema: { tags, summary: 'Leave a group conversation (a 1:1 cannot be left: block instead)', params: dmParams, response: { 204: noContent, ...authErrors, ...conflict } },
  }, async (req, reply) => {
    const { user } = requireSession(req);
    await app.dms.leaveGroup(user.id, req.params.id);
    return reply.status(204).send(null);
  });

  const blockTags = ['blocks'];
  app.get('/api/blocks', {
    schema: { tags: blockTags, summary: 'People I blocked, latest first', response: { 200: z.object({ users: z.array(blockedUserSchemaOut) }), ...authErrors } },
  }, async (req) => {
    const { user } = requireSession(req);
    return { users: await app.blocks.list(user.id) };
  });

  app.put('/api/blocks/:userId', {
    schema: { tags: blockTags, summary: 'Block someone: no 1:1 messages either way, no adding each other to groups; our 1:1 leaves my list', params: userParams, response: { 200: z.object({ user: blockedUserSchemaOut }), ...authErrors, ...conflict } },
  }, async (req) => {
    const { user } = requireSession(req);
    const blocked = await app.blocks.block(user.id, req.params.userId);
    await app.dms.blockChanged(user.id, req.params.userId, true);
    return { user: blocked };
  });

  app.delete('/api/blocks/:userId', {
    schema: { tags: blockTags, summary: 'Unblock someone (our 1:1, if any, comes back to my list)', params: userParams, response: { 204: noContent, ...authErrors } },
  }, async (req, reply) => {
    const { user } = requireSession(req);
    if (await app.blocks.unblock(user.id, req.params.userId)) await app.dms.blockChanged(user.id, req.params.userId, false);
    return reply.status(204).send(null);
  });
}
