import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { banSchema, createRoomSchema, joinCodeSchema, joinRoomSchema, muteSchema, roomSearchSchema, setRoleSchema, transferSchema, updateRoomSchema } from '../../protocol/rooms.js';
import { requireSession } from '../plugins/auth.js';
import { AppError } from '../plugins/errors.js';
import { authErrors, noContent } from '../plugins/http-schemas.js';
import { idempotencyKey } from '../plugins/idempotency.js';
import { auditRequest } from '../audit/audit-request.js';
import {
  bansReply,
  codeParams,
  joinReply,
  lobbyReply,
  memberParams,
  memberReply,
  membersReply,
  previewReply,
  roomParams,
  roomReply,
  roomWithRoleReply,
} from './rooms.schemas.js';

export async function roomsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const rooms = () => app.rooms;
  const tags = ['rooms'];

  app.post('/api/rooms', { schema: { tags, summary: 'Create a room', body: createRoomSchema, response: { 201: roomReply, ...authErrors } } }, async (req, reply) => {
    const { user } = requireSession(req);
    const create = async () => {
      const room = await rooms().create(user.id, req.body, app.config.roomLimits);
      await auditRequest(req, 'room.create', { roomId: room.id, detail: { name: room.name, listed: req.body.listed, passcode: !!req.body.passcode } });
      return room;
    };
    // A retry with the same clientId gets the room made the first time, not a second room.
    const room = req.body.clientId ? await app.idempotency.run(idempotencyKey(user.id, 'POST /api/rooms', req.body.clientId), create) : await create();
    return reply.status(201).send({ room });
  });

  app.get('/api/rooms', { schema: { tags, summary: 'Public lobby: listed rooms, optionally searched by name', querystring: roomSearchSchema, response: { 200: lobbyReply, ...authErrors } } }, async (req) => {
    const { user } = requireSession(req);
    return { rooms: await rooms().lobby(user.id, req.query.q) };
  });

  app.get('/api/rooms/mine', { schema: { tags, summary: 'My rooms, most recently active first, with unread counts', response: { 200: lobbyReply, ...authErrors } } }, async (req) => {
    const { user } = requireSession(req);
    return { rooms: await rooms().mine(user.id) };
  });

  app.get('/api/rooms/code/:code', { schema: { tags, summary: 'Preview a room by its join code', params: codeParams, response: { 200: previewReply, ...authErrors } } }, async (req) => {
    const { user } = requireSession(req);
    const code = joinCodeSchema.safeParse(req.params.code);
    if (!code.success) throw new AppError('NOT_FOUND', 'No room has that code.');
    return { room: await rooms().preview(code.data, user.id, req.ip) };
  });

  app.get('/api/rooms/:id', { schema: { tags, summary: 'A room I am a member of', params: roomParams, response: { 200: roomWithRoleReply, ...authErrors } } }, async (req) => {
    const { user } = requireSession(req);
    const m = await rooms().requireMember(req.params.id, user.id);
    return { room: await rooms().toDto(await rooms().getRow(req.params.id)), myRole: m.role };
  });

  app.patch('/api/rooms/:id', { schema: { tags, summary: 'Change settings (owner; moderators may set slow mode)', params: roomParams, body: updateRoomSchema, response: { 200: roomReply, ...authErrors } } }, async (req) => {
    const { user } = requireSession(req);
    const room = await rooms().update(req.params.id, user.id, req.body);
    if (req.body.passcode !== undefined) await auditRequest(req, 'room.passcode_change', { roomId: room.id, detail: { passcode: req.body.passcode === null ? 'removed' : 'set' } });
    return { room };
  });

  app.delete('/api/rooms/:id', { schema: { tags, summary: 'Delete the room (owner)', params: roomParams, response: { 204: noContent, ...authErrors } } }, async (req, reply) => {
    const { user } = requireSession(req);
    const { name } = await rooms().getRow(req.params.id);
    await rooms().remove(req.params.id, user.id);
    await auditRequest(req, 'room.delete', { roomId: req.params.id, detail: { name } });
    return reply.status(204).send(null);
  });

  app.post('/api/rooms/:id/join', {
    schema: { tags, summary: 'Join: an unlisted room needs its current join code, a locked room its passcode (members are let straight in)', params: roomParams, body: joinRoomSchema.default({}), response: { 200: joinReply, ...authErrors, 409: authErrors[400] } },
  }, async (req) => {
    const { user } = requireSession(req);
    return await rooms().join(req.params.id, user.id, req.body, req.ip);
  });

  app.post('/api/rooms/:id/leave', { schema: { tags, summary: 'Leave the room', params: roomParams, response: { 204: noContent, ...authErrors, 409: authErrors[400] } } }, async (req, reply) => {
    const { user } = requireSession(req);
    await rooms().leave(req.params.id, user.id);
    return reply.status(204).send(null);
  });

  app.post('/api/rooms/:id/rotate-code', { schema: { tags, summary: 'Give the room a new join code (owner); old links stop working', params: roomParams, response: { 200: roomReply, ...authErrors } } }, async (req) => {
    const { user } = requireSession(req);
    const room = await rooms().rotateCode(req.params.id, user.id);
    await auditRequest(req, 'room.code_rotate', { roomId: room.id });
    return { room };
  });

  app.post('/api/rooms/:id/transfer', { schema: { tags, summary: 'Transfer ownership to another member (owner)', params: roomParams, body: transferSchema, response: { 200: roomReply, ...authErrors, 409: authErrors[400] } } }, async (req) => {
    const { user } = requireSession(req);
    const room = await rooms().transfer(req.params.id, user.id, req.body.userId);
    await auditRequest(req, 'room.transfer', { roomId: room.id, target: req.body.userId });
    return { room };
  });

  app.get('/api/rooms/:id/members', { schema: { tags, summary: 'Members with role and presence', params: roomParams, response: { 200: membersReply, ...authErrors } } }, async (req) => {
    const { user } = requireSession(req);
    await rooms().requireMember(req.params.id, user.id);
    return { members: await rooms().members(req.params.id) };
  });

  app.post('/api/rooms/:id/members/:userId/kick', { schema: { tags, summary: 'Remove a member (moderator)', params: memberParams, response: { 204: noContent, ...authErrors, 409: authErrors[400] } } }, async (req, reply) => {
    const { user } = requireSession(req);
    await rooms().kick(req.params.id, user.id, req.params.userId);
    await auditRequest(req, 'room.kick', { roomId: req.params.id, target: req.params.userId });
    return reply.status(204).send(null);
  });

  app.post('/api/rooms/:id/members/:userId/ban', { schema: { tags, summary: 'Ban a member, optionally for a time, optionally deleting their messages (moderator)', params: memberParams, body: banSchema, response: { 204: noContent, ...authErrors, 409: authErrors[400] } } }, async (req, reply) => {
    const { user } = requireSession(req);
    const { id, userId } = req.params;
    const until = await rooms().ban(id, user.id, userId, req.body);
    await auditRequest(req, 'room.ban', { roomId: id, target: userId, detail: { until, reason: req.body.reason, deleteMessages: req.body.deleteMessages } });
    if (req.body.deleteMessages) {
      const messages = await app.chat.purgeUser(id, userId);
      await auditRequest(req, 'room.message_purge', { roomId: id, target: userId, detail: { messages } });
    }
    return reply.status(204).send(null);
  });

  app.get('/api/rooms/:id/bans', { schema: { tags, summary: 'Active bans (moderator)', params: roomParams, response: { 200: bansReply, ...authErrors } } }, async (req) => {
    const { user } = requireSession(req);
    return { bans: await rooms().bans(req.params.id, user.id) };
  });

  app.delete('/api/rooms/:id/bans/:userId', { schema: { tags, summary: 'Lift a ban (moderator)', params: memberParams, response: { 204: noContent, ...authErrors } } }, async (req, reply) => {
    const { user } = requireSession(req);
    await rooms().unban(req.params.id, user.id, req.params.userId);
    await auditRequest(req, 'room.unban', { roomId: req.params.id, target: req.params.userId });
    return reply.status(204).send(null);
  });

  app.post('/api/rooms/:id/members/:userId/mute', { schema: { tags, summary: 'Mute a member for some minutes (moderator)', params: memberParams, body: muteSchema, response: { 200: memberReply, ...authErrors, 409: authErrors[400] } } }, async (req) => {
    const { user } = requireSession(req);
    const member = await rooms().mute(req.params.id, user.id, req.params.userId, req.body.minutes);
    await auditRequest(req, 'room.mute', { roomId: req.params.id, target: req.params.userId, detail: { minutes: req.body.minutes } });
    return { member };
  });

  app.delete('/api/rooms/:id/members/:userId/mute', { schema: { tags, summary: 'Unmute a member (moderator)', params: memberParams, response: { 200: memberReply, ...authErrors, 409: authErrors[400] } } }, async (req) => {
    const { user } = requireSession(req);
    const member = await rooms().mute(req.params.id, user.id, req.params.userId, null);
    await auditRequest(req, 'room.unmute', { roomId: req.params.id, target: req.params.userId });
    return { member };
  });

  app.put('/api/rooms/:id/members/:userId/role', { schema: { tags, summary: 'Make a member a moderator or back (owner)', params: memberParams, body: setRoleSchema, response: { 200: memberReply, ...authErrors, 409: authErrors[400] } } }, async (req) => {
    const { user } = requireSession(req);
    const member = await rooms().setRole(req.params.id, user.id, req.params.userId, req.body.role);
    await auditRequest(req, 'room.role_change', { roomId: req.params.id, target: req.params.userId, detail: { role: req.body.role } });
    return { member };
  });
}
