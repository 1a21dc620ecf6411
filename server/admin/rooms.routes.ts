import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { adminRoomDetailReply, adminRoomListReply, adminRoomParams, adminRoomQuerySchema, adminRoomTransferSchema } from '../../protocol/admin-rooms.js';
import type { AuditAction } from '../../protocol/audit.js';
import { roomSchemaOut } from '../../protocol/rooms.js';
import { requireAdmin } from '../plugins/auth.js';
import { authErrors, errorReply, noContent } from '../plugins/http-schemas.js';

export async function adminRoomsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['admin'];
  const errors = { ...authErrors, 409: errorReply };
  const roomReply = z.object({ room: roomSchemaOut });
  const audit = async (req: FastifyRequest, action: AuditAction, roomId: number, detail: Record<string, unknown>) => {
    const { user } = req.session!;
    await app.audit.record({ action, actor: { id: user.id, username: user.username }, roomId, ip: req.ip, detail: { by: 'admin', ...detail } });
  };

  app.get('/api/admin/rooms', { schema: { tags, summary: 'Admin: rooms with members, storage, activity and live status', querystring: adminRoomQuerySchema, response: { 200: adminRoomListReply, ...errors } } }, async (req) => {
    requireAdmin(req);
    return await app.adminRooms.list(req.query);
  });

  app.get('/api/admin/rooms/:id', { schema: { tags, summary: 'Admin: one room', params: adminRoomParams, response: { 200: adminRoomDetailReply, ...errors } } }, async (req) => {
    requireAdmin(req);
    return await app.adminRooms.detail(req.params.id);
  });

  app.post('/api/admin/rooms/:id/close', { schema: { tags, summary: 'Admin: close (archive) a room: read-only for everyone', params: adminRoomParams, response: { 200: roomReply, ...errors } } }, async (req) => {
    requireAdmin(req);
    const before = await app.rooms.getRow(req.params.id);
    const room = await app.rooms.setClosed(req.params.id, true);
    // An archived room is not on air: end a running stream (through the stream feature's own kick).
    const endedStream = app.hasDecorator('stream') && app.stream.isLive(room.id);
    if (endedStream) await app.stream.kick(room.id).catch(() => {});
    if (!before.closedAt) await audit(req, 'room.close', room.id, { name: room.name, closed: true, endedStream });
    return { room };
  });

  app.post('/api/admin/rooms/:id/reopen', { schema: { tags, summary: 'Admin: reopen a closed room', params: adminRoomParams, response: { 200: roomReply, ...errors } } }, async (req) => {
    requireAdmin(req);
    const before = await app.rooms.getRow(req.params.id);
    const room = await app.rooms.setClosed(req.params.id, false);
    if (before.closedAt) await audit(req, 'room.close', room.id, { name: room.name, closed: false });
    return { room };
  });

  app.post('/api/admin/rooms/:id/transfer', { schema: { tags, summary: 'Admin: make another member the owner', params: adminRoomParams, body: adminRoomTransferSchema, response: { 200: roomReply, ...errors } } }, async (req) => {
    requireAdmin(req);
    const from = (await app.rooms.getRow(req.params.id)).ownerId;
    const room = await app.rooms.forceTransfer(req.params.id, req.body.userId);
    await audit(req, 'room.transfer', room.id, { name: room.name, fromUserId: from, toUserId: req.body.userId });
    return { room };
  });

  app.delete('/api/admin/rooms/:id', { schema: { tags, summary: 'Admin: delete a room and everything in it', params: adminRoomParams, response: { 204: noContent, ...errors } } }, async (req, reply) => {
    requireAdmin(req);
    const row = await app.rooms.getRow(req.params.id);
    await app.rooms.forceRemove(row.id);
    await audit(req, 'room.delete', row.id, { name: row.name, ownerId: row.ownerId });
    return reply.status(204).send(null);
  });
}
