/**
 * Direct messages (SPEC C3): 1:1 and group conversations as rooms of kind 'dm' / 'group', blocks,
 * and who is online. Registered with one line in features.ts. ADR 0011.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../plugins/errors.js';
import { userChannel } from '../plugins/socket-io.js';
import { socketAccessHooks } from '../rooms/rooms.socket.js';
import { BlocksService } from './blocks.service.js';
import { dmsRoutes } from './dms.routes.js';
import { DmsService } from './dms.service.js';
import { ClusterPresence } from '../cluster/presence.js';
import { ONLINE_GRACE_MS, OnlineTracker } from './online.js';
import { isRoomOnlyCommand, isRoomOnlyRoute } from './room-guard.js';

declare module 'fastify' {
  interface FastifyInstance {
    dms: DmsService;
    blocks: BlocksService;
  }
}

export const dmsPlugin = fp(
  async (app: FastifyInstance) => {
    const blocks = new BlocksService(app.db);
    const online = new OnlineTracker((userId, isOnline) => {
      dms
        .partnersOf(userId)
        .then((partners) => {
          if (partners.length) app.io.to(partners.map(userChannel)).emit('dm:presence', { userId, online: isOnline });
        })
        .catch((err: unknown) => app.log.error({ err, userId }, 'dm presence failed'));
      // Several nodes: merged over all of them (a partner on another node is online too).
    }, ONLINE_GRACE_MS, app.cluster.enabled ? (cb, grace) => new ClusterPresence(app.cluster, cb, grace, 'online') : undefined);
    const dms = new DmsService(app.db, app.rooms, app.roomEvents, blocks, online, socketAccessHooks(() => app.io), {
      opened: (userId, conversation) => app.io.to(userChannel(userId)).emit('dm:opened', { conversation }),
      closed: (userId, roomId) => app.io.to(userChannel(userId)).emit('dm:closed', { roomId }),
    });
    app.decorate('dms', dms);
    app.decorate('blocks', blocks);
    app.rooms.speakGuard = (roomId, userId) => dms.speakGuard(roomId, userId);

    // An interview session's hidden room (kind 'interview') is not a conversation: its call and code pad work.
    const isDirect = async (roomId: unknown): Promise<boolean> => {
      if (typeof roomId !== 'number' || !Number.isInteger(roomId) || roomId <= 0) return false;
      const kind = await app.rooms.kindOf(roomId);
      return kind === 'dm' || kind === 'group';
    };
    app.sockets.guardCommands(async (name, ctx, payload) => {
      if (!(await isDirect(payload.roomId))) return;
      if (isRoomOnlyCommand(name)) throw new AppError('NOT_FOUND', 'Not available in a direct conversation.');
      // Typing is not "speaking" to the chat service, but a blocked 1:1 shows none either.
      if (name === 'chat:typing' && (await app.rooms.membership(payload.roomId!, ctx.userId))) await dms.speakGuard(payload.roomId!, ctx.userId);
    });
    app.addHook('onRequest', async (req) => {
      if (!isRoomOnlyRoute(req.method, req.routeOptions.url)) return;
      const id = Number((req.params as { id?: string }).id);
      if (await isDirect(id)) throw new AppError('NOT_FOUND', 'No such room.');
    });

    app.sockets.onConnect((socket) => online.connected(socket.data.userId, socket.id));
    app.sockets.onDisconnecting((socket) => online.disconnected(socket.data.userId, socket.id));
    app.addHook('preClose', async () => online.dispose());

    await app.register(dmsRoutes);
  },
  { name: 'dms', dependencies: ['db', 'auth', 'socket-io'] },
);
