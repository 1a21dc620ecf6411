/**
 * The notification centre (SPEC C5, issue 13 item 3, ADR 0013) as one plugin: the service
 * (`app.notifications.notify(userId, {...})`), Web Push, HTTP routes, and the reactions to other
 * features' room facts (chat messages, chess challenges, streams going live). Alarms call in from
 * features.ts. Registered with one line in features.ts.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { userChannel } from '../plugins/socket-io.js';
import { notificationsRoutes } from './notifications.routes.js';
import { NotificationsService } from './notifications.service.js';
import { notificationTitle, notificationUrl } from './notify-rules.js';
import { PushService } from './push.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    notifications: NotificationsService;
    push: PushService;
  }
}

export const notificationsPlugin = fp(
  async (app: FastifyInstance) => {
    const log = app.log.child({ feature: 'notifications' });
    const push = new PushService(app.db, { ...app.config.push, dataDir: app.config.dataDir }, log);
    const notifications = new NotificationsService(app.db, {
      created(userId, notification, unread) {
        app.io.to(userChannel(userId)).emit('notify:new', { notification, unread });
        const title = notificationTitle({ kind: notification.kind, actorName: notification.actor?.displayName ?? null, roomName: notification.roomName, count: notification.count });
        void push.send(userId, { id: notification.id, kind: notification.kind, title, body: notification.text, url: notificationUrl(notification.kind, notification.link) });
      },
      read(userId, ids, unread) {
        app.io.to(userChannel(userId)).emit('notify:read', { ids, unread });
      },
    });
    // Several nodes: another node's settings write would not reach this node's cache (ADR 0022).
    if (app.cluster.enabled) notifications.cacheEveryMessageRooms = false;
    app.decorate('notifications', notifications);
    app.decorate('push', push);
    await app.register(notificationsRoutes(notifications, push));

    // What other features do that needs someone: reacting to their room facts keeps the slices apart.
    // The listeners are async: a failure is logged, never an unhandled rejection.
    const later = (what: string, work: () => Promise<unknown>) => {
      work().catch((err: unknown) => log.error({ err }, `notifications: ${what} failed`));
    };
    app.roomEvents.on('chat:message', ({ roomId, message }) => later('chat message', () => notifications.onChatMessage(roomId, message)));
    app.roomEvents.on('chess:challenged', ({ roomId, game }) => {
      if (!game.opponent) return;
      const opponentId = game.opponent.id;
      const tc = game.timeControl ? `${game.timeControl.minutes}+${game.timeControl.increment}` : 'Untimed';
      later('chess challenge', async () =>
        notifications.notify(opponentId, { kind: 'chess', actorId: game.createdBy.id, roomId, gameId: game.id, text: `${tc} game in ${(await app.rooms.getRow(roomId)).name}` }),
      );
    });
    app.roomEvents.on('chess:started', ({ game }) => later('chess start', () => notifications.markGameRead(game.id)));
    app.roomEvents.on('chess:cancelled', ({ gameId }) => later('chess cancel', () => notifications.markGameRead(gameId)));
    app.roomEvents.on('stream:started', ({ roomId, state }) =>
      later('stream start', async () => {
        const room = await app.rooms.getRow(roomId);
        // The stream key is the owner's: they are the one going live.
        await notifications.notifyMembers(roomId, room.ownerId, { kind: 'stream', actorId: room.ownerId, streamId: state.streamId, text: `Live now in ${room.name}` });
      }),
    );
  },
  { name: 'notifications', dependencies: ['db', 'auth', 'socket-io'] },
);
